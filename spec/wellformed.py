"""The table checks a :class:`~lifecheck.spec.model.Spec` runs when it is built.

Names, partition, determinism (everything the compiled tables rest on) and the rule ids of
the catalogue; every problem names its offenders. The model imports this module, so this
one imports the model only for typing; :func:`lifecheck.spec.validate.validate` adds the
graph checks.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from lifecheck.spec.catalogue import RULES
from lifecheck.spec.conditions import assignments, describe, satisfied, when

if TYPE_CHECKING:
    from lifecheck.spec.model import Spec, State, Transition


class InvalidSpec(ValueError):
    """The spec is inconsistent; :attr:`problems` lists each problem with its offenders."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = tuple(problems)


def check_tables(spec: Spec) -> None:
    """Raise :class:`InvalidSpec` unless ``spec`` is well-formed, total and deterministic."""
    if problems := table_problems(spec):
        raise InvalidSpec(problems)


def table_problems(spec: Spec) -> list[str]:
    problems = name_problems(spec)
    if not problems:
        problems += _partition(spec)
        for semantics in spec.semantics:
            problems += _determinism(spec, semantics)
    return problems + _unknown_rules(spec)


def offenders(label: str, names: list[str]) -> list[str]:
    return [f"{label}: {sorted(set(names))}"] if names else []


def name_problems(spec: Spec) -> list[str]:
    states = [state.name for state in spec.states]
    known_states, known_events = set(states), set(spec.events)
    known_facts = set(spec.record_facts) | set(spec.event_facts)
    known_semantics = set(spec.semantics)
    problems = offenders("duplicate state names", [n for n, k in Counter(states).items() if k > 1])
    problems += offenders(
        "initial or terminal state not declared",
        [n for n in (spec.initial, spec.terminal) if n not in known_states],
    )
    problems += offenders(
        "creation event not declared", [spec.creation] * (spec.creation not in known_events)
    )
    problems += offenders(
        "invariants over facts that are not record facts",
        [
            f"{s.name}: {c.fact}"
            for s in spec.states
            for c in s.invariants
            if c.fact not in spec.record_facts
        ],
    )
    problems += offenders(
        "transitions with undeclared states",
        [str(t) for t in spec.transitions if not {t.source, t.target} <= known_states],
    )
    problems += offenders(
        "transitions with undeclared events",
        [str(t) for t in spec.transitions if t.event not in known_events],
    )
    problems += offenders(
        "guards over undeclared facts",
        [str(t) for t in spec.transitions if any(c.fact not in known_facts for c in t.guard)],
    )
    problems += offenders(
        "transitions for undeclared daemon versions",
        [str(t) for t in spec.transitions if not t.semantics <= known_semantics],
    )
    return problems


def _unknown_rules(spec: Spec) -> list[str]:
    """Rule ids outside the catalogue: mypy checks :data:`RuleId`, untyped code may not."""
    named = [(str(t), r) for t in spec.transitions for r in (*t.rules, t.entry_rule) if r]
    named += [(s.name, s.rule) for s in spec.states if s.rule]
    return offenders(
        "rules not in the catalogue",
        [f"{where}: {rule}" for where, rule in named if rule not in RULES],
    )


def _partition(spec: Spec) -> list[str]:
    """Every combination of record facts must fall in exactly one state."""
    orphans: list[str] = []
    overlaps: list[str] = []
    for facts in assignments(spec.record_facts):
        holding = [state.name for state in spec.states if satisfied(state.invariants, facts)]
        shown = describe(when(**facts))
        if not holding:
            orphans.append(shown)
        elif len(holding) > 1:
            overlaps.append(f"{shown} -> {holding}")
    return offenders("record facts in no state", orphans) + offenders(
        "record facts in several states", overlaps
    )


def _determinism(spec: Spec, semantics: str) -> list[str]:
    """Per (state, event) and guard facts, exactly one transition must be enabled."""
    missing, ambiguous, contradictory, dead = [], [], [], []
    transitions = spec.transitions_for(semantics)
    for state in spec.states:
        for event in spec.events:
            candidates = [t for t in transitions if t.source == state.name and t.event == event]
            facts = tuple(sorted({c.fact for t in candidates for c in t.guard}))
            fired: set[Transition] = set()
            for assignment in assignments(facts):
                if not _consistent(state, assignment):
                    continue
                enabled = [t for t in candidates if satisfied(t.guard, assignment)]
                fired.update(enabled)
                where = f"{state.name} --{event}" + (
                    f" [{describe(when(**assignment))}]" if assignment else ""
                )
                if not enabled:
                    missing.append(where)
                elif len({t.forbidden for t in enabled}) > 1:
                    contradictory.append(where)
                elif len(enabled) > 1:
                    ambiguous.append(where)
            dead += [str(t) for t in candidates if t not in fired]
    label = f" under {semantics}"
    return (
        offenders("(state, event) pairs with no transition" + label, missing)
        + offenders("(state, event) pairs both allowed and forbidden" + label, contradictory)
        + offenders("nondeterministic (state, event) pairs" + label, ambiguous)
        + offenders("transitions whose guard contradicts their source state" + label, dead)
    )


def _consistent(state: State, facts: dict[str, bool]) -> bool:
    return all(facts.get(c.fact, c.holds) is c.holds for c in state.invariants)
