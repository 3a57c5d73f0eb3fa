"""The spec compiled to plain dictionaries, for a replay loop that must be fast."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from lifecheck.spec.catalogue import RuleId
from lifecheck.spec.model import Spec, Transition, assignments, satisfied


@dataclass(frozen=True, slots=True, eq=False)
class Outcome:
    """What one (state, event, guard facts) does: where it goes and what it reports.

    ``rules`` are reported before the event is applied; ``entry_rule`` when the record
    enters ``target`` from another state and ``target`` is forbidden. Outcomes compare and
    hash by identity, so a replay can count them cheaply.
    """

    target: str
    rules: tuple[RuleId, ...]
    entry_rule: RuleId | None
    transition: Transition


@dataclass(frozen=True, slots=True)
class Entry:
    """The outcomes of one (state, event), keyed by the values of ``facts`` in order."""

    facts: tuple[str, ...]
    outcomes: Mapping[tuple[bool, ...], Outcome]

    def outcome(self, facts: Mapping[str, bool]) -> Outcome:
        """The outcome for a record and event with these facts."""
        return self.outcomes[tuple(facts[fact] for fact in self.facts)]


#: state -> event -> entry
Table = Mapping[str, Mapping[str, Entry]]


def compile_table(spec: Spec, semantics: str) -> Table:
    """Expand every guarded transition of ``semantics`` into a direct lookup."""
    transitions = spec.transitions_for(semantics)
    table: dict[str, dict[str, Entry]] = {}
    for state in spec.states:
        row = table.setdefault(state.name, {})
        for event in spec.events:
            candidates = [t for t in transitions if t.source == state.name and t.event == event]
            facts = tuple(sorted({c.fact for t in candidates for c in t.guard}))
            outcomes = {}
            for assignment in assignments(facts):
                enabled = [t for t in candidates if satisfied(t.guard, assignment)]
                if enabled:  # validation guarantees at most one for consistent facts
                    key = tuple(assignment[fact] for fact in facts)
                    outcomes[key] = _outcome(spec, enabled[0])
            row[event] = Entry(facts, outcomes)
    return table


def _outcome(spec: Spec, transition: Transition) -> Outcome:
    target = spec.state(transition.target)
    entered = target.forbidden and transition.target != transition.source
    return Outcome(
        target=transition.target,
        rules=transition.rules,
        entry_rule=(transition.entry_rule or target.rule) if entered else None,
        transition=transition,
    )
