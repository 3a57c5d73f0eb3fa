"""The ``lifecheck check`` command line, run as a real subprocess (docs/rules.md §4 and §5)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path
from typing import Any

import click
import pytest

from lifecheck.checker.commands.cli import cli
from tests.builders import run_cli

CLI = [sys.executable, "-c", "from lifecheck.checker.commands.cli import main; main()"]
EXAMPLES = Path(str(resources.files("checker") / "examples"))
CLEAN_LOG = EXAMPLES / "clean-day.jsonl"
EXAMPLE_STORE = EXAMPLES / "store"
ANSI = "\x1b["
TWENTY_MB = 20 * 1024 * 1024

ALICE = "0000000a-0000-4000-8000-000000000000"
GHOST = "0000000f-0000-4000-8000-000000000000"


# --- running the CLI ------------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        """Both streams, for checks that hold for either."""
        return self.stdout + self.stderr

    @property
    def stderr_lines(self) -> list[str]:
        return self.stderr.splitlines()

    def json(self) -> Any:
        return json.loads(self.stdout)


def run(*args: str | os.PathLike[str], home: Path | None = None, timeout: float = 30) -> Result:
    """Run ``lifecheck`` with ``args``; stdout and stderr are pipes, never a terminal."""
    env = {k: v for k, v in os.environ.items() if k not in {"NO_COLOR", "FORCE_COLOR"}}
    if home is not None:
        env["HOME"] = str(home)
    done = subprocess.run(
        [*CLI, *map(str, args)],
        capture_output=True,
        env=env,
        timeout=timeout,
        check=False,
    )
    return Result(
        code=done.returncode,
        stdout=done.stdout.decode("utf-8", errors="replace"),
        stderr=done.stderr.decode("utf-8", errors="replace"),
    )


def check(*args: str | os.PathLike[str], **kwargs: Any) -> Result:
    return run("check", *args, **kwargs)


# --- writing logs ---------------------------------------------------------------------------


def line(variant: str, **fields: object) -> bytes:
    """One event as Midtown writes it: ``{"Variant": {...}}`` with compact separators."""
    return json.dumps({variant: fields}, separators=(",", ":")).encode()


def created(agent_id: str = ALICE, name: str = "alice", kind: str = "Worker") -> bytes:
    return line("AgentCreated", id=agent_id, name=name, kind=kind,
                agent_type="midtown-developer", provider="ClaudeCode", channel=None,
                task_id=None, bound_thread_id=None, icon=None, color=None)  # fmt: skip


def started(agent_id: str = ALICE, pid: int = 4242, session_id: str | None = "sess-a") -> bytes:
    return line("AgentStarted", id=agent_id, pid=pid, session_id=session_id)


def stopped(agent_id: str = ALICE) -> bytes:
    return line("AgentStopped", id=agent_id, reason="process exited")


def message(content: str) -> bytes:
    return line("MessagePosted", id="m-1", channel="midtown", sender="btucker", content=content,
                thread_id=None)  # fmt: skip


def write_log(path: Path, *lines: bytes, final_newline: bool = True) -> Path:
    """Write ``lines`` one per physical line and return ``path``."""
    path.write_bytes(b"\n".join(lines) + (b"\n" if final_newline and lines else b""))
    return path


def error_log(tmp_path: Path) -> Path:
    """A log whose only finding is ``unknown-agent`` (error) at line 1."""
    return write_log(tmp_path / "error.jsonl", started(GHOST))


def warning_log(tmp_path: Path) -> Path:
    """A log whose only finding is ``stop-not-running`` (warning) at line 2."""
    return write_log(tmp_path / "warning.jsonl", created(), stopped())


def info_log(tmp_path: Path) -> Path:
    """A log whose only finding is ``started-without-session`` (info) at line 2."""
    return write_log(tmp_path / "info.jsonl", created(), started(session_id=None))


def rules_of(result: Result) -> list[str]:
    return [finding["rule"] for finding in result.json()["findings"]]


def snapshot_files(directory: Path) -> dict[str, tuple[bytes, int]]:
    """Every file in ``directory`` by name, with its bytes and mtime."""
    return {
        entry.name: (entry.read_bytes(), entry.stat().st_mtime_ns)
        for entry in sorted(directory.iterdir())
    }


# --- tests ----------------------------------------------------------------------------------


class TestExitCodes:
    def test_clean_log_exits_0(self) -> None:
        """A log with no findings exits 0 and says so."""
        result = check(CLEAN_LOG)
        assert 0 == result.code
        assert "no findings" in result.stdout
        assert "" == result.stderr

    def test_error_finding_exits_1(self, tmp_path: Path) -> None:
        """A log with an error finding exits 1."""
        result = check(error_log(tmp_path), "--format", "json")
        assert 1 == result.code
        assert ["unknown-agent"] == rules_of(result)

    def test_warning_only_exits_1(self, tmp_path: Path) -> None:
        """A log whose only finding is a warning exits 1 by default (--fail-on warning)."""
        result = check(warning_log(tmp_path), "--format", "json")
        assert 1 == result.code
        assert ["stop-not-running"] == rules_of(result)

    def test_warning_only_with_fail_on_error_exits_0(self, tmp_path: Path) -> None:
        """With --fail-on error, a warning-only log exits 0 but still reports the warning."""
        result = check(warning_log(tmp_path), "--fail-on", "error", "--format", "json")
        assert 0 == result.code
        assert ["stop-not-running"] == rules_of(result)

    def test_error_with_fail_on_error_exits_1(self, tmp_path: Path) -> None:
        """With --fail-on error, a log with an error finding still exits 1."""
        assert 1 == check(error_log(tmp_path), "--fail-on", "error").code

    def test_info_only_exits_0(self, tmp_path: Path) -> None:
        """A log whose only finding is info (started-without-session) exits 0."""
        result = check(info_log(tmp_path), "--format", "json")
        assert 0 == result.code
        assert ["started-without-session"] == rules_of(result)
        assert ["info"] == [f["severity"] for f in result.json()["findings"]]

    def test_unreadable_input_exits_2_and_other_findings_still_print(self, tmp_path: Path) -> None:
        """One unreadable input makes the exit code 2, and a readable one is still reported."""
        missing = tmp_path / "missing.jsonl"
        readable = warning_log(tmp_path)
        result = check(missing, readable)
        assert 2 == result.code
        assert f"{readable}:2: warning stop-not-running" in result.stdout
        assert 1 == len(result.stderr_lines)
        assert str(missing) in result.stderr

    def test_unreadable_input_exits_2_even_beside_an_error_finding(self, tmp_path: Path) -> None:
        """Exit code 2 (unreadable) wins over exit code 1 (findings)."""
        assert 2 == check(error_log(tmp_path), tmp_path / "missing.jsonl").code


class TestBadInput:
    """Bad input never gives a traceback: unreadable inputs give one stderr line naming
    the path (exit 2); readable but malformed logs give a parse-error at ``path:line``."""

    def test_missing_path(self, tmp_path: Path) -> None:
        """A path that does not exist exits 2 with one stderr line naming it."""
        missing = tmp_path / "nope.jsonl"
        result = check(missing)
        assert 2 == result.code
        assert [f"lifecheck: {missing}: no such file or directory"] == result.stderr_lines
        assert "" == result.stdout
        assert "Traceback" not in result.output

    def test_empty_file(self, tmp_path: Path) -> None:
        """An empty log is clean: 0 events, no findings, exit 0."""
        empty = tmp_path / "empty.jsonl"
        empty.write_bytes(b"")
        result = check(empty)
        assert 0 == result.code
        assert f"{empty} (0 events, 0 agents)" in result.stdout
        assert "no findings" in result.stdout
        assert "" == result.stderr
        assert "Traceback" not in result.output

    def test_directory_without_a_log(self, tmp_path: Path) -> None:
        """A directory with no log or snapshot exits 2 with one stderr line naming it."""
        directory = tmp_path / "not-a-store"
        directory.mkdir()
        (directory / "notes.txt").write_text("hello\n")
        result = check(directory)
        assert 2 == result.code
        assert 1 == len(result.stderr_lines)
        assert str(directory) in result.stderr
        assert "Traceback" not in result.output

    def test_binary_junk(self, tmp_path: Path) -> None:
        """A file of binary junk is not UTF-8: recovery-fails at line 1 (exit 1), no crash."""
        junk = tmp_path / "junk.jsonl"
        junk.write_bytes(b"\x00\xff\x13\x9c\xfe\x00\x8a\x7f\x00\xffPK\x03\x04\xc3\x28\x00" * 64)
        result = check(junk)
        assert 1 == result.code
        assert f"{junk}:1: error recovery-fails" in result.stdout
        assert "" == result.stderr
        assert "Traceback" not in result.output

    def test_invalid_utf8_inside_a_string(self, tmp_path: Path) -> None:
        """Invalid UTF-8 inside a JSON string: the daemon will not start (recovery-fails)."""
        log = write_log(tmp_path / "utf8.jsonl", message("cafe").replace(b"cafe", b"caf\xff\xfe"))
        result = check(log, "--format", "json")
        assert 1 == result.code
        (finding,) = result.json()["findings"]
        assert ("recovery-fails", 1) == (finding["rule"], finding["line"])
        assert "UTF-8" in finding["message"]
        assert "" == result.stderr
        assert "Traceback" not in result.output

    def test_twenty_megabyte_valid_line(self, tmp_path: Path) -> None:
        """A valid MessagePosted whose content is 20 MB is read like any other line."""
        log = write_log(tmp_path / "big.jsonl", message("x" * TWENTY_MB))
        result = check(log, "--format", "json")
        assert 0 == result.code
        assert [] == result.json()["findings"]
        assert 1 == result.json()["inputs"][0]["events"]
        assert "" == result.stderr

    def test_twenty_megabyte_junk_line(self, tmp_path: Path) -> None:
        """A 20 MB line of junk is a parse-error at line 1 (exit 1)."""
        log = tmp_path / "bigjunk.jsonl"
        log.write_bytes(b"{" + b"x" * TWENTY_MB + b"\n")
        result = check(log, "--format", "json")
        assert 1 == result.code
        assert [("parse-error", 1)] == [(f["rule"], f["line"]) for f in result.json()["findings"]]
        assert "" == result.stderr
        assert "Traceback" not in result.output

    def test_corrupt_snapshot_in_a_store(self, tmp_path: Path) -> None:
        """A store whose snapshot the daemon cannot deserialize is a finding, not exit 2: the
        first line of the report says that the daemon will not start, the next why."""
        store = tmp_path / "events"
        store.mkdir()
        snapshot = store / "snapshot-0002.json"
        snapshot.write_bytes(b'{"agents": {"by_id": {')
        write_log(store / "log-0002.jsonl", created(), started(GHOST))
        for fail_on in ("warning", "error"):
            result = check(store, "--fail-on", fail_on)
            assert (1, "") == (result.code, result.stderr)
            first, second = result.stdout.splitlines()[:2]
            assert first.startswith(f"{store}: snapshot-0002.json + log-0002.jsonl: the daemon ")
            assert "the daemon will not start (its recovery fails; nothing replayed)" in first
            assert second.startswith(f"  {snapshot}:1: error recovery-fails: the daemon will not")
        findings = check(store, "--format", "json").json()["findings"]
        assert [("recovery-fails", str(snapshot), 1)] == [
            (f["rule"], f["path"], f["line"]) for f in findings
        ]

    def test_symlink_loop(self, tmp_path: Path) -> None:
        """A symbolic link loop (a -> b, b -> a) exits 2 with one stderr line naming it."""
        a, b = tmp_path / "a", tmp_path / "b"
        a.symlink_to(b)
        b.symlink_to(a)
        result = check(a)
        assert 2 == result.code
        loop = "symlink loop (Too many levels of symbolic links)"
        assert [f"lifecheck: {a}: {loop}"] == result.stderr_lines
        assert "Traceback" not in result.output

    def test_dev_null(self) -> None:
        """/dev/null is not a log file (a character device): exit 2, one stderr line."""
        result = check("/dev/null")
        assert 2 == result.code
        assert 1 == len(result.stderr_lines)
        assert "/dev/null" in result.stderr
        assert "Traceback" not in result.output

    def test_truncated_last_line(self, tmp_path: Path) -> None:
        """A last line cut off without a newline is a parse-error there, dropping nothing."""
        log = write_log(tmp_path / "trunc.jsonl", created(), b'{"broken":', final_newline=False)
        result = check(log, "--format", "json")
        assert 1 == result.code
        (finding,) = result.json()["findings"]
        assert ("parse-error", 2, 0) == (finding["rule"], finding["line"], finding["dropped"])
        assert 1 == result.json()["inputs"][0]["events"]
        assert "" == result.stderr
        assert "Traceback" not in result.output

    def test_truncated_last_line_in_text(self, tmp_path: Path) -> None:
        """The text report names the truncated line as ``path:line``."""
        log = write_log(tmp_path / "trunc.jsonl", created(), b'{"broken":', final_newline=False)
        result = check(log)
        assert 1 == result.code
        assert f"{log}:2: error parse-error" in result.stdout

    def test_store_whose_log_is_a_fifo(self, tmp_path: Path) -> None:
        """A store whose log is not a regular file (a FIFO) exits 2 rather than blocking."""
        store = tmp_path / "events"
        store.mkdir()
        os.mkfifo(store / "log-0000.jsonl")
        try:
            result = check(store, timeout=3)
        except subprocess.TimeoutExpired:
            pytest.fail("lifecheck blocked reading a FIFO")
        assert 2 == result.code
        assert 1 == len(result.stderr_lines)
        assert "Traceback" not in result.output


class TestInputsUntouched:
    def test_log_and_store_bytes_and_mtimes_unchanged(self, tmp_path: Path) -> None:
        """Checking reads its inputs only: bytes, mtimes and the store's file list stay."""
        log = warning_log(tmp_path)
        store = tmp_path / "store"
        shutil.copytree(EXAMPLE_STORE, store)
        assert {"snapshot-0042.json", "log-0042.jsonl", "log-0000.jsonl"} == {
            p.name for p in store.iterdir()
        }
        log_before = (log.read_bytes(), os.stat(log).st_mtime_ns)
        store_before = snapshot_files(store)
        store_mtime_before = os.stat(store).st_mtime_ns

        result = check(log, store)

        assert 1 == result.code  # both inputs were really read and have findings
        assert (log.read_bytes(), os.stat(log).st_mtime_ns) == log_before
        assert snapshot_files(store) == store_before
        assert os.stat(store).st_mtime_ns == store_mtime_before


