"""Sanity checks a spec runs on itself when it is built; every offender is named."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

import networkx as nx

from spec.graph import lifecycle_graph
from spec.model import State, Transition, assignments, describe, satisfied, when

if TYPE_CHECKING:
    from spec.model import Spec


class InvalidSpec(ValueError):
    """The spec is inconsistent; :attr:`problems` lists each problem with its offenders."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = tuple(problems)


def validate(spec: Spec) -> None:
    """Raise :class:`InvalidSpec` unless ``spec`` is well-formed, total and deterministic."""
    problems = _names(spec)
    if not problems:  # the other checks need every name resolved
        problems += _partition(spec)
        for semantics in spec.semantics:
            problems += _determinism(spec, semantics)
            problems += _graph(spec, semantics)
        problems += _forbidden_reached(spec)
    if problems:
        raise InvalidSpec(problems)


def _offenders(label: str, names: list[str]) -> list[str]:
    return [f"{label}: {sorted(set(names))}"] if names else []


def _names(spec: Spec) -> list[str]:
    states = [state.name for state in spec.states]
    known_states, known_events = set(states), set(spec.events)
    known_facts = set(spec.record_facts) | set(spec.event_facts)
    known_semantics = set(spec.semantics)
    problems = _offenders("duplicate state names", [n for n, k in Counter(states).items() if k > 1])
    problems += _offenders(
        "initial or terminal state not declared",
        [n for n in (spec.initial, spec.terminal) if n not in known_states],
    )
    problems += _offenders(
        "invariants over facts that are not record facts",
        [
            f"{s.name}: {c.fact}"
            for s in spec.states
            for c in s.invariants
            if c.fact not in spec.record_facts
        ],
    )
    problems += _offenders(
        "transitions with undeclared states",
        [str(t) for t in spec.transitions if not {t.source, t.target} <= known_states],
    )
    problems += _offenders(
        "transitions with undeclared events",
        [str(t) for t in spec.transitions if t.event not in known_events],
    )
    problems += _offenders(
        "guards over undeclared facts",
        [str(t) for t in spec.transitions if any(c.fact not in known_facts for c in t.guard)],
    )
    problems += _offenders(
        "transitions for undeclared daemon versions",
        [str(t) for t in spec.transitions if not t.semantics <= known_semantics],
    )
    return problems


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
    return _offenders("record facts in no state", orphans) + _offenders(
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
        _offenders("(state, event) pairs with no transition" + label, missing)
        + _offenders("(state, event) pairs both allowed and forbidden" + label, contradictory)
        + _offenders("nondeterministic (state, event) pairs" + label, ambiguous)
        + _offenders("transitions whose guard contradicts their source state" + label, dead)
    )


def _graph(spec: Spec, semantics: str) -> list[str]:
    """Allowed transitions reach every legal state and lead every state to the terminal."""
    g = lifecycle_graph(spec, semantics, allowed_only=True)
    reached = nx.descendants(g, spec.initial) | {spec.initial}
    unreachable = [s.name for s in spec.states if not s.forbidden and s.name not in reached]
    ending = nx.ancestors(g, spec.terminal) | {spec.terminal}
    dead_ends = [s.name for s in spec.states if s.name not in ending]
    return _offenders(
        f"states unreachable from {spec.initial!r} under {semantics}", unreachable
    ) + _offenders(f"states with no path to {spec.terminal!r} under {semantics}", dead_ends)


def _forbidden_reached(spec: Spec) -> list[str]:
    """A forbidden state no daemon version can enter makes its rule dead."""
    reached: set[str] = set()
    for semantics in spec.semantics:
        g = lifecycle_graph(spec, semantics)
        reached |= nx.descendants(g, spec.initial)
    return _offenders(
        "forbidden states no daemon version reaches",
        [s.name for s in spec.states if s.forbidden and s.name not in reached],
    )


def _consistent(state: State, facts: dict[str, bool]) -> bool:
    return all(facts.get(c.fact, c.holds) is c.holds for c in state.invariants)
