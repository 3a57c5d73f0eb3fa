"""A big log validated in parallel segments reads and replays exactly as it does serially."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lifecheck.checker.check import check_path
from lifecheck.checker.reading.opened import open_input
from lifecheck.checker.reading.segments import cuts
from lifecheck.spec import SEMANTICS
from tests.logs import logs

_MESSAGE = (
    b'{"MessagePosted":{"id":"m","channel":"c","sender":"s","content":"hello","thread_id":null}}'
)


@pytest.fixture(autouse=True)
def _small_segments(monkeypatch: pytest.MonkeyPatch) -> None:
    """Split even tiny logs, into segments of a few lines (workers are forked: they see it)."""
    monkeypatch.setattr("lifecheck.checker.reading.segments.MIN_SPLIT", 0)
    monkeypatch.setattr("lifecheck.checker.reading.segments.SEGMENT", 300)


@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    lines=logs(),
    chatter=st.lists(st.integers(0, 40), max_size=4),
    semantics=st.sampled_from(SEMANTICS),
    jobs=st.integers(2, 3),
)
def test_parallel_check_is_the_serial_check(
    tmp_path: Path, lines: list[bytes], chatter: list[int], semantics: str, jobs: int
) -> None:
    """Findings (lines, `dropped` of a bad line in any segment), events and agents agree."""
    for at in sorted(chatter, reverse=True):  # messages make the segments' sizes uneven
        lines[min(at, len(lines)) : min(at, len(lines))] = [_MESSAGE] * at
    log = tmp_path / "log-0000.jsonl"
    log.write_bytes(b"\n".join(lines) + b"\n")
    size = log.stat().st_size
    with open_input(str(log)) as opened:  # the first cut falls at the end of the line at byte 300
        assert len(cuts(opened, jobs)) > 2 or size <= 300 + max(map(len, lines)) + 1
    serial = check_path(str(log), semantics, jobs=1)
    parallel = check_path(str(log), semantics, jobs=jobs)
    assert serial == parallel


def test_cuts_fall_after_newlines(tmp_path: Path) -> None:
    """Every cut starts a line; the cuts cover the file in order."""
    log = tmp_path / "log.jsonl"
    log.write_bytes(b"".join(_MESSAGE + b"\n" for _ in range(50)))
    with open_input(str(log)) as opened:
        at = cuts(opened, 2)
    data = log.read_bytes()
    assert (at[0], at[-1]) == (0, len(data))
    assert at == sorted(set(at))
    assert len(at) > 3
    assert all(data[offset - 1 : offset] == b"\n" for offset in at[1:-1])


def test_one_job_or_a_small_log_is_one_segment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Splitting starts at MIN_SPLIT bytes and needs two jobs."""
    monkeypatch.setattr("lifecheck.checker.reading.segments.MIN_SPLIT", 1 << 20)
    log = tmp_path / "log.jsonl"
    log.write_bytes(_MESSAGE + b"\n")
    with open_input(str(log)) as opened:
        assert [0, len(_MESSAGE) + 1] == cuts(opened, 4)
        monkeypatch.setattr("lifecheck.checker.reading.segments.MIN_SPLIT", 0)
        assert [0, len(_MESSAGE) + 1] == cuts(opened, 1)


@pytest.mark.parametrize("bad_at", [3, 150, 199])
def test_a_bad_line_in_any_segment_stops_the_replay_there(tmp_path: Path, bad_at: int) -> None:
    """The first bad line wins wherever it falls; `dropped` counts the later segments too."""
    lines = [_MESSAGE] * 200
    lines[bad_at - 1] = b'{"AgentResumed":{"id":"x"}}'
    lines[-1] = b"{truncated"
    log = tmp_path / "log.jsonl"
    log.write_bytes(b"\n".join(lines) + b"\n")
    report = check_path(str(log), jobs=2)
    (finding,) = report.findings
    assert (finding.rule, finding.line, finding.dropped) == ("parse-error", bad_at, 200 - bad_at)
    assert report.events == bad_at - 1
