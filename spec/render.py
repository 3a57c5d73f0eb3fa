"""Mermaid and Graphviz DOT text of a lifecycle graph, optionally overlaid with a trace.

Renderers are pure and deterministic: the same graph and overlay give the same bytes.
Every transition is one line of the label of the arrow from its source to its target
(parallel transitions share an arrow, so the picture stays readable). Forbidden states,
and transitions that report a rule or enter a forbidden state, are red; a legend says so.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import networkx as nx

    from lifecheck.spec.model import State, Transition

RED, GREY, BLUE, INK = "#c62828", "#9e9e9e", "#1565c0", "#37474f"


@dataclass(frozen=True, slots=True)
class Overlay:
    """What a recorded log did on the graph.

    ``counts``: times each transition was taken. ``entered``: times each state was entered
    from another state. ``steps``: for one agent, the (step, line) pairs at which it took
    each transition. ``title`` replaces the graph's name.
    """

    counts: Mapping[Transition, int] = field(default_factory=dict)
    entered: Mapping[str, int] = field(default_factory=dict)
    steps: Mapping[Transition, Sequence[tuple[int, int]]] = field(default_factory=dict)
    title: str = ""


@dataclass(frozen=True, slots=True)
class Arrow:
    """One drawn arrow: every transition from ``source`` to ``target``, a line each.

    Styles are "allowed", "forbidden", "untaken" (overlay: never taken) and "path"
    (overlay: on the --agent path); the arrow takes the most telling style of its lines.
    """

    source: str
    target: str
    lines: tuple[tuple[str, str], ...]  # (text, style)

    @property
    def style(self) -> str:
        styles = {style for _, style in self.lines}
        for style in ("path", "forbidden", "allowed"):
            if style in styles:
                return style
        return "untaken"


def transition_line(data: Mapping[str, object], overlay: Overlay | None = None) -> str:
    """One transition as label text: ``AgentStopped (stop-not-running)``, with overlay data."""
    transition: Transition = data["transition"]  # type: ignore[assignment]
    text = str(data["label"])
    if transition.rules:
        text += f" ({', '.join(transition.rules)})"
    if overlay is not None:
        text = f"{overlay.counts.get(transition, 0)}× {text}"
        if steps := overlay.steps.get(transition):
            text += " @ " + ", ".join(f"#{step} l.{line}" for step, line in steps)
    return text


def arrows(g: nx.MultiDiGraph, overlay: Overlay | None = None) -> list[Arrow]:
    """Group the graph's edges into arrows, in table order of their first transition."""
    grouped: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for u, v, data in g.edges(data=True):
        transition: Transition = data["transition"]
        style = "forbidden" if data["forbidden"] else "allowed"
        if overlay is not None and overlay.steps.get(transition):
            style = "path"
        elif overlay is not None and not overlay.counts.get(transition):
            style = "untaken"
        grouped.setdefault((u, v), []).append((transition_line(data, overlay), style))
    return [Arrow(u, v, tuple(lines)) for (u, v), lines in grouped.items()]


def state_label(state: State, overlay: Overlay | None = None) -> str:
    """``limbo (stale-pid)``, with how often the log entered it."""
    text = state.name if state.rule in (None, state.name) else f"{state.name} ({state.rule})"
    if overlay is not None:
        text += f" · entered {overlay.entered.get(state.name, 0)}×"
    return text


# --- Mermaid --------------------------------------------------------------------------


def _mid(name: str) -> str:
    return name.replace("-", "_")


def _mtext(text: str) -> str:
    return text.replace(":", "#58;").replace(";", "#59;")


def to_mermaid(g: nx.MultiDiGraph, overlay: Overlay | None = None) -> str:
    """A Mermaid ``stateDiagram-v2`` with forbidden states in red and a legend note."""
    title = overlay.title if overlay is not None and overlay.title else g.graph["name"]
    states: list[State] = [data["state"] for _, data in g.nodes(data=True)]
    lines = ["---", f"title: {title}", "---", "stateDiagram-v2", "    direction TB"]
    lines.append(f"    classDef forbidden fill:#ffebee,stroke:{RED},color:{RED},stroke-width:2px")
    for state in states:
        lines.append(f'    state "{_mtext(state_label(state, overlay))}" as {_mid(state.name)}')
    lines.append(f"    [*] --> {_mid(g.graph['initial'])}")
    marks = {"allowed": "", "forbidden": "⛔ ", "untaken": "", "path": "➜ "}
    for arrow in arrows(g, overlay):
        label = "<br/>".join(_mtext(marks[style] + line) for line, style in arrow.lines)
        lines.append(f"    {_mid(arrow.source)} --> {_mid(arrow.target)} : {label}")
    lines.append(f"    {_mid(g.graph['terminal'])} --> [*]")
    lines.append(f"    class {','.join(_mid(s.name) for s in states if s.forbidden)} forbidden")
    legend = [
        "Legend: red states are forbidden; the rule they report is in brackets.",
        "⛔ marks transitions that report a rule (in brackets) or enter a forbidden state.",
    ]
    if overlay is not None:
        legend.append(
            "N× counts how often the log took a transition; ➜ #k l.n is --agent step k at line n."
        )
    lines += [f"    note right of {_mid(g.graph['initial'])}"]
    lines += [f"        {_mtext(text)}" for text in legend]
    lines += ["    end note", ""]
    return "\n".join(lines)


