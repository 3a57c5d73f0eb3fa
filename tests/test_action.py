"""The composite GitHub Action (action.yml): its structure, and its check step
(scripts/action_check.py) run as GitHub runs it, with the environment it sets."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from lifecheck.spec.examples import EXAMPLES, LOG

ROOT = Path(__file__).parents[1]
SCRIPT = ROOT / "scripts" / "action_check.py"
SCHEMA = ROOT.parent / "shared" / "schemas" / "sarif-schema-2.1.0.json"


def _action() -> dict[str, object]:
    loaded: dict[str, object] = yaml.safe_load((ROOT / "action.yml").read_text())
    return loaded


class TestActionYml:
    def test_it_is_a_composite_action_with_described_inputs_and_outputs(self) -> None:
        """name, description, inputs (each described; only paths required), outputs, runs."""
        action = _action()
        assert {"name", "description", "inputs", "outputs", "runs"} <= set(action)
        inputs = action["inputs"]
        assert isinstance(inputs, dict)
        assert all(spec.get("description") for spec in inputs.values())
        assert ["paths"] == [name for name, spec in inputs.items() if spec.get("required")]
        assert "composite" == action["runs"]["using"]  # type: ignore[index]

    def test_every_input_is_used_and_every_use_is_an_input(self) -> None:
        """The steps (and outputs) read exactly the declared inputs; step outputs exist."""
        action = _action()
        text = json.dumps(action["runs"])
        assert set(action["inputs"]) == set(re.findall(r"inputs\.([\w-]+)", text))  # type: ignore[arg-type]
        outputs = json.dumps(action["outputs"])
        assert {"sarif-dir", "exit-code"} == set(re.findall(r"steps\.check\.outputs\.([\w-]+)",
                                                             text + outputs))  # fmt: skip

    def test_steps_set_up_python_install_check_and_upload(self) -> None:
        """setup-python, a pip install from the action's own path by default, the check
        script, then upload-sarif even when the check failed (not when cancelled)."""
        steps = _action()["runs"]["steps"]  # type: ignore[index]
        uses = [step.get("uses", "").split("@")[0] for step in steps]
        assert ["actions/setup-python", "", "", "github/codeql-action/upload-sarif"] == uses
        install, check, upload = steps[1:]
        assert "pip install" in install["run"]
        assert "$GITHUB_ACTION_PATH" in install["run"]
        assert ("check", True) == (check["id"], "scripts/action_check.py" in check["run"])
        assert all(step["shell"] == "bash" for step in (install, check))
        assert "!cancelled()" in upload["if"]
        assert SCRIPT.is_file()


@pytest.fixture
def github(tmp_path: Path) -> dict[str, str]:
    """The environment GitHub gives a composite step: GITHUB_OUTPUT, RUNNER_TEMP, and
    `lifecheck` on PATH (this checkout's, as the install step would put it there)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "lifecheck"
    shim.write_text(f"#!{sys.executable}\nfrom lifecheck.checker.commands.cli import main\nmain()")
    shim.chmod(0o755)
    (tmp_path / "temp").mkdir()
    (tmp_path / "output").write_text("")
    return os.environ | {
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "PYTHONPATH": str(ROOT),
        "GITHUB_OUTPUT": str(tmp_path / "output"),
        "RUNNER_TEMP": str(tmp_path / "temp"),
        "GITHUB_ACTION_PATH": str(ROOT),
    }


def _step(env: dict[str, str], cwd: Path, **inputs: str) -> tuple[int, dict[str, str]]:
    """Run the check step with the action's inputs; its exit code and its outputs."""
    variables = {f"LIFECHECK_{name.upper()}": value for name, value in inputs.items()}
    done = subprocess.run([sys.executable, str(SCRIPT)], env=env | variables, cwd=cwd,
                          capture_output=True, text=True, check=False)  # fmt: skip
    lines = Path(env["GITHUB_OUTPUT"]).read_text().splitlines()
    return done.returncode, dict(line.split("=", 1) for line in lines)


def _logs(tmp_path: Path) -> Path:
    """A workspace with a clean log, a log with a warning and one with an error."""
    workspace = tmp_path / "workspace"
    (workspace / "logs").mkdir(parents=True)
    (workspace / "logs" / "clean.jsonl").write_bytes(
        (ROOT / "checker" / "examples" / "clean-day.jsonl").read_bytes()
    )
    for rule in ("stale-pid", "pid-zero"):
        (workspace / "logs" / f"{rule}.jsonl").write_text(EXAMPLES[rule].files[LOG])
    return workspace


def test_one_sarif_per_input_each_with_its_category(github: dict[str, str], tmp_path: Path) -> None:
    """Each input's SARIF file holds its findings under the category lifecheck/INPUT/;
    the outputs name the directory and the worst exit code, which the step exits with."""
    workspace = _logs(tmp_path)
    paths = "logs/clean.jsonl\nlogs/stale-pid.jsonl  logs/pid-zero.jsonl"
    code, outputs = _step(github, workspace, paths=paths, fail_on="warning")
    assert (1, {"sarif-dir": f"{tmp_path}/temp/lifecheck-sarif", "exit-code": "1"}) == (
        code, outputs)  # fmt: skip
    documents = [json.loads(p.read_text()) for p in sorted(Path(outputs["sarif-dir"]).iterdir())]
    assert [
        ("lifecheck/logs-clean.jsonl/", []),
        ("lifecheck/logs-stale-pid.jsonl/", ["stale-pid"]),
        ("lifecheck/logs-pid-zero.jsonl/", ["pid-zero"]),
    ] == [
        (doc["runs"][0]["automationDetails"]["id"],
         [result["ruleId"] for result in doc["runs"][0]["results"]])
        for doc in documents
    ]  # fmt: skip
    if SCHEMA.exists():
        from jsonschema import Draft4Validator

        validator = Draft4Validator(json.loads(SCHEMA.read_text()))
        assert all(validator.is_valid(doc) for doc in documents)


@pytest.mark.parametrize(
    ("fail_on", "paths", "expected"),
    [
        ("error", "logs/stale-pid.jsonl", 0),  # a warning
        ("error", "logs/stale-pid.jsonl logs/pid-zero.jsonl", 1),
        ("never", "logs/pid-zero.jsonl", 0),
        ("never", "logs/pid-zero.jsonl logs/missing.jsonl", 2),  # unreadable still fails
    ],
)
def test_fail_on_decides_the_exit_code(
    github: dict[str, str], tmp_path: Path, fail_on: str, paths: str, expected: int
) -> None:
    """Findings fail the step from fail-on's severity up, never with never; an input that
    cannot be read always does."""
    code, outputs = _step(github, _logs(tmp_path), paths=paths, fail_on=fail_on)
    assert (expected, str(expected)) == (code, outputs["exit-code"])


def test_semantics_and_extra_args_reach_the_check(github: dict[str, str], tmp_path: Path) -> None:
    """The semantics input and the extra args are lifecheck check's options."""
    workspace = _logs(tmp_path)
    (workspace / "pre-fix.jsonl").write_text(EXAMPLES["running-without-session"].files[LOG])
    code, outputs = _step(github, workspace, paths="pre-fix.jsonl", semantics="3d1b4c5d",
                          args="--exact")  # fmt: skip
    (sarif,) = Path(outputs["sarif-dir"]).iterdir()
    results = json.loads(sarif.read_text())["runs"][0]["results"]
    assert (1, ["running-without-session"]) == (code, [r["ruleId"] for r in results])
    bad, _ = _step(github, workspace, paths="pre-fix.jsonl", args="--no-such-option")
    assert 2 == bad


def test_no_paths_is_an_error(github: dict[str, str], tmp_path: Path) -> None:
    """An empty paths input: exit 2, before any check."""
    assert 2 == _step(github, tmp_path, paths=" ")[0]
