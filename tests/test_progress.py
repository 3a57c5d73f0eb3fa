"""The progress bar: shown only for slow reads, never changing what is read."""

from __future__ import annotations

import io

from lifecheck.checker.commands.progress import Progress
from lifecheck.checker.reading.reader import BLOCK_SIZE, LogReader

LINE = b'{"AgentGarbageCollected":{"id":"a"}}\n'


def test_lines_pass_through_and_progress_is_shown_for_slow_reads() -> None:
    """Every line comes through; the fraction read rises to 1, then the bar clears."""
    data = LINE * (3 * BLOCK_SIZE // len(LINE))
    shown: list[float] = []
    with Progress(len(data), shown.append, after=0.0) as bar:
        events = list(LogReader(io.BytesIO(data), progress=bar))
    assert len(data) // len(LINE) == len(events)
    assert shown[-1] == -1.0
    assert shown[:-1] == sorted(shown[:-1])
    assert len(shown) >= 4
    assert 0 < shown[0] < shown[-2] == 1.0


def test_fast_reads_show_nothing() -> None:
    """Under the time threshold no bar appears."""
    shown: list[float] = []
    with Progress(len(LINE * 100), shown.append) as bar:
        assert 100 == len(list(LogReader(io.BytesIO(LINE * 100), progress=bar)))
    assert [] == shown
