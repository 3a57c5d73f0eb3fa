"""One graph of a spec per daemon version: what diagrams, lint and coverage all read."""

from __future__ import annotations

from typing import TYPE_CHECKING

import networkx as nx

from lifecheck.spec.model import describe

if TYPE_CHECKING:
    from lifecheck.spec.model import Spec, Transition


def lifecycle_graph(spec: Spec, semantics: str, *, allowed_only: bool = False) -> nx.MultiDiGraph:
    """States as nodes, one edge per transition of ``semantics`` (in table order).

    Node data: ``state``. Edge data: ``transition``, ``label`` (event and guard) and
    ``forbidden`` (the transition reports a rule, or enters a forbidden state).
    """
    g = nx.MultiDiGraph(
        name=f"{spec.name} ({semantics})",
        semantics=semantics,
        initial=spec.initial,
        creation=spec.creation,
        terminal=spec.terminal,
    )
    g.add_nodes_from((state.name, {"state": state}) for state in spec.states)
    for transition in spec.transitions_for(semantics):
        if allowed_only and transition.forbidden:
            continue
        g.add_edge(
            transition.source,
            transition.target,
            transition=transition,
            label=edge_label(transition),
            forbidden=transition.forbidden or enters_forbidden(spec, transition),
        )
    return g


def edge_label(transition: Transition) -> str:
    """``AgentResumed [not has_session]``."""
    guard = f" [{describe(transition.guard)}]" if transition.guard else ""
    return f"{transition.event}{guard}"


def enters_forbidden(spec: Spec, transition: Transition) -> bool:
    """Whether the transition moves a record into a forbidden state."""
    return transition.target != transition.source and spec.state(transition.target).forbidden
