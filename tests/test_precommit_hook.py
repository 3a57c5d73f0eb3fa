"""The pre-commit hook (.pre-commit-hooks.yaml), run as a user tries it: ``pre-commit try-repo``
on a scratch repository, which installs lifecheck from this repository into its own
virtualenv (with pip, from the package registry: about 20 s a run)."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from lifecheck.spec.examples import EXAMPLES, LOG

ROOT = Path(__file__).parents[1]

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("pre_commit") is None,
    reason="pre-commit is not installed (pip install '.[test]' installs it)",
)


def _scratch(directory: Path, files: dict[str, str]) -> Path:
    """A git repository with ``files`` added (try-repo --all-files runs on tracked files)."""
    directory.mkdir()
    for name, text in files.items():
        (directory / name).write_text(text)
    subprocess.run(["git", "init", "-q"], cwd=directory, check=True)
    subprocess.run(["git", "add", "."], cwd=directory, check=True)
    return directory


def test_the_hook_passes_a_clean_log_and_fails_a_faulty_one(tmp_path: Path) -> None:
    """Only *.jsonl files are checked; a clean log passes, a faulty one fails with its finding.

    try-repo installs into a store of its own each run, so both runs go at once."""
    clean = (ROOT / "checker" / "examples" / "clean-day.jsonl").read_text()
    runs = {
        name: _scratch(tmp_path / name, files)
        for name, files in [
            ("clean", {"clean.jsonl": clean, "notes.txt": "not a log\n"}),
            ("faulty", {"clean.jsonl": clean, "crash.jsonl": EXAMPLES["stale-pid"].files[LOG]}),
        ]
    }
    env = os.environ | {"PRE_COMMIT_HOME": str(tmp_path / "cache"), "PRE_COMMIT_COLOR": "never"}
    command = [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), "lifecheck",
               "--all-files", "--verbose"]  # fmt: skip
    output = {"stdout": subprocess.PIPE, "stderr": subprocess.STDOUT, "text": True}
    started = {
        name: subprocess.Popen(command, cwd=directory, env=env, **output)
        for name, directory in runs.items()
    }
    done = {name: (run.communicate()[0], run.returncode) for name, run in started.items()}
    clean_output, clean_code = done["clean"]
    faulty_output, faulty_code = done["faulty"]
    assert (0, 1) == (clean_code, faulty_code), clean_output + faulty_output
    assert re.search(r"^lifecheck\.+Passed$", clean_output, re.M)
    assert "in 1 input " in clean_output  # not notes.txt
    assert "crash.jsonl:3: warning stale-pid" in faulty_output
    assert re.search(r"^lifecheck\.+Failed$", faulty_output, re.M)
    assert "in 2 inputs " in faulty_output
