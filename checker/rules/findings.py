"""Findings: what the checker reports, as plain data."""

from __future__ import annotations

from dataclasses import dataclass, field

from lifecheck.checker.replay.history import Evidence, Story, tell
from lifecheck.spec.catalogue import RULES, RuleId, Severity


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    """One rule violation at one line of one file.

    ``line`` is ``None`` for a record only a snapshot holds. ``related`` names the other
    records involved (the first 20 of ``related_count``); ``before`` and ``after`` are the
    record's spec states around the event; ``dropped`` is set for ``parse-error`` only.
    ``fingerprint`` identifies the finding across runs (:mod:`.fingerprints`; not compared);
    ``override`` is a severity the policy set in place of the rule's (:mod:`.policy`).
    ``story`` holds, by reference, what the replay knew of the records involved, from which
    ``evidence`` (the lines that matter) and ``explanation`` (why the rule holds, in words)
    are told when a report shows them (see :mod:`lifecheck.checker.replay.history`).
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
    story: Story | None = None
    fingerprint: str | None = field(default=None, compare=False)
    override: Severity | None = None

    def explained(self) -> tuple[tuple[Evidence, ...], str | None]:
        """The lines that matter and the explanation, told from the story (none for a
        ``parse-error``, or a finding made without explanations)."""
        if self.story is None:
            return (), None
        return tell(self.story, rule=self.rule, line=self.line, message=self.message,
                    path=self.path, agent_id=self.agent_id)  # fmt: skip

    @property
    def evidence(self) -> tuple[Evidence, ...]:
        """The lines that matter, in order (see :meth:`explained`)."""
        return self.explained()[0]

    @property
    def explanation(self) -> str | None:
        """Why the rule holds, as Let/Then sentences (see :meth:`explained`)."""
        return self.explained()[1]

    @property
    def severity(self) -> Severity:
        """The rule's severity, or the one the policy set for it."""
        return self.override or RULES[self.rule].severity

    def sort_key(self) -> tuple[str, int]:
        """Path, then line (``None`` first): a stable sort of findings in the order the
        checks met them keeps a line's causes before their consequences (docs/rules.md §5)."""
        return (self.path, -1 if self.line is None else self.line)


def short_id(agent_id: str) -> str:
    """The first 8 characters of an id, as people quote UUIDs."""
    return agent_id[:8]
