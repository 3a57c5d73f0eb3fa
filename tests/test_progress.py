"""The progress bar: shown only for slow reads, never changing what is read."""

from __future__ import annotations

import io

from checker.progress import tracked


def test_lines_pass_through_and_progress_is_shown_for_slow_reads() -> None:
    """Every line comes through unchanged; the fraction read rises, then the bar clears."""
    data = b"".join(b'{"x":%d}\n' % i for i in range(100))
    shown: list[float] = []
    lines = list(tracked(io.BytesIO(data), len(data), shown.append, after=0.0, every=10))
    assert data.splitlines(keepends=True) == lines
    assert shown[-1] == -1.0
    assert shown[:-1] == sorted(shown[:-1])
    assert 0 < shown[0] <= shown[-2] <= 1.0


def test_fast_reads_show_nothing() -> None:
    """Under the time threshold no bar appears."""
    data = b"line\n" * 100
    shown: list[float] = []
    assert 100 == len(list(tracked(io.BytesIO(data), len(data), shown.append, every=10)))
    assert [] == shown
