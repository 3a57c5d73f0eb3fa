"""The spec's compiled tables predict exactly what each projection model does."""

from __future__ import annotations

import pytest
from hypothesis import given

from lifecheck.checker.reading.reader import LogReader
from lifecheck.checker.replay.engine import Replay
from lifecheck.checker.replay.observers import Observer
from lifecheck.spec import SEMANTICS
from lifecheck.spec.tables import Outcome
from tests.logs import logs


class TargetChecked(Observer):
    """Asserts, at every step the table takes, that its target is the record's new state."""

    def __init__(self) -> None:
        self.replay: Replay | None = None

    def took(self, line: int, agent_id: str, outcome: Outcome) -> None:
        assert self.replay is not None
        state = self.replay.state(self.replay.index.by_id[agent_id])
        assert outcome.target == state, (line, outcome.transition)


@pytest.mark.parametrize("semantics", SEMANTICS)
@given(lines=logs(faults=False))
def test_table_targets_match_the_projection(semantics: str, lines: list[bytes]) -> None:
    """For every event applied to a record, the table's target is the record's new state."""
    checked = TargetChecked()
    replay = checked.replay = Replay(path="log.jsonl", semantics=semantics, observers=[checked])
    replay.run(LogReader(lines))
