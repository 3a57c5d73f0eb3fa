"""The graph half of a spec's self-checks (networkx): reachability and a way out."""

from __future__ import annotations

from typing import TYPE_CHECKING

import networkx as nx

from lifecheck.spec.graph import lifecycle_graph
from lifecheck.spec.wellformed import offenders

if TYPE_CHECKING:
    from lifecheck.spec.model import Spec


def graph_problems(spec: Spec) -> list[str]:
    """Every reachability problem of ``spec``, under each daemon version."""
    problems: list[str] = []
    for semantics in spec.semantics:
        problems += _graph(spec, semantics)
    return problems + _forbidden_reached(spec)


def _graph(spec: Spec, semantics: str) -> list[str]:
    """Allowed transitions reach every legal state and lead every state to the terminal."""
    g = lifecycle_graph(spec, semantics, allowed_only=True)
    reached = nx.descendants(g, spec.initial) | {spec.initial}
    unreachable = [s.name for s in spec.states if not s.forbidden and s.name not in reached]
    ending = nx.ancestors(g, spec.terminal) | {spec.terminal}
    dead_ends = [s.name for s in spec.states if s.name not in ending]
    return offenders(
        f"states unreachable from {spec.initial!r} under {semantics}", unreachable
    ) + offenders(f"states with no path to {spec.terminal!r} under {semantics}", dead_ends)


def _forbidden_reached(spec: Spec) -> list[str]:
    """A forbidden state no daemon version can enter makes its rule dead."""
    reached: set[str] = set()
    for semantics in spec.semantics:
        g = lifecycle_graph(spec, semantics)
        reached |= nx.descendants(g, spec.initial)
    return offenders(
        "forbidden states no daemon version reaches",
        [s.name for s in spec.states if s.forbidden and s.name not in reached],
    )
