"""What CI reads: GitHub annotations, JSON Lines streamed as found, --statistics, -q and
--exit-zero."""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

import pytest

from lifecheck.checker.check import check_path
from lifecheck.checker.reports.github import annotation, escape_data, escape_property, github_lines
from lifecheck.checker.reports.statistics import rule_counts
from lifecheck.checker.rules.findings import Finding
from tests.builders import created, line, run_cli, started, stopped

ROOT = Path(__file__).parents[1]
GOLDEN = Path(__file__).parent / "golden"
EXAMPLES = os.path.join("checker", "examples")
CRASH_LOOP = os.path.join(EXAMPLES, "pr-2330-crash-loop.jsonl")
CLEAN = os.path.join(EXAMPLES, "clean-day.jsonl")
STORE = os.path.join(EXAMPLES, "store")
SUMMARY = "7 errors, 4 warnings, 0 info in 1 input (semantics d11b83e)\n"


def _log(path: Path, *lines: bytes) -> str:
    path.write_bytes(b"".join(each + b"\n" for each in lines))
    return str(path)


# --- github --------------------------------------------------------------------------------


def test_github_escapes_as_the_actions_toolkit_does() -> None:
    """Data: % CR LF; properties: those and : and , (actions/toolkit command.ts)."""
    assert escape_data("50% a:b, c\r\nd") == "50%25 a:b, c%0D%0Ad"
    assert escape_property("50% a:b, c\r\nd") == "50%25 a%3Ab%2C c%0D%0Ad"
    assert escape_property("%3A") == "%253A"  # % first: an escape is never read twice


def test_an_annotation_escapes_its_file_title_and_message() -> None:
    finding = Finding(rule="stop-not-running", path="logs/a:b,50%\n.jsonl", line=None,
                      agent_id=None, agent_name="x,y", message="100% stopped: twice")  # fmt: skip
    assert annotation(finding) == (
        "::warning file=logs/a%3Ab%2C50%25\\n.jsonl,title=lifecheck (stop-not-running)"
        "::logs/a:b,50%25\\n.jsonl: warning stop-not-running: x,y: 100%25 stopped: twice\n"
    )


