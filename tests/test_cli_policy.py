"""``lifecheck check --select/--ignore/--severity/--baseline/--write-baseline`` as a user runs
them: what is shown, what is counted and the exit code agree."""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from lifecheck.checker.check import identity_of
from lifecheck.checker.reading.stdin import STDIN
from tests.builders import created, run_cli, started
from tests.test_policy import _reserialised

ROOT = Path(__file__).parents[1]
EXAMPLE = ROOT / "checker" / "examples" / "pr-2330-crash-loop.jsonl"
STORE = ROOT / "checker" / "examples" / "store"
NEW = "0000000e-0000-4000-8000-000000000000"


def check(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return run_cli("check", *map(str, args))


def findings(result: subprocess.CompletedProcess[str]) -> list[dict[str, Any]]:
    document: dict[str, Any] = json.loads(result.stdout)
    found: list[dict[str, Any]] = document["findings"]
    return found


@pytest.fixture
def log(tmp_path: Path) -> Path:
    """A copy of the example log, free to grow."""
    copy = tmp_path / "log-0000.jsonl"
    shutil.copyfile(EXAMPLE, copy)
    return copy


class TestSelection:
    def test_an_unknown_rule_is_a_usage_error_naming_the_closest(self) -> None:
        result = check(EXAMPLE, "--select", "stale-pid", "--ignore", "limbo-unresolve")
        assert 2 == result.returncode
        assert "" == result.stdout
        assert "lifecheck: unknown rule 'limbo-unresolve' (did you mean 'limbo-unresolved'?)\n" == (
            result.stderr
        )

    def test_select_and_ignore_decide_what_is_shown_and_counted(self) -> None:
        everything = findings(check(EXAMPLE, "--format", "json"))
        result = check(EXAMPLE, "--format", "json", "--select", "stale-pid,pid-reuse",
                       "--select", "limbo-unresolved", "--ignore", "pid-reuse")  # fmt: skip
        shown = findings(result)
        assert [f for f in everything if f["rule"] in ("stale-pid", "limbo-unresolved")] == shown
        summary = json.loads(result.stdout)["summary"]
        assert sum(summary.values()) == len(shown)
        assert 1 == result.returncode
        quiet = check(EXAMPLE, "--ignore", "all")
        assert (0, "") == (quiet.returncode, quiet.stderr)
        assert "  no findings\n" in quiet.stdout
        assert "0 errors, 0 warnings, 0 info in 1 input" in quiet.stdout

    def test_a_severity_override_changes_the_report_and_the_exit_code(self) -> None:
        warnings = ("--select", "stale-pid", "--fail-on", "error")
        assert 0 == check(EXAMPLE, *warnings).returncode
        raised = check(EXAMPLE, *warnings, "--severity", "stale-pid=error", "--format", "json")
        assert 1 == raised.returncode
        assert {"error"} == {f["severity"] for f in findings(raised)}
        assert len(findings(raised)) == json.loads(raised.stdout)["summary"]["error"]
        lowered = check(EXAMPLE, "--severity", "stale-pid=info", "--select", "stale-pid")
        assert 0 == lowered.returncode
        assert "info stale-pid" in lowered.stdout

    def test_a_malformed_severity_is_one_line(self) -> None:
        result = check(EXAMPLE, "--severity", "stale-pid:error")
        assert (2, "") == (result.returncode, result.stdout)
        assert ["lifecheck: --severity takes RULE=LEVEL, not 'stale-pid:error'"] == (
            result.stderr.splitlines()
        )


class TestBaseline:
    def test_write_then_apply_then_grow(self, log: Path, tmp_path: Path) -> None:
        """Today's findings are accepted; a new fault appended to the log is the only one
        reported; the daemon's rewrite of the log reports nothing new."""
        baseline = tmp_path / "baseline.json"
        written = check(log, "--write-baseline", baseline)
        assert 0 == written.returncode  # exits 0 although there are findings
        count = len(findings(check(log, "--format", "json")))
        assert f"lifecheck: recorded {count} findings in the baseline {baseline}\n" == (
            written.stderr
        )
        assert "7 errors, 4 warnings" in written.stdout  # the report as usual
        document = json.loads(baseline.read_text())
        assert ("lifecheck", 1, "d11b83e") == (document["tool"], document["version"],
                                               document["semantics"])  # fmt: skip
        assert count == len(document["findings"])
        assert {"fingerprint", "rule", "path", "line", "agent_id", "agent_name", "message"} == set(
            document["findings"][0]
        )

        applied = check(log, "--baseline", baseline)
        assert (0, "") == (applied.returncode, applied.stderr)
        assert "  no findings\n" in applied.stdout
        assert f"in 1 input, {count} hidden by the baseline (semantics d11b83e)" in applied.stdout
        as_json = json.loads(check(log, "--baseline", baseline, "--format", "json").stdout)
        assert ([], count) == (as_json["findings"], as_json["hidden_by_baseline"])

        lines = log.read_bytes().splitlines()
        log.write_bytes(log.read_bytes() + b"\n" + created(NEW) + b"\n" + started(NEW, pid=0))
        grown = check(log, "--baseline", baseline, "--format", "json")
        assert 1 == grown.returncode
        assert [("pid-zero", NEW)] == [(f["rule"], f["agent_id"]) for f in findings(grown)]
        assert count == json.loads(grown.stdout)["hidden_by_baseline"]

        rng = random.Random(7)
        log.write_bytes(b"".join(_reserialised(x, rng) + b"\n" for x in lines if x.strip()))
        rewritten = check(log, "--baseline", baseline)
        assert 0 == rewritten.returncode
        assert f"{count} hidden by the baseline" in rewritten.stdout

    def test_the_baseline_is_not_applied_while_writing_one(self, tmp_path: Path) -> None:
        baseline = tmp_path / "baseline.json"
        check(EXAMPLE, "--write-baseline", baseline, "--select", "stale-pid")
        rewritten = check(EXAMPLE, "--baseline", baseline, "--write-baseline", baseline)
        assert 0 == rewritten.returncode
        assert len(findings(check(EXAMPLE, "--format", "json"))) == len(
            json.loads(baseline.read_text())["findings"]
        )

    @pytest.mark.parametrize(
        ("content", "message"),
        [(None, "cannot read the baseline {}: no such file or directory"),
         (b"{", "{}: not a lifecheck baseline: Input data was truncated"),
         (b'{"tool": "lifecheck", "version": 2, "findings": []}',
          "{}: not a lifecheck baseline: Invalid enum value 2 - at `$.version`")],
    )  # fmt: skip
    def test_a_baseline_that_cannot_be_read_is_one_line(
        self, tmp_path: Path, content: bytes | None, message: str
    ) -> None:
        baseline = tmp_path / "baseline.json"
        if content is not None:
            baseline.write_bytes(content)
        result = check(EXAMPLE, "--baseline", baseline)
        assert (2, "") == (result.returncode, result.stdout)
        assert [f"lifecheck: {message.format(baseline)}"] == result.stderr.splitlines()

    def test_a_baseline_is_never_written_onto_an_input(self, log: Path, tmp_path: Path) -> None:
        before = log.read_bytes()
        onto_input = check(log, "--write-baseline", log)
        assert 2 == onto_input.returncode
        assert "refusing to write" in onto_input.stderr
        assert before == log.read_bytes()
        report = tmp_path / "report.json"
        onto_report = check(log, "-o", report, "--write-baseline", report)
        assert 2 == onto_report.returncode
        assert "refusing to write" in onto_report.stderr

    def test_an_unreadable_input_still_exits_2(self, tmp_path: Path) -> None:
        baseline = tmp_path / "baseline.json"
        result = check(EXAMPLE, tmp_path / "missing.jsonl", "--write-baseline", baseline)
        assert 2 == result.returncode
        assert baseline.exists()


class TestSeveralInputsAndJobs:
    def test_with_two_jobs_the_same_report_and_the_baseline_holds(
        self, log: Path, tmp_path: Path
    ) -> None:
        other = tmp_path / "other.jsonl"
        other.write_bytes(created(NEW) + b"\n" + started(NEW, pid=0) + b"\n")
        inputs = [log, STORE, other]
        policy = ("--ignore", "unknown-agent", "--severity", "stale-pid=error")
        serial = check(*inputs, *policy, "--format", "json", "-j", "1")
        pooled = check(*inputs, *policy, "--format", "json", "-j", "2")
        assert (1, serial.stdout) == (pooled.returncode, pooled.stdout)
        assert "unknown-agent" not in {f["rule"] for f in findings(pooled)}
        assert "warning" not in {
            f["severity"] for f in findings(pooled) if f["rule"] == "stale-pid"
        }

        baseline = tmp_path / "baseline.json"
        assert 0 == check(*inputs, "-j", "2", "--write-baseline", baseline).returncode
        applied = check(*inputs, "-j", "2", "--baseline", baseline, "--format", "json")
        assert (0, []) == (applied.returncode, findings(applied))
        hidden = [i["hidden_by_baseline"] for i in json.loads(applied.stdout)["inputs"]]
        assert 3 == len(hidden)
        assert all(hidden)

    def test_sarif_results_carry_the_json_fingerprints(self) -> None:
        sarif = json.loads(check(EXAMPLE, STORE, "--format", "sarif").stdout)
        results = sarif["runs"][0]["results"]
        as_json = findings(check(EXAMPLE, STORE, "--format", "json"))
        assert [{"lifecheck/v1": f["fingerprint"]} for f in as_json] == [
            r["partialFingerprints"] for r in results
        ]


class TestProjectRoot:
    """A baseline holds wherever lifecheck runs in the project: fingerprints take an input's
    path from the config file's folder (else the working directory), however it is spelt."""

    def run_in(self, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
        code = "from lifecheck.checker.commands.cli import main; main()"
        return subprocess.run([sys.executable, "-c", code, "check", *args], cwd=cwd,
                              capture_output=True, text=True, check=False,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})  # fmt: skip

    def test_a_baseline_written_at_the_root_holds_from_a_subfolder(self, tmp_path: Path) -> None:
        project = tmp_path / "project"
        (project / "logs").mkdir(parents=True)
        (project / "deep" / "er").mkdir(parents=True)
        shutil.copyfile(EXAMPLE, project / "logs" / "crash.jsonl")
        (project / "pyproject.toml").write_text('[tool.lifecheck]\nbaseline = "base.json"\n')
        written = self.run_in(project, "logs", "--write-baseline", "base.json", "-q")
        assert 0 == written.returncode, written.stderr
        for cwd, path in [(project, "./logs/"), (project / "deep" / "er", "../../logs"),
                          (project / "deep", str(project / "logs"))]:  # fmt: skip
            result = self.run_in(cwd, path, "-q")
            assert (0, "") == (result.returncode, result.stdout), (cwd, path, result.stderr)

    def test_without_a_config_paths_start_at_the_working_directory(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.chdir(tmp_path)
        spelt = ["logs/x.jsonl", "./logs/x.jsonl/", str(tmp_path / "logs" / "x.jsonl")]
        assert {identity_of(path) for path in spelt} == {"logs/x.jsonl"}
        assert identity_of("logs/x.jsonl", str(tmp_path / "logs")) == "x.jsonl"
        assert identity_of(STDIN) == STDIN
