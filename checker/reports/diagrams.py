"""Diagram files: the spec's graph as Mermaid, DOT, SVG or PNG, with an optional trace."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from lifecheck.checker.reading.store import InputError
from lifecheck.checker.replay.engine import Replay
from lifecheck.checker.rules.findings import short_id
from lifecheck.spec import LIFECYCLE, SEMANTICS
from lifecheck.spec.model import Transition
from lifecheck.spec.render import Overlay, to_dot, to_mermaid

FORMATS = ("mermaid", "dot", "svg", "png")
SUFFIXES = {"mermaid": ".mmd", "dot": ".dot", "svg": ".svg", "png": ".png"}
INSTALL_GRAPHVIZ = (
    "Graphviz's 'dot' program is needed for SVG and PNG; install it "
    "(Debian/Ubuntu: apt-get install graphviz; macOS: brew install graphviz), "
    "or use --format mermaid or dot"
)


class GraphvizMissing(Exception):
    """``dot`` is not on PATH."""


def render(semantics: str, output: str, overlay: Overlay | None = None) -> bytes:
    """The built-in spec's diagram for ``semantics`` in format ``output``."""
    from lifecheck.spec.graph import lifecycle_graph  # networkx: not imported by `lifecheck check`

    g = lifecycle_graph(LIFECYCLE, semantics)
    if output == "mermaid":
        return to_mermaid(g, overlay).encode()
    dot = to_dot(g, overlay)
    if output == "dot":
        return dot.encode()
    return run_dot(dot, output)


def run_dot(dot: str, output: str) -> bytes:
    """Lay out DOT text with Graphviz into ``svg`` or ``png`` bytes."""
    program = shutil.which("dot")
    if program is None:
        raise GraphvizMissing(INSTALL_GRAPHVIZ)
    done = subprocess.run(
        [program, f"-T{output}"], input=dot.encode(), capture_output=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"dot failed: {done.stderr.decode(errors='replace').strip()}")
    return done.stdout


def write_all(directory: Path) -> list[Path]:
    """Write ``lifecycle-<semantics>.{mmd,dot,svg}`` for every daemon version."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for semantics in SEMANTICS:
        for output in ("mermaid", "dot", "svg"):
            path = directory / f"lifecycle-{semantics}{SUFFIXES[output]}"
            path.write_bytes(render(semantics, output))
            written.append(path)
    return written


def overlay_from(replay: Replay, label: str, agent: str | None = None) -> Overlay:
    """What ``replay`` did, and with ``agent`` (id, id prefix or name) that agent's path."""
    title = f"{LIFECYCLE.name} ({replay.semantics}) · {label}: {replay.events} events"
    if agent is None:
        return Overlay(counts=replay.taken, entered=replay.entered, title=title)
    agent_id = resolve_agent(replay, agent)
    steps: dict[Transition, list[tuple[int, int]]] = {}
    for number, (line, transition) in enumerate((replay.steps or {}).get(agent_id, []), 1):
        steps.setdefault(transition, []).append((number, line))
    name = replay.index.by_id[agent_id].name
    return Overlay(
        counts=replay.taken,
        entered=replay.entered,
        steps=steps,
        title=f"{title} · path of {name} ({short_id(agent_id)})",
    )


def resolve_agent(replay: Replay, agent: str) -> str:
    """An id, a unique id prefix, or a name (its most recently created record)."""
    by_id = replay.index.by_id
    if agent in by_id:
        return agent
    prefixed = [i for i in by_id if i.startswith(agent)]
    if len(prefixed) == 1:
        return prefixed[0]
    named = [i for i, record in by_id.items() if record.name == agent]
    if named:
        return named[-1]
    raise InputError(f"{replay.path}: no agent with id or name {agent!r}")
