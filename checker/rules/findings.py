"""Findings: what the checker reports, as plain data."""

from __future__ import annotations

from dataclasses import dataclass

from lifecheck.checker.replay.history import Evidence
from lifecheck.spec.catalogue import RULES, RuleId, Severity


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    """One rule violation at one line of one file.

    ``line`` is ``None`` for a record only a snapshot holds. ``related`` names the other
    records involved; ``before`` and ``after`` are the record's spec states around the
    event; ``dropped`` is set for ``parse-error`` only. ``evidence`` holds the lines that
    matter and ``explanation`` says in words why the rule holds (see
    :mod:`lifecheck.checker.replay.history`).
    """

    rule: RuleId
    path: str
    line: int | None
    agent_id: str | None
    agent_name: str | None
    message: str
    related: tuple[str, ...] = ()
    before: str | None = None
    after: str | None = None
    dropped: int | None = None
    evidence: tuple[Evidence, ...] = ()
    explanation: str | None = None

    @property
    def severity(self) -> Severity:
        """The rule's severity."""
        return RULES[self.rule].severity

    def sort_key(self) -> tuple[str, int, str, str, str, str]:
        """Path, line, rule (docs/rules.md §5), then agent and message for a total order."""
        line = -1 if self.line is None else self.line
        return (
            self.path,
            line,
            self.rule,
            self.agent_id or "",
            self.agent_name or "",
            self.message,
        )


def short_id(agent_id: str) -> str:
    """The first 8 characters of an id, as people quote UUIDs."""
    return agent_id[:8]
