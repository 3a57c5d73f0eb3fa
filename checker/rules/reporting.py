"""How rule checks hand a finding to the replay: one call with the finding's fields."""

from __future__ import annotations

from typing import Protocol

from lifecheck.checker.reading.agents import AgentIndex
from lifecheck.checker.reading.echo import capped
from lifecheck.checker.rules.findings import short_id
from lifecheck.spec.catalogue import RuleId


class Report(Protocol):
    """Report one finding of ``rule`` at ``line`` (``path``: the replayed log by default)."""

    def __call__(
        self,
        rule: RuleId,
        line: int | None,
        agent_id: str | None,
        agent_name: str | None,
        message: str,
        *,
        path: str | None = None,
        related: tuple[str, ...] = (),
        related_count: int | None = None,
        before: str | None = None,
        after: str | None = None,
        dropped: int | None = None,
    ) -> None: ...


def who(index: AgentIndex, agent_id: str) -> str:
    """``name (short id)`` of a record, as messages name it."""
    record = index.by_id.get(agent_id)
    name = record.name if record is not None else "?"
    return f"{capped(name)} ({short_id(agent_id)})"


#: Other records a finding relates (``related``; ``related_count`` has the full number).
RELATED = 20
