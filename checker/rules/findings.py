"""Findings: what the checker reports, as plain data."""

from __future__ import annotations

from dataclasses import dataclass

from lifecheck.checker.replay.history import Evidence
from lifecheck.spec.catalogue import RULES, RuleId, Severity


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    """One rule violation at one line of one file.

    ``line`` is ``None`` for a record only a snapshot holds. ``related`` names the other
    records involved (the first 20 of ``related_count``); ``before`` and ``after`` are the
    record's spec states around the event; ``dropped`` is set for ``parse-error`` only.
    ``evidence`` holds the lines that matter and ``explanation`` says in words why the rule
    holds (see :mod:`lifecheck.checker.replay.history`).
    """

    rule: RuleId
    path: str
    line: int | None
    agent_id: str | None
    agent_name: str | None
    message: str
    related: tuple[str, ...] = ()
    related_count: int = 0
    before: str | None = None
    after: str | None = None
    dropped: int | None = None
    evidence: tuple[Evidence, ...] = ()
    explanation: str | None = None

    @property
    def severity(self) -> Severity:
        """The rule's severity."""
        return RULES[self.rule].severity

    def sort_key(self) -> tuple[str, int]:
        """Path, then line (``None`` first): a stable sort of findings in the order the
        checks met them keeps a line's causes before their consequences (docs/rules.md §5)."""
        return (self.path, -1 if self.line is None else self.line)


def short_id(agent_id: str) -> str:
    """The first 8 characters of an id, as people quote UUIDs."""
    return agent_id[:8]