# --- Graphviz DOT ---------------------------------------------------------------------


def _q(text: str) -> str:
    """A DOT string; backslashes are kept for DOT's own escapes such as ``\\l``."""
    return '"' + text.replace('"', '\\"') + '"'


def _attrs(**attrs: str) -> str:
    return "[" + ", ".join(f"{key}={_q(value)}" for key, value in attrs.items()) + "]"


_ARROW_STYLE = {
    "allowed": {"color": INK},
    "forbidden": {"color": RED},
    "untaken": {"color": GREY, "style": "dashed"},
    "path": {"color": BLUE, "penwidth": "2.5"},
}


def _rows(lines: Sequence[tuple[str, str]], prefix: str = "") -> str:
    return "".join(
        f'<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="10" COLOR="{_ARROW_STYLE[style]["color"]}">'
        f"{html.escape(prefix + line, quote=False)}</FONT></TD></TR>"
        for line, style in lines
    )


def _table(rows: str) -> str:
    return f'<<TABLE BORDER="0" CELLBORDER="0" CELLPADDING="1" CELLSPACING="0">{rows}</TABLE>>'


def to_dot(g: nx.MultiDiGraph, overlay: Overlay | None = None) -> str:
    """A Graphviz digraph flowing top to bottom, forbidden parts in red, with a legend.

    A state's self-transitions (events that leave it where it is) are listed inside its
    box under a rule, with a plain loop arrow; every other arrow carries its lines.
    """
    title = overlay.title if overlay is not None and overlay.title else g.graph["name"]
    title = title.replace("\\", "\\\\")  # a title names a file: its backslashes are its own
    font = "Helvetica"
    lines = [
        f"digraph {_q(g.graph['name'])} {{",
        "  graph " + _attrs(label=title, labelloc="t", fontsize="20", fontname=font,
                           rankdir="TB", nodesep="0.5", ranksep="0.8") + ";",
        "  node " + _attrs(shape="box", style="rounded,filled", fillcolor="#ffffff",
                          color=INK, fontname=font, fontsize="14") + ";",
        "  edge " + _attrs(fontname=font, fontsize="10", arrowsize="0.8") + ";",
        "  start " + _attrs(shape="point", width="0.2", label="", color=INK) + ";",
    ]  # fmt: skip
    every = arrows(g, overlay)
    loops = {arrow.source: arrow for arrow in every if arrow.source == arrow.target}
    for name, data in g.nodes(data=True):
        state: State = data["state"]
        colour = RED if state.forbidden else INK
        head = f'<TR><TD><FONT POINT-SIZE="14" COLOR="{colour}"><B>{html.escape(state_label(state, overlay))}</B></FONT></TD></TR>'  # noqa: E501
        loop = loops.get(name)
        body = "<HR/>" + _rows(loop.lines, "↻ ") if loop is not None else ""
        attrs = {"color": colour}
        if state.forbidden:
            attrs |= {"fillcolor": "#ffebee", "penwidth": "2"}
            if overlay is not None and not overlay.entered.get(name):
                attrs |= {"style": "rounded,filled,dashed", "penwidth": "1"}
        elif name == g.graph["terminal"]:
            attrs["peripheries"] = "2"
        lines.append(f"  {_q(name)} {_attrs(**attrs)[:-1]}, label={_table(head + body)}];")
    lines.append(f"  start -> {_q(g.graph['initial'])};")
    for arrow in every:
        style = _attrs(**_ARROW_STYLE[arrow.style])[:-1]
        # A loop's transitions are listed in its state's box; other arrows carry theirs.
        label = '"↻"' if arrow.source == arrow.target else _table(_rows(arrow.lines))
        lines.append(f"  {_q(arrow.source)} -> {_q(arrow.target)} {style}, label={label}];")
    lines += _legend(overlay is not None)
    lines.append("}")
    return "\n".join(lines) + "\n"


def _legend(overlaid: bool) -> list[str]:
    rows = [
        ("transition (event [guard])", INK, "solid"),
        ("forbidden: reports the rule in brackets, or enters a forbidden state", RED, "solid"),
    ]
    if overlaid:
        rows += [("never taken by the log", GREY, "dashed"), ("the --agent path", BLUE, "solid")]
    cells = "".join(
        f'<TR><TD><FONT COLOR="{colour}">{"- - - -" if style == "dashed" else "———"}</FONT></TD>'
        f'<TD ALIGN="LEFT"><FONT COLOR="{colour}">{text}</FONT></TD></TR>'
        for text, colour, style in rows
    )
    note = " (N× = times the log took it)" if overlaid else ""
    title = f'<TR><TD COLSPAN="2" ALIGN="LEFT"><B>Legend</B>{note}</TD></TR>'
    table = f'<TABLE BORDER="0" CELLSPACING="2">{title}{cells}</TABLE>'
    return [
        "  subgraph cluster_legend {",
        "    graph " + _attrs(label="", color="#bdbdbd", style="rounded") + ";",
        f'    legend [shape=plaintext, style="", fontsize="10", label=<{table}>];',
        "  }",
    ]
