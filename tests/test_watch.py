"""``lifecheck watch`` beside a writer that behaves like the daemon: each finding reported
once, at the right line, through torn writes, restarts, snapshot switches and a store that
goes and comes back; Ctrl-C, --fail-on, --new-only; no CPU burnt while idle."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from lifecheck.checker.watch.tail import Change, Tail
from lifecheck.testing.daemon import DaemonWriter
from tests.watching import PATIENCE, ROOT, Watcher

EXAMPLE = ROOT / "checker" / "examples" / "pr-2330-crash-loop.jsonl"
#: The example's lines; the third AgentSessionNotFound of btucker-reviewer is line 40.
LINES = EXAMPLE.read_bytes().splitlines()
THIRD_NOT_FOUND = 40
#: A line whose finding (dangling-agent-ref, an info) tells that the watcher read this far.
MARKER = b'{"TaskAssigned":{"task_id":"t-1","agent_id":"00000000-0000-0000-0000-00000000beef"}}'


def check(path: Path) -> list[dict[str, Any]]:
    """``check``'s findings for ``path``, end-of-replay ones included."""
    done = subprocess.run(
        [sys.executable, "-m", "lifecheck", "check", str(path), "--format", "json"],
        cwd=ROOT, capture_output=True, check=False,
    )  # fmt: skip
    findings: list[dict[str, Any]] = json.loads(done.stdout)["findings"]
    return findings


def checked(path: Path) -> list[tuple[str, int | None]]:
    """``check``'s findings for ``path`` as (rule, line)."""
    return sorted((f["rule"], f["line"]) for f in check(path))


def reported(watcher: Watcher) -> list[tuple[str, int | None]]:
    return sorted((f["rule"], f["line"]) for f in watcher.findings())


def written(tmp_path: Path, count: int) -> DaemonWriter:
    """A daemon that has written the example's first ``count`` lines to a new store."""
    daemon = DaemonWriter(tmp_path / "events")
    for line in LINES[:count]:
        daemon.append(line)
    return daemon


@pytest.fixture
def watchers() -> Iterator[list[Watcher]]:
    started: list[Watcher] = []
    yield started
    for watcher in started:
        watcher.kill()


def watch(watchers: list[Watcher], *args: str, env: dict[str, str] | None = None) -> Watcher:
    watcher = Watcher(["--format", "jsonl", *args], env)
    watchers.append(watcher)
    return watcher


@pytest.mark.parametrize("polling", [False, True], ids=["notified", "polling"])
def test_the_pr_2330_loop_is_reported_as_it_is_written(
    tmp_path: Path, watchers: list[Watcher], polling: bool
) -> None:
    """The findings so far, then each new one as its line is written (resume-loop at the
    third AgentSessionNotFound); Ctrl-C adds the end-of-replay ones, a summary, exit 130.
    Altogether: what `check` finds in the whole log, each once."""
    daemon = written(tmp_path, 30)
    watcher = watch(watchers, str(daemon.store), *(["--poll"] if polling else []))
    watcher.wait_err("following")
    assert "30 events" in watcher.err[0][1]
    for line in LINES[30:THIRD_NOT_FOUND]:
        daemon.append(line)
    loop = watcher.wait_finding("resume-loop", THIRD_NOT_FOUND)
    assert loop["agent_name"] == "btucker-reviewer"
    assert loop["path"] == str(daemon.log)
    for line in LINES[THIRD_NOT_FOUND:]:
        daemon.append(line)
    watcher.wait_finding("dangling-agent-ref", daemon.append(MARKER))
    assert watcher.stop() == 130
    assert reported(watcher) == checked(daemon.log)
    assert ("limbo-unresolved", 60) in reported(watcher)
    summary = watcher.err[-2][1]
    assert "7 errors, 4 warnings, 1 info reported while watching 1 input" in summary
    assert watcher.err[-1][1] == "lifecheck: interrupted\n"


def test_text_format_prints_findings_as_check_does(tmp_path: Path, watchers: list[Watcher]) -> None:
    daemon = written(tmp_path, THIRD_NOT_FOUND)
    watcher = Watcher([str(daemon.log), "--color", "never"])
    watchers.append(watcher)
    watcher.wait_err("following")
    assert watcher.stop(signal.SIGTERM) == 130
    text = [line for _, line in watcher.out]
    assert f"{daemon.log}:40: error resume-loop: btucker-reviewer: the 3rd " in "".join(text)
    assert text[-1].startswith("5 errors, 2 warnings, 0 info reported while watching 1 input")


