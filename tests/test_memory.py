"""The replay's state grows with the agents, not with the lines (issue 5's memory target)."""

from __future__ import annotations

from lifecheck.checker.check import read_log
from lifecheck.checker.replay.engine import Replay
from tests.builders import created, line, resumed, started, stopped


def test_restarts_and_renames_leave_no_residue() -> None:
    """Thousands of restarts (each a new pid) and renames keep the indexes at one agent's size."""
    lines = [created("a", channel="c0"), started("a", pid=1)]
    for n in range(2, 2000):
        lines += [stopped("a"), resumed("a", pid=n)]
        lines.append(line("ChannelRenamed", old_name=f"c{n - 2}", new_name=f"c{n - 1}"))
    replay = Replay(path="log.jsonl")
    read_log(replay, lines)
    assert [] == replay.finish()
    # the one record listed by its values, and the one pid it holds now
    assert (1, 1) == replay.shared.size()
    assert {"c1998": {"a": 1}} == replay.index.by_channel