class TestJsonReport:
    def test_top_level_and_input_keys(self, tmp_path: Path) -> None:
        """The report has semantics, inputs (path, events, agents) and findings."""
        log = warning_log(tmp_path)
        doc = check(log, "--format", "json").json()
        assert {"semantics", "inputs", "findings"} <= doc.keys()
        assert "d11b83e" == doc["semantics"]
        (entry,) = doc["inputs"]
        assert {"path": str(log), "events": 2, "agents": 1} == {
            key: entry[key] for key in ("path", "events", "agents")
        }

    def test_finding_fields(self, tmp_path: Path) -> None:
        """Each finding has rule, severity, path, line, agent_id, agent_name and message."""
        log = warning_log(tmp_path)
        (finding,) = check(log, "--format", "json").json()["findings"]
        expected = {
            "rule": "stop-not-running",
            "severity": "warning",
            "path": str(log),
            "line": 2,
            "agent_id": ALICE,
            "agent_name": "alice",
        }
        assert expected == {key: finding[key] for key in expected}
        assert isinstance(finding["message"], str)
        assert finding["message"]

    def test_findings_sorted_by_path_line_rule(self, tmp_path: Path) -> None:
        """Findings across inputs are sorted by (path, line, rule), not by argument order."""
        many = write_log(
            tmp_path / "a-many.jsonl",
            created(),
            line("AgentStopped", id=GHOST, reason="x"),  # unknown-agent at 2
            started(pid=0, session_id=None),  # pid-zero and started-without-session at 3
        )
        warning = warning_log(tmp_path)  # warning.jsonl: stop-not-running at 2
        error = error_log(tmp_path)  # error.jsonl: unknown-agent at 1
        result = check(warning, error, many, "--format", "json")
        actual = [(f["path"], f["line"], f["rule"]) for f in result.json()["findings"]]
        expected = [
            (str(many), 2, "unknown-agent"),
            (str(many), 3, "pid-zero"),
            (str(many), 3, "started-without-session"),
            (str(error), 1, "unknown-agent"),
            (str(warning), 2, "stop-not-running"),
        ]
        assert expected == actual
        assert sorted(actual) == actual

    def test_parse_error_carries_dropped_and_no_agent(self, tmp_path: Path) -> None:
        """A parse-error has ``dropped`` (non-blank lines after it) and null agent fields."""
        log = write_log(tmp_path / "bad.jsonl", created(), b"not json", b"", started(), stopped())
        (finding,) = check(log, "--format", "json").json()["findings"]
        expected = {
            "rule": "parse-error",
            "severity": "error",
            "line": 2,
            "dropped": 2,
            "agent_id": None,
            "agent_name": None,
        }
        assert expected == {key: finding[key] for key in expected}

    def test_semantics_is_echoed(self, tmp_path: Path) -> None:
        """--semantics 3d1b4c5d is echoed in the report's ``semantics``."""
        doc = check(CLEAN_LOG, "--format", "json", "--semantics", "3d1b4c5d").json()
        assert "3d1b4c5d" == doc["semantics"]

    def test_unreadable_input_still_gives_json(self, tmp_path: Path) -> None:
        """With an unreadable input, stdout is still one JSON document (exit 2)."""
        result = check(tmp_path / "missing.jsonl", "--format", "json")
        assert 2 == result.code
        assert [] == result.json()["findings"]
        assert 1 == len(result.stderr_lines)