def test_a_torn_write_is_pending_until_its_newline(tmp_path: Path, watchers: list[Watcher]) -> None:
    daemon = written(tmp_path, 38)
    watcher = watch(watchers, str(daemon.store))
    watcher.wait_err("following")
    daemon.tear(LINES[38], 30)  # line 39, half written
    time.sleep(1.5)  # the watcher looks at it (at least once a second) and waits
    daemon.tear(LINES[38][30:], 30)  # more of it
    time.sleep(0.5)
    daemon.append(LINES[38][60:])  # the rest and its newline: the line is complete
    daemon.append(LINES[39])
    watcher.wait_finding("resume-loop", THIRD_NOT_FOUND)
    watcher.stop()
    assert not [f for f in watcher.findings() if f["rule"] == "parse-error"]
    assert ("duplicate-running-name", 39) in reported(watcher)


def test_a_restart_that_rewrites_the_log_reports_nothing_twice(
    tmp_path: Path, watchers: list[Watcher]
) -> None:
    """Blank lines (which the rewrite drops: lines move up) and a torn last write; the
    daemon restarts, keeps the parsed lines and writes on; the new findings are at the
    lines of the rewritten log, the old ones are not reported again."""
    daemon = DaemonWriter(tmp_path / "events")
    for number, line in enumerate(LINES[:39]):
        daemon.append(line)
        if number % 10 == 5:
            daemon.append(b"")
    watcher = watch(watchers, str(daemon.store))
    watcher.wait_finding("dangling-agent-ref", daemon.append(MARKER))  # 44, 40 once rewritten
    before = reported(watcher)
    daemon.tear(LINES[39], 25)  # the daemon crashes in the middle of a write
    assert daemon.restart() == 40
    watcher.wait_err("written anew")
    assert "it kept 40 of 44 lines" in watcher.err[-1][1]  # and a torn one, if seen
    for line in LINES[39:]:
        daemon.append(line)
    watcher.wait_finding("dangling-agent-ref", daemon.append(MARKER))
    watcher.stop()
    found = watcher.findings()
    fingerprints = sorted(f["fingerprint"] for f in found)
    assert fingerprints == sorted(f["fingerprint"] for f in check(daemon.store))
    after = {(f["rule"], f["line"]) for f in found[len(before) :]}
    assert after <= set(checked(daemon.store))  # at the lines of the rewritten log
    assert ("resume-loop", THIRD_NOT_FOUND + 1) in after


def test_a_snapshot_switch_is_followed(tmp_path: Path, watchers: list[Watcher]) -> None:
    daemon = written(tmp_path, 30)
    watcher = watch(watchers, str(daemon.store))
    watcher.wait_err("following")
    daemon.save_snapshot()
    assert daemon.log.name == "log-0030.jsonl"
    for line in LINES[30:THIRD_NOT_FOUND]:
        daemon.append(line)
    loop = watcher.wait_finding("resume-loop", THIRD_NOT_FOUND - 30)
    assert loop["path"] == str(daemon.log)
    watcher.wait_err("the daemon switched to snapshot-0030.json and log-0030.jsonl")
    watcher.stop()
    fingerprints = [f["fingerprint"] for f in watcher.findings()]
    assert len(fingerprints) == len(set(fingerprints))
    assert sum("switched" in line for _, line in watcher.err) == 1
    assert all(f["rule"] != "parse-error" for f in watcher.findings())


def test_a_store_deleted_is_said_once_and_followed_when_recreated(
    tmp_path: Path, watchers: list[Watcher]
) -> None:
    store = tmp_path / "events"
    daemon = DaemonWriter(store)
    for line in LINES[:THIRD_NOT_FOUND]:
        daemon.append(line)
    watcher = watch(watchers, str(store))
    watcher.wait_finding("resume-loop", THIRD_NOT_FOUND)
    daemon.close()
    shutil.rmtree(store)
    watcher.wait_err("waiting for it")
    time.sleep(2.5)  # a few looks at the missing store: it is said once, nothing crashes
    assert watcher.process.poll() is None
    daemon = DaemonWriter(store)  # a new store: its findings are new
    for line in LINES[:36]:
        daemon.append(line.replace(b"btucker-reviewer", b"other-reviewer"))
    watcher.wait_err("back")
    watcher.wait_finding("dangling-agent-ref", daemon.append(MARKER))
    watcher.stop()
    assert ("stale-pid", 36, "other-reviewer") in [
        (f["rule"], f["line"], f["agent_name"]) for f in watcher.findings()
    ]
    assert sum("waiting for it" in line for _, line in watcher.err) == 1


def test_new_only_and_fail_on(tmp_path: Path, watchers: list[Watcher]) -> None:
    """--new-only prints no finding of what is there, only how many; --fail-on error
    exits 1 at the first new error."""
    daemon = written(tmp_path, THIRD_NOT_FOUND)
    watcher = watch(watchers, str(daemon.store), "--new-only", "--fail-on", "error")
    watcher.wait_err("findings so far (not shown)")
    assert "5 findings so far" in watcher.err[0][1]
    daemon.append(LINES[40])  # duplicate-running-name, a warning: goes on
    daemon.append(LINES[41])  # session-not-found-ambiguous, an error: exit 1
    assert watcher.process.wait(timeout=10) == 1
    watcher.stop()
    assert reported(watcher) == [("duplicate-running-name", 41),
                                 ("session-not-found-ambiguous", 42)]  # fmt: skip