@pytest.mark.parametrize("example", ["pr-2330-crash-loop.jsonl", "store"])
def test_github_matches_golden_file(
    example: str, update_golden: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Byte for byte the committed annotations (regenerate with --update-golden), and the
    command line's own."""
    monkeypatch.chdir(ROOT)
    path = os.path.join(EXAMPLES, example)
    actual = "".join(github_lines([check_path(path)]))
    golden = GOLDEN / f"{Path(example).stem}.d11b83e.github"
    if update_golden:
        golden.write_text(actual)
    assert golden.read_text() == actual
    result = run_cli("check", path, "--format", "github")
    assert (result.returncode, result.stdout) == (1, actual)


def test_github_levels_and_unreadable_inputs(tmp_path: Path) -> None:
    """error, warning, notice (an info); an input that cannot be read is an ::error too."""
    info = _log(tmp_path / "info.jsonl", created("a"), started("a", session=None))
    warning = _log(tmp_path / "warning.jsonl", created("b"), stopped("b"))
    error = _log(tmp_path / "error.jsonl", started("ghost"))
    result = run_cli(
        "check", info, warning, error, str(tmp_path / "gone.jsonl"), "--format", "github"
    )
    commands = [row.split(" ", 1)[0] for row in result.stdout.splitlines()]
    assert commands == ["::error", "::error", "::notice", "::warning"]
    assert result.stdout.startswith(f"::error title=lifecheck::{tmp_path}/gone.jsonl: no such")
    assert result.returncode == 2


# --- jsonl ---------------------------------------------------------------------------------


def test_jsonl_is_the_json_reports_findings_one_per_line() -> None:
    """The same objects; per path and line, in the report's order (the order found)."""
    streamed = run_cli("check", STORE, CRASH_LOOP, "--format", "jsonl")
    report = run_cli("check", STORE, CRASH_LOOP, "--format", "json")
    lines = [json.loads(row) for row in streamed.stdout.splitlines()]
    findings = json.loads(report.stdout)["findings"]
    assert streamed.returncode == report.returncode == 1
    assert len(lines) == len(findings) == 12
    assert sorted(lines, key=lambda f: (f["path"], f["line"] or -1)) == findings
    assert all(
        row.startswith("{") and row.endswith("}") for row in streamed.stdout.split("\n")[:-1]
    )


def test_jsonl_order_is_the_order_found_a_valid_order(tmp_path: Path) -> None:
    """A line's findings keep their report order; an end-of-replay finding comes last."""
    result = run_cli("check", CRASH_LOOP, "--format", "jsonl")
    lines = [json.loads(row) for row in result.stdout.splitlines()]
    report = json.loads(run_cli("check", CRASH_LOOP, "--format", "json").stdout)["findings"]

    def by_line(findings: list[dict[str, object]]) -> dict[tuple[object, object], list[object]]:
        rules: dict[tuple[object, object], list[object]] = {}
        for f in findings:
            rules.setdefault((f["path"], f["line"]), []).append(f["rule"])
        return rules

    assert by_line(lines) == by_line(report)
    assert lines[-1]["rule"] == "limbo-unresolved"  # found at the end of the log


def test_jsonl_is_written_as_found_not_after_the_replay(tmp_path: Path) -> None:
    """check_path hands each finding out while it reads: the first one before the log's
    last line is read (the listener stops the replay there)."""

    class Stop(Exception):
        pass

    seen: list[Finding] = []

    def listener(finding: Finding) -> None:
        seen.append(finding)
        raise Stop

    lines = [started("ghost"), *(created(f"id-{n}", f"n{n}") for n in range(50))]
    with pytest.raises(Stop):
        check_path(_log(tmp_path / "log.jsonl", *lines), on_finding=listener)
    assert [(f.rule, f.line) for f in seen] == [("unknown-agent", 1)]


@pytest.mark.parametrize("between", [0, 2000])
def test_a_recovery_failure_follows_what_was_handed_out(tmp_path: Path, between: int) -> None:
    """A byte that is not UTF-8, in the first block or far past it: the findings handed
    out before it stand, then recovery-fails, the one the report keeps (as documented for
    jsonl in docs/rules.md §5)."""
    message = line("MessagePosted", id="m", channel="c", sender="s", content="x" * 200,
                   thread_id=None)  # fmt: skip
    path = _log(tmp_path / "late.jsonl", started("ghost"), *[message] * between, b"\xff")
    seen: list[Finding] = []
    report = check_path(path, on_finding=seen.append)
    assert [f.rule for f in seen] == ["unknown-agent", "recovery-fails"]
    assert [f.rule for f in report.findings] == ["recovery-fails"]


def test_jsonl_to_a_file_from_a_pool_and_with_unreadable_inputs(tmp_path: Path) -> None:
    """-o writes the file; -j 2 over two inputs gives the same lines; a missing input is
    one line on stderr and exit 2, the others' findings written."""
    target = tmp_path / "out.jsonl"
    one = run_cli("check", CRASH_LOOP, STORE, "--format", "jsonl", "-j", "1")
    pooled = run_cli("check", CRASH_LOOP, STORE, "--format", "jsonl", "-j", "2", "-o", str(target))
    assert (pooled.returncode, pooled.stdout) == (1, "")
    assert Counter(target.read_text().splitlines()) == Counter(one.stdout.splitlines())
    missing = run_cli("check", CRASH_LOOP, str(tmp_path / "gone.jsonl"), "--format", "jsonl")
    assert missing.returncode == 2
    assert missing.stderr == f"lifecheck: {tmp_path}/gone.jsonl: no such file or directory\n"
    assert len(missing.stdout.splitlines()) == 11


# --- statistics, quiet, exit-zero ----------------------------------------------------------


def test_statistics_count_each_rule_errors_first_then_most_first() -> None:
    rows = rule_counts([check_path(os.path.join(ROOT, CRASH_LOOP))])
    assert rows[:2] == [("session-not-found-ambiguous", "error", 2),
                        ("session-not-found-misattributed", "error", 2)]  # fmt: skip
    assert sum(count for _, _, count in rows) == 11
    order = {"error": 0, "warning": 1, "info": 2}
    keys = [(order[severity], -count) for _, severity, count in rows]
    assert keys == sorted(keys)


def test_statistics_are_the_table_that_ends_the_text_report() -> None:
    """The text report always ends with it, before the summary line (--statistics adds no
    second copy); with -q it comes before the summary line; after a github report it
    follows; after a report for tools it goes to standard error."""
    table = (
        "2  error    session-not-found-ambiguous\n"
        "2  error    session-not-found-misattributed\n"
        "1  error    limbo-unresolved\n"
        "1  error    resume-loop\n"
        "1  error    stale-session-resumed\n"
        "2  warning  duplicate-running-name\n"
        "2  warning  stale-pid\n"
    )
    plain = run_cli("check", CRASH_LOOP).stdout
    assert plain.endswith("\n\n" + table + SUMMARY)
    assert run_cli("check", CRASH_LOOP, "--statistics").stdout == plain
    assert run_cli("check", CRASH_LOOP, "--statistics", "-q").stdout == table + SUMMARY
    github = run_cli("check", CRASH_LOOP, "--statistics", "--format", "github").stdout
    assert github.startswith("::")
    assert github.endswith("\n" + table)
    tool = run_cli("check", CRASH_LOOP, "--statistics", "--format", "json")
    assert (json.loads(tool.stdout)["summary"]["error"], tool.stderr) == (7, table)
    assert run_cli("check", CLEAN, "--statistics", "-q").stdout == ""


def test_quiet_prints_the_summary_only_and_nothing_when_clean(tmp_path: Path) -> None:
    assert (run_cli("check", CRASH_LOOP, "-q").stdout, run_cli("check", CLEAN, "-q").stdout) == (
        SUMMARY, "",
    )  # fmt: skip
    gone = run_cli("check", CLEAN, str(tmp_path / "gone.jsonl"), "--quiet")
    assert (
        gone.stdout
        == "0 errors, 0 warnings, 0 info in 2 inputs, 1 unreadable (semantics d11b83e)\n"
    )
    assert gone.returncode == 2


def test_exit_zero_with_findings_but_not_with_an_unreadable_input(tmp_path: Path) -> None:
    assert run_cli("check", CRASH_LOOP, "--exit-zero").returncode == 0
    assert run_cli("check", CRASH_LOOP, "--exit-zero", "--format", "sarif").returncode == 0
    gone = run_cli("check", CRASH_LOOP, str(tmp_path / "gone.jsonl"), "--exit-zero")
    assert gone.returncode == 2
