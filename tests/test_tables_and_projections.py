"""The spec's compiled tables predict exactly what each projection model does."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given

from lifecheck.checker.reading.reader import LogReader
from lifecheck.checker.replay.engine import Replay
from lifecheck.spec import SEMANTICS
from tests.logs import logs


class CheckedReplay(Replay):
    """A replay that asserts the table's target state after every applied event."""

    def _entered(self, line: int, record: Any, event: Any, before: Any, outcome: Any) -> None:
        if outcome is not None:
            assert outcome.target == self.state(record), (line, outcome.transition)
        super()._entered(line, record, event, before, outcome)


@pytest.mark.parametrize("semantics", SEMANTICS)
@given(lines=logs(faults=False))
def test_table_targets_match_the_projection(semantics: str, lines: list[bytes]) -> None:
    """For every event applied to a record, the table's target is the record's new state."""
    replay = CheckedReplay(path="log.jsonl", semantics=semantics)
    replay.run(LogReader(lines))