class TestNoPath:
    def test_without_stores_checks_the_bundled_example(self, tmp_path: Path) -> None:
        """With no PATH and no stores under $HOME, the bundled example is checked and said so."""
        home = tmp_path / "home"
        home.mkdir()
        result = run("check", home=home)
        assert 1 == result.code
        assert 1 == len(result.stderr_lines)
        assert "example" in result.stderr
        assert "pr-2330-crash-loop.jsonl" in result.stdout
        assert ": error " in result.stdout
        assert "Traceback" not in result.output

    def test_with_a_store_checks_it_instead(self, tmp_path: Path) -> None:
        """With no PATH, the stores under ~/.midtown/projects/*/events are checked."""
        home = tmp_path / "home"
        events = home / ".midtown" / "projects" / "demo" / "events"
        events.mkdir(parents=True)
        shutil.copyfile(CLEAN_LOG, events / "log-0000.jsonl")
        result = run("check", home=home)
        assert 0 == result.code
        assert str(events) in result.stdout
        assert "" == result.stderr


class TestUsage:
    def test_version(self) -> None:
        """--version prints the installed version and exits 0."""
        result = run("--version")
        assert 0 == result.code
        assert f"lifecheck, version {metadata.version('lifecheck')}\n" == result.stdout

    def test_check_help_shows_examples_and_exit_codes(self) -> None:
        """check --help shows examples and every exit code."""
        result = run("check", "--help")
        assert 0 == result.code
        assert "Examples:" in result.stdout
        assert "Exit codes: 0 no error or warning; 1 findings" in result.stdout
        assert "2 an input cannot be read, or the output cannot be written or is an input; 3" in (
            result.stdout
        )
        assert "130 interrupted." in result.stdout

    def test_help_lists_every_command_with_its_whole_line(self) -> None:
        """The group's help names each command with a complete sentence, never cut off."""
        result = run("--help")
        assert 0 == result.code
        listed = result.stdout.partition("Commands:\n")[2].partition("\n\n")[0]
        commands = [line.split(maxsplit=1) for line in listed.splitlines()]
        assert [name for name, _ in commands] == sorted(cli.list_commands(click.Context(cli)))
        assert all(text.endswith(".") and "..." not in text for _, text in commands)

    def test_unknown_semantics_is_a_usage_error(self) -> None:
        """An unknown --semantics value is a click usage error with exit code 2."""
        result = check(CLEAN_LOG, "--semantics", "bogus")
        assert 2 == result.code
        assert "Usage: lifecheck check" in result.stderr
        assert "Invalid value for '--semantics'" in result.stderr
        assert "" == result.stdout
        assert "Traceback" not in result.output


