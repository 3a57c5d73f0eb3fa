"""Facts about a spec's graph (for lint) and how much of it a trace covered."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import networkx as nx

from lifecheck.spec.catalogue import RULES, Family, rules_of
from lifecheck.spec.graph import lifecycle_graph
from lifecheck.spec.model import describe

if TYPE_CHECKING:
    from lifecheck.spec.model import Spec, Transition


def facts(spec: Spec) -> dict[str, Any]:
    """What ``lifecheck lint`` prints: states, transitions and reachability per version, the
    catalogue's rules by family and those the spec's transitions and states carry."""
    versions: dict[str, Any] = {}
    for semantics in spec.semantics:
        g = lifecycle_graph(spec, semantics)
        allowed = lifecycle_graph(spec, semantics, allowed_only=True)
        transitions = spec.transitions_for(semantics)
        versions[semantics] = {
            "transitions": len(transitions),
            "forbidden_transitions": sum(1 for t in transitions if t.forbidden),
            "reachable": sorted(nx.descendants(g, spec.initial) | {spec.initial}),
            "can_reach_terminal": sorted(nx.ancestors(allowed, spec.terminal) | {spec.terminal}),
            "accepted_nowhere": [  # the creation event is accepted: it creates a record
                event for event in spec.events
                if event != spec.creation
                and not any(t.event == event and not t.forbidden for t in transitions)
            ],
        }  # fmt: skip
    return {
        "name": spec.name,
        "states": [
            {"name": s.name, "forbidden_rule": s.rule, "invariants": [str(c) for c in s.invariants]}
            for s in spec.states
        ],
        "events": list(spec.events),
        "initial": spec.initial,
        "creation": spec.creation,
        "terminal": spec.terminal,
        "semantics": versions,
        "rules": {family.value: list(rules_of(family)) for family in Family},
        "carried": [rule for rule in RULES if spec.carriers(rule)],
    }


def coverage(spec: Spec, semantics: str, taken: Mapping[Transition, int]) -> dict[str, Any]:
    """Per transition of ``semantics``, how often it was taken and the rules taking it
    reports (none: it is legal); and the forbidden ones.

    ``forbidden`` has one entry per rule a transition reports (a forbidden (state, event)
    pair) and per transition into a forbidden state (``kind`` "state", with the event that
    led there), summed over guards. ``never_taken`` counts every transition never taken;
    ``legal_never_taken``, ``forbidden_hit`` and ``forbidden_never_hit`` count them apart.
    """
    g = lifecycle_graph(spec, semantics)
    transitions = []
    forbidden: dict[tuple[str, str, str, str], int] = {}
    for _, _, data in g.edges(data=True):
        transition: Transition = data["transition"]
        count = taken.get(transition, 0)
        entry_rule = spec.rule_on_entry(transition)
        transitions.append({
            "source": transition.source, "event": transition.event,
            "guard": describe(transition.guard),
            "target": transition.target, "count": count,
            "rules": [*transition.rules, *([entry_rule] if entry_rule else [])],
        })  # fmt: skip
        for rule in transition.rules:
            key = ("pair", transition.source, transition.event, rule)
            forbidden[key] = forbidden.get(key, 0) + count
        if entry_rule is not None:
            key = ("state", transition.target, transition.event, entry_rule)
            forbidden[key] = forbidden.get(key, 0) + count
    hit = Counter((bool(t["rules"]), bool(t["count"])) for t in transitions)
    return {
        "semantics": semantics,
        "transitions": transitions,
        "never_taken": hit[False, False] + hit[True, False],
        "legal_never_taken": hit[False, False],
        "forbidden_hit": hit[True, True],
        "forbidden_never_hit": hit[True, False],
        "forbidden": [
            {"kind": kind, "state": state, "event": event, "rule": rule, "count": count}
            for (kind, state, event, rule), count in forbidden.items()
        ],
    }