def test_default_inputs_are_the_midtown_stores_even_new_ones(
    tmp_path: Path, watchers: list[Watcher]
) -> None:
    projects = tmp_path / ".midtown" / "projects"
    watcher = watch(watchers, env={"HOME": str(tmp_path)})
    watcher.wait_err("no Midtown stores")
    daemon = DaemonWriter(projects / "app" / "events")
    for line in LINES[:THIRD_NOT_FOUND]:
        daemon.append(line)
    watcher.wait_err("a new store")
    watcher.wait_finding("resume-loop", THIRD_NOT_FOUND)
    watcher.stop()


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_no_cpu_is_burnt_while_nothing_is_written(tmp_path: Path, watchers: list[Watcher]) -> None:
    daemon = DaemonWriter(tmp_path / "events")
    for line in LINES:
        daemon.append(line)
    watcher = watch(watchers, str(daemon.store))
    watcher.wait_err("following")
    start = _cpu_seconds(watcher.process.pid)
    time.sleep(3)
    used = _cpu_seconds(watcher.process.pid) - start
    assert used < 0.2  # measured: about 0.01 s (a wake a second, and watchfiles' steps)


# --- the follower of one file --------------------------------------------------------


def test_tail_holds_back_a_torn_line_and_notices_rewrites(tmp_path: Path) -> None:
    log = tmp_path / "log-0000.jsonl"
    log.write_bytes(b"a\nb\nc")
    tail = Tail(str(log))
    assert tail.check() is Change.GROWN
    assert tail.take().read(100) == b"a\nb\n"
    assert tail.pending == 1
    assert tail.check() is Change.SAME
    with open(log, "ab") as file:
        file.write(b"c\nd\n")
    assert tail.check() is Change.GROWN
    assert tail.take().read(100) == b"cc\nd\n"
    log.write_bytes(b"a\nb\ncc\nX\n")  # same size, written anew: the end differs
    assert tail.check() is Change.REWRITTEN
    assert tail.count_lines() == 4
    assert tail.take().read(100) == b"a\nb\ncc\nX\n"
    log.write_bytes(b"a\n")  # truncated
    assert tail.check() is Change.REWRITTEN
    replaced = tmp_path / "new"
    replaced.write_bytes(b"a\n")
    os.replace(replaced, log)  # another file takes the name
    assert tail.check() is Change.REWRITTEN
    log.unlink()
    assert tail.check() is Change.GONE


def test_selection_severities_and_a_baseline_apply_as_in_check(
    tmp_path: Path, watchers: list[Watcher]
) -> None:
    """--ignore, --severity and --baseline pick what watch reports, as they do for check:
    with the baseline of the first 40 lines, only what the daemon writes next is new."""
    daemon = written(tmp_path, THIRD_NOT_FOUND)
    baseline = tmp_path / "baseline.json"
    done = subprocess.run(
        [sys.executable, "-m", "lifecheck", "check", str(daemon.store), "--write-baseline",
         str(baseline), "--format", "json", "-o", os.devnull], cwd=ROOT, check=False,
    )  # fmt: skip
    assert done.returncode == 0
    chosen = ["--ignore", "duplicate-running-name", "--severity", "stale-pid=error"]
    watcher = watch(watchers, str(daemon.store), "--baseline", str(baseline), *chosen)
    watcher.wait_err("following")
    for line in LINES[THIRD_NOT_FOUND:]:
        daemon.append(line)
    watcher.wait_finding("dangling-agent-ref", daemon.append(MARKER))
    assert watcher.stop() == 130
    everything = [(f["rule"], f["line"]) for f in check(daemon.store)]
    shown = reported(watcher)
    assert all(line > THIRD_NOT_FOUND for _, line in shown if line is not None)
    assert "duplicate-running-name" not in {rule for rule, _ in shown}
    assert {(r, n) for r, n in everything if r != "duplicate-running-name"
            and (n is None or n > THIRD_NOT_FOUND)} == set(shown)  # fmt: skip
    assert all(f["severity"] == "error" for f in watcher.findings() if f["rule"] == "stale-pid")


def test_an_unknown_rule_is_a_usage_error(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "lifecheck", "watch", str(tmp_path), "--ignore", "stale-pids"],
        cwd=ROOT, capture_output=True, text=True, check=False, timeout=PATIENCE,
    )  # fmt: skip
    assert done.returncode == 2
    assert "did you mean 'stale-pid'" in done.stderr
