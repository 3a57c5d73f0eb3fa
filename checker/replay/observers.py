"""What may watch a replay: every step the spec's table took, and every change of state.

Observers see the replay without living in it: coverage counts transitions, the history
keeps the lines that explain a finding, tests assert the table's predictions. Each method
is a no-op here; override the ones you need.
"""

from __future__ import annotations

from lifecheck.spec.tables import Outcome


class Observer:
    """Called by :class:`~lifecheck.checker.replay.engine.Replay` as it replays."""

    __slots__ = ()

    def loaded(self, agent_id: str, state: str) -> None:
        """A record comes from the snapshot, in ``state``."""

    def created(self, agent_id: str, line: int) -> None:
        """``AgentCreated`` at ``line`` (re)starts the record."""

    def took(self, line: int, agent_id: str, outcome: Outcome) -> None:
        """The event at ``line`` took ``outcome`` of the spec table for the record."""

    def moved(self, line: int, agent_id: str, event: str, before: str | None, after: str) -> None:
        """``event`` at ``line`` moved the record from ``before`` into ``after``."""
