"""`lifecheck minimize`: delta debugging over a log's own lines keeps the finding, minimally."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lifecheck.checker import check_path
from lifecheck.checker.check import read_log
from lifecheck.checker.minimize import DecodedLog, Target, ddmin, minimize, one_minimal, shrink
from lifecheck.checker.reading.store import read_snapshot
from lifecheck.checker.replay.engine import Replay
from lifecheck.checker.rules.findings import Finding
from lifecheck.spec import SEMANTICS
from tests.builders import run_cli

EXAMPLE = Path(__file__).parents[1] / "checker" / "examples" / "pr-2330-crash-loop.jsonl"
LINES = EXAMPLE.read_bytes().split(b"\n")


def _findings(lines: list[bytes], semantics: str) -> list[Finding]:
    replay = Replay(path="log", semantics=semantics, explain=False)
    read_log(replay, lines)
    return replay.finish()


def _keys(findings: Iterable[Finding]) -> set[tuple[str, str | None, str | None]]:
    """The errors and warnings by rule and agent, as minimize compares them."""
    return {(f.rule, f.agent_id, f.agent_name) for f in findings if f.severity != "info"}


def _keeps(lines: list[bytes], target: Target, semantics: str, known: set[Any]) -> bool:
    found = _findings(lines, semantics)
    return any(map(target.matches, found)) and _keys(found) <= known


#: The example's lines, then lines the daemon's recovery stops at or skips: malformed, not
#: UTF-8 (alone, and cut short by its newline), blank to Rust but not to bytes.strip.
ODD = [*LINES[:60], b'{"AgentStarted":{"id":"x"}}', b"\xff", b'{"A":"\xe2\x82"}', b"\xc2\xa0",
       b"not json"]  # fmt: skip


@given(st.lists(st.integers(0, len(ODD) - 1), unique=True, max_size=30))
def test_a_decoded_sublog_replays_as_its_lines_read_again(picked: list[int]) -> None:
    """Decoded once, any sublog gives the findings reading its joined lines gives: the
    same line numbers, the same stop at a malformed line (and count of lines dropped), the
    same daemon that does not start on a line that is not UTF-8."""
    kept = sorted(i for i in picked if ODD[i].strip())
    decoded, read = Replay(path="log", explain=False), Replay(path="log", explain=False)
    DecodedLog(ODD, decoded.wanted).replay(decoded, kept)
    read_log(read, [ODD[i] for i in kept])
    assert read.finish() == decoded.finish()


@given(
    needed=st.sets(st.integers(0, 40), min_size=1, max_size=6),
    noise=st.sets(st.integers(0, 40)),
)
def test_ddmin_finds_exactly_what_is_needed(needed: set[int], noise: set[int]) -> None:
    """When the property holds iff the needed items are kept, that is all that is left."""
    items = sorted(needed | noise)
    keeps = lambda kept: needed <= set(kept)
    assert sorted(needed) == one_minimal(ddmin(items, keeps), keeps)


@given(
    groups=st.lists(st.integers(1, 4), min_size=1, max_size=12),
    needed=st.sets(st.integers(0, 11), min_size=1, max_size=3),
)
def test_shrink_drops_whole_subjects_no_line_of_which_can_go_alone(
    groups: list[int], needed: set[int]
) -> None:
    """When a subject's lines can only go together (as a record's creation and its later
    lines), what is left is exactly the subjects of the needed lines."""
    items = list(range(sum(groups)))
    subject = dict(enumerate(n for n, size in enumerate(groups) for _ in range(size)))
    needed = {i for i in needed if i < len(items)} or {0}
    whole = {subject[i] for i in needed}

    def keeps(kept: Sequence[int]) -> bool:
        chosen = Counter(subject[i] for i in kept)
        return needed <= set(kept) and all(chosen[g] == groups[g] for g in chosen)

    assert [i for i in items if subject[i] in whole] == shrink(items, keeps, subject.get)


def test_the_stale_pid_of_pr_2330_needs_four_lines_and_gives_nothing_else() -> None:
    """Create, start, a session not found with its pid kept, stop: without the start it
    would resume without a session, without the stop end in limbo, errors the log does not
    give (about that record) and a bug report would be misled by."""
    kept = minimize(LINES, Target("stale-pid"), "d11b83e")
    assert kept is not None
    assert [26, 27, 42, 48] == [index + 1 for index in kept]
    found = _findings([LINES[i] for i in kept], "d11b83e")
    assert [("stale-pid", "7e0aa489")] == [(f.rule, f.agent_id[:8]) for f in found if f.agent_id]


@pytest.mark.parametrize("semantics", SEMANTICS)
def test_every_finding_of_the_example_minimizes_to_a_one_minimal_log(semantics: str) -> None:
    """For each (rule, agent) the example gives, the result still gives it and no error or
    warning the example does not give; losing any one of its lines loses the finding or
    adds such an error or warning."""
    original = check_path(str(EXAMPLE), semantics).findings
    known = _keys(original)
    targets = {Target(f.rule, f.agent_id or f.agent_name) for f in original}
    assert targets
    for target in sorted(targets, key=lambda t: (t.rule, t.agent or "")):
        kept = minimize(LINES, target, semantics)
        assert kept is not None, target
        shrunk = [LINES[i] for i in kept]
        assert _keeps(shrunk, target, semantics, known), target
        for drop in range(len(shrunk)):
            rest = shrunk[:drop] + shrunk[drop + 1 :]
            assert not _keeps(rest, target, semantics, known), target


def test_cli_prints_original_line_numbers_and_writes_a_log(tmp_path: Path) -> None:
    """The kept lines with their numbers on stdout; -o writes a log that gives the finding."""
    out = tmp_path / "repro.jsonl"
    result = run_cli("minimize", str(EXAMPLE), "--rule", "stale-pid", "-o", str(out))
    assert result.returncode == 0
    assert ["26", "27", "42", "48"] == [row.split()[0] for row in result.stdout.splitlines()]
    assert "4 of 61 lines" in result.stderr
    report = check_path(str(out))
    assert [("stale-pid", 3)] == [(f.rule, f.line) for f in report.findings]


def test_cli_exits_1_when_the_log_does_not_give_the_finding() -> None:
    result = run_cli("minimize", str(EXAMPLE), "--rule", "gc-lead")
    assert (result.returncode, result.stdout) == (1, "")
    assert "gives no gc-lead finding" in result.stderr


def test_a_store_minimizes_on_top_of_its_snapshot() -> None:
    """Findings in a store's log keep the snapshot as the start; a snapshot-only record needs
    no line at all."""
    store = EXAMPLE.parent / "store"
    log = (store / "log-0042.jsonl").read_bytes().split(b"\n")
    snapshot = read_snapshot(str(store / "snapshot-0042.json"))
    report = check_path(str(store))
    assert report.findings
    for finding in report.findings:
        target = Target(finding.rule, finding.agent_id)
        kept = minimize(log, target, "d11b83e", snapshot)
        assert kept is not None, finding.rule
        if finding.line is None:
            assert kept == [], finding.rule


def test_a_byte_not_utf8_anywhere_leaves_only_the_recovery_failure() -> None:
    """The daemon does not start on a log with such a byte: no candidate keeps a finding
    reported before it (a candidate's replay stops at its finding only when none follows)."""
    lines = [*LINES, b"\xff"]
    assert minimize(lines, Target("stale-pid"), "d11b83e") is None
    assert [len(LINES)] == minimize(lines, Target("recovery-fails"), "d11b83e")