class TestColour:
    def test_never(self, tmp_path: Path) -> None:
        """--color never gives no ANSI escapes."""
        result = check(error_log(tmp_path), "--color", "never")
        assert 1 == result.code
        assert ANSI not in result.stdout

    def test_auto_into_a_pipe(self, tmp_path: Path) -> None:
        """By default, stdout that is a pipe gets no ANSI escapes."""
        result = check(error_log(tmp_path))
        assert 1 == result.code
        assert ANSI not in result.stdout

    def test_always(self, tmp_path: Path) -> None:
        """--color always colours the report even into a pipe (red for an error)."""
        result = check(error_log(tmp_path), "--color", "always")
        assert 1 == result.code
        assert "\x1b[31merror unknown-agent\x1b[0m" in result.stdout


class TestJobs:
    def test_parallel_output_is_identical(self) -> None:
        """--jobs 3 prints byte for byte what the serial run prints."""
        examples = Path(__file__).parents[1] / "checker" / "examples"
        paths = [str(examples / name) for name in
                 ("pr-2330-crash-loop.jsonl", "clean-day.jsonl", "store")]  # fmt: skip
        serial = run_cli("check", *paths, "--format", "json")
        parallel = run_cli("check", *paths, "--format", "json", "--jobs", "3")
        assert (serial.returncode, serial.stdout) == (parallel.returncode, parallel.stdout)
        text = run_cli("check", *paths, "-j", "3")
        assert text.stdout == run_cli("check", *paths).stdout


def test_check_starts_without_the_heavy_imports() -> None:
    """`check` never imports transitions, networkx, hypothesis, the test support
    (lifecheck.testing) or the process pool (start-up < 150 ms)."""
    code = (
        "import sys\nfrom lifecheck.checker.commands.cli import cli\n"
        "try:\n    cli(['check', '--format', 'json'])\nexcept SystemExit:\n    pass\n"
        "heavy = {'transitions', 'networkx', 'hypothesis', 'lifecheck.testing',\n"
        "         'concurrent.futures'}\n"
        "print(sorted(heavy & set(sys.modules)))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip().splitlines()[-1] == "[]"
