"""Diagram files: the spec's graph as Mermaid, DOT, SVG or PNG, with an optional trace."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from lifecheck.checker.rules.findings import short_id
from lifecheck.spec import LIFECYCLE, SEMANTICS
from lifecheck.spec.model import Transition
from lifecheck.spec.render import Overlay, selected, to_dot, to_mermaid, to_table

FORMATS = ("mermaid", "dot", "svg", "png", "table")
SUFFIXES = {"mermaid": ".mmd", "dot": ".dot", "svg": ".svg", "png": ".png", "table": ".md"}
INSTALL_GRAPHVIZ = (
    "Graphviz's 'dot' program is needed for SVG and PNG; install it "
    "(Debian/Ubuntu: apt-get install graphviz; macOS: brew install graphviz), "
    "or use --format mermaid or dot"
)


class GraphvizMissing(Exception):
    """``dot`` is not on PATH."""


def render_diagram(
    semantics: str, output: str, overlay: Overlay | None = None, *, detail: str = "glance",
    untaken: bool = False,
) -> bytes:  # fmt: skip
    """The built-in spec's diagram for ``semantics`` in format ``output`` (``table``: every
    transition), drawn at ``detail`` (see :func:`lifecheck.spec.render.selected`)."""
    from lifecheck.spec.graph import lifecycle_graph  # networkx: not imported by `lifecheck check`

    g = lifecycle_graph(LIFECYCLE, semantics)
    if output == "table":
        return to_table(g).encode()
    g = selected(g, detail, overlay, untaken=untaken)
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


def write_all(
    directory: Path, write: Callable[[Path, bytes], object] = Path.write_bytes
) -> list[Path]:
    """Write, for every daemon version, ``lifecycle-<semantics>.{mmd,dot,svg}`` (at a
    glance), ``lifecycle-<semantics>-full.svg`` and the table of every transition,
    ``transitions-<semantics>.md``, each with ``write(path, data)``."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for semantics in SEMANTICS:
        for name, output, detail in (
            ("lifecycle", "mermaid", "glance"), ("lifecycle", "dot", "glance"),
            ("lifecycle", "svg", "glance"), ("lifecycle", "svg", "full"),
            ("transitions", "table", "full"),
        ):  # fmt: skip
            suffix = "-full" if name == "lifecycle" and detail == "full" else ""
            path = directory / f"{name}-{semantics}{suffix}{SUFFIXES[output]}"
            write(path, render_diagram(semantics, output, detail=detail))
            written.append(path)
    return written


@dataclass(frozen=True, slots=True)
class AgentPath:
    """One record's path through the spec: its (line, transition) steps in order."""

    agent_id: str
    name: str
    steps: Sequence[tuple[int, Transition]]


def overlay_from(
    semantics: str,
    label: str,
    events: int,
    taken: Mapping[Transition, int],
    entered: Mapping[str, int],
    path: AgentPath | None = None,
    *,
    loaded: Mapping[str, int] | None = None,
) -> Overlay:
    """What a replay of ``events`` events did (``taken``, ``entered``; ``loaded``: the
    states its snapshot's records began in), and with ``path`` that agent's numbered path."""
    title = f"{LIFECYCLE.name} ({semantics}) · {label}: {events} events"
    loaded = loaded or {}
    if path is None:
        return Overlay(counts=taken, entered=entered, loaded=loaded, title=title)
    steps: dict[Transition, list[tuple[int, int]]] = {}
    for number, (line, transition) in enumerate(path.steps, 1):
        steps.setdefault(transition, []).append((number, line))
    return Overlay(
        counts=taken,
        entered=entered,
        loaded=loaded,
        steps=steps,
        title=f"{title} · path of {path.name} ({short_id(path.agent_id)})",
    )
