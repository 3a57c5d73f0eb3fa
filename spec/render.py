"""Mermaid and Graphviz DOT text of a lifecycle graph, optionally overlaid with a trace,
and the transition table as Markdown.

Renderers are pure and deterministic: the same graph and overlay give the same bytes.
Every transition is one line of the label of the arrow from its source to its target
(parallel transitions share an arrow, so the picture stays readable). Forbidden states,
and transitions that report a rule or enter a forbidden state, are red; a legend says so.
:func:`selected` picks what a picture draws: at a glance, the lifecycle and the ways into
its forbidden states; in full, every transition (the table lists them all too).
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

#: How much a diagram draws: "glance" (the default) or "full".
DETAILS = ("glance", "full")
#: What a state's "loaded" count means, for the legend of a trace from a store.
LOADED = "loaded N×: records the snapshot held in that state when the log began"

#: What a diagram at a glance leaves out, as its legend says, a line each.
LEFT_OUT = (
    "Not drawn: events that change nothing, forbidden transitions",
    "between legal states, and transitions out of red states:",
    "lifecheck diagram --detail full (or --format table) shows all.",
)
#: What a diagram over a trace leaves out, unless asked, and what it always draws.
UNTAKEN_LEFT_OUT = ("Legal transitions the log never took: not drawn (--untaken draws them).",)
TAKEN_DRAWN = ("Every transition the log took is drawn.",)


@dataclass(frozen=True, slots=True)
class Overlay:
    """What a recorded log did on the graph.

    ``counts``: times each transition was taken. ``entered``: times each state was entered
    from another state. ``loaded``: records a snapshot held in each state when the log
    began (not entered by any transition). ``steps``: for one agent, the (step, line) pairs
    at which it took each transition. ``title`` replaces the graph's name.
    """

    counts: Mapping[Transition, int] = field(default_factory=dict)
    entered: Mapping[str, int] = field(default_factory=dict)
    loaded: Mapping[str, int] = field(default_factory=dict)
    steps: Mapping[Transition, Sequence[tuple[int, int]]] = field(default_factory=dict)
    title: str = ""


@dataclass(frozen=True, slots=True)
class Arrow:
    """One drawn arrow: every transition from ``source`` to ``target``, a line each.

    Styles are "allowed", "forbidden", "untaken" (overlay: never taken) and "path"
    (overlay: on the --agent path); the arrow takes the most telling style of its lines.
    A line's parts (:func:`transition_parts`) are separated by newlines.
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


def transition_parts(data: Mapping[str, object], overlay: Overlay | None = None) -> list[str]:
    """One transition's label, in parts: the event (after its count, with an overlay), its
    guard, the rules it reports, and the --agent steps that took it."""
    transition: Transition = data["transition"]  # type: ignore[assignment]
    event, bracket, guard = str(data["label"]).partition(" [")
    parts = [event] + [bracket.strip() + guard] * bool(guard)
    if transition.rules:
        parts.append(f"({', '.join(transition.rules)})")
    if overlay is not None:
        parts[0] = f"{overlay.counts.get(transition, 0)}× {event}"
        if steps := overlay.steps.get(transition):
            parts.append("@ " + ", ".join(f"#{step} l.{line}" for step, line in steps))
    return parts


def transition_line(data: Mapping[str, object], overlay: Overlay | None = None) -> str:
    """One transition as one line: ``AgentStopped (stop-not-running)``, with overlay data."""
    return " ".join(transition_parts(data, overlay))


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
        parts = transition_parts(data, overlay)
        grouped.setdefault((u, v), []).append(("\n".join(parts), style))
    return [Arrow(u, v, tuple(lines)) for (u, v), lines in grouped.items()]


def state_label(state: State, overlay: Overlay | None = None) -> str:
    """``limbo (stale-pid)``, with how often the log entered it (and how many records the
    snapshot held in it, if any)."""
    text = state.name if state.rule in (None, state.name) else f"{state.name} ({state.rule})"
    if overlay is not None:
        text += f" · entered {overlay.entered.get(state.name, 0)}×"
        if loaded := overlay.loaded.get(state.name, 0):
            text += f" · loaded {loaded}×"
    return text


def selected(
    g: nx.MultiDiGraph, detail: str = "glance", overlay: Overlay | None = None, *,
    untaken: bool = False,
) -> nx.MultiDiGraph:  # fmt: skip
    """The part of ``g`` a picture draws, every state kept.

    At a glance: the legal transitions from one legal state to another, and the transitions
    from them into the forbidden states; in full: every transition. Over a trace, a legal
    transition the log never took is left out unless ``untaken``, and one it took is always
    drawn. The graph's ``left_out`` lines say what is left out, for the legend.
    """
    states = {name: data["state"] for name, data in g.nodes(data=True)}

    def drawn(source: str, target: str, data: Mapping[str, object]) -> bool:
        if overlay is not None:
            if overlay.counts.get(data["transition"]):  # type: ignore[call-overload]
                return True
            if not untaken and not data["forbidden"]:
                return False
        if detail == "full":
            return True
        if states[source].forbidden or source == target:
            return False
        return states[target].forbidden or not data["forbidden"]

    picked = type(g)(**g.graph)
    picked.graph["left_out"] = (LEFT_OUT if detail != "full" else ()) + (
        () if overlay is None else TAKEN_DRAWN if untaken else TAKEN_DRAWN + UNTAKEN_LEFT_OUT
    )
    picked.add_nodes_from(g.nodes(data=True))
    picked.add_edges_from(
        (u, v, key, data) for u, v, key, data in g.edges(keys=True, data=True)
        if drawn(u, v, data)
    )  # fmt: skip
    return picked


def to_table(g: nx.MultiDiGraph) -> str:
    """Every transition of ``g`` as a Markdown table, in table order: from, event [guard],
    to, and the rules it reports, the forbidden state's it enters included."""
    states = {name: data["state"] for name, data in g.nodes(data=True)}
    rows = [("from", "event [guard]", "to", "reports")]
    for u, v, data in g.edges(data=True):
        transition: Transition = data["transition"]
        rules = list(transition.rules)
        if u != v and (entered := states[v].rule) is not None and entered not in rules:
            rules.append(entered)
        rows.append((u, str(data["label"]), v, ", ".join(rules)))
    widths = [max(len(row[column]) for row in rows) for column in range(4)]
    lines = ["| " + " | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) + " |"
             for row in rows]  # fmt: skip
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return f"# {g.graph['name']}: every transition\n\n" + "\n".join(lines) + "\n"


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
    lines.append(f"    [*] --> {_mid(g.graph['initial'])} : {g.graph['creation']}")
    marks = {"allowed": "", "forbidden": "⛔ ", "untaken": "", "path": "➜ "}
    for arrow in arrows(g, overlay):
        label = "<br/>".join(
            _mtext(marks[style] + line.replace("\n", " ")) for line, style in arrow.lines
        )
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
    if overlay is not None and overlay.loaded:
        legend.append(LOADED)
    legend += g.graph.get("left_out", ())
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
    """A row per transition, its parts on lines of their own (indented after the first)."""
    return "".join(
        f'<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="11" COLOR="{_ARROW_STYLE[style]["color"]}">'
        + '<BR ALIGN="LEFT"/>   '.join(html.escape(part, quote=False)
                                        for part in (prefix + line).split("\n"))
        + '<BR ALIGN="LEFT"/></FONT></TD></TR>'
        for line, style in lines
    )  # fmt: skip


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
            if overlay is not None and not (overlay.entered.get(name) or overlay.loaded.get(name)):
                attrs |= {"style": "rounded,filled,dashed", "penwidth": "1"}
        elif name == g.graph["terminal"]:
            attrs["peripheries"] = "2"
        lines.append(f"  {_q(name)} {_attrs(**attrs)[:-1]}, label={_table(head + body)}];")
    creation = _table(_rows([(g.graph["creation"], "allowed")]))
    lines.append(f"  start -> {_q(g.graph['initial'])} [label={creation}];")
    for arrow in every:
        style = _attrs(**_ARROW_STYLE[arrow.style])[:-1]
        # A loop's transitions are listed in its state's box; other arrows carry theirs.
        label = '"↻"' if arrow.source == arrow.target else _table(_rows(arrow.lines))
        lines.append(f"  {_q(arrow.source)} -> {_q(arrow.target)} {style}, label={label}];")
    lines += _legend(overlay, g.graph.get("left_out", ()))
    lines.append("}")
    return "\n".join(lines) + "\n"


def _legend(overlay: Overlay | None, left_out: Sequence[str]) -> list[str]:
    rows = [
        ("transition: event [guard]", INK, "solid"),
        ("forbidden: reports the rule in brackets, or enters a red state", RED, "solid"),
    ]
    if overlay is not None:
        rows.append(("never taken by the log", GREY, "dashed"))
    if overlay is not None and overlay.steps:
        rows.append(("the --agent path", BLUE, "solid"))
    cells = "".join(
        f'<TR><TD><FONT COLOR="{colour}">{"- - - -" if style == "dashed" else "———"}</FONT></TD>'
        f'<TD ALIGN="LEFT"><FONT COLOR="{colour}">{text}</FONT></TD></TR>'
        for text, colour, style in rows
    )
    notes = [LOADED] if overlay is not None and overlay.loaded else []
    notes += left_out
    if notes:
        text = '<BR ALIGN="LEFT"/>'.join(html.escape(line, quote=False) for line in notes)
        cells += f'<TR><TD COLSPAN="2" ALIGN="LEFT">{text}<BR ALIGN="LEFT"/></TD></TR>'
    note = " (N× = times the log took it)" if overlay is not None else ""
    title = f'<TR><TD COLSPAN="2" ALIGN="LEFT"><B>Legend</B>{note}</TD></TR>'
    table = f'<TABLE BORDER="0" CELLSPACING="2">{title}{cells}</TABLE>'
    return [
        "  subgraph cluster_legend {",
        "    graph " + _attrs(label="", color="#bdbdbd", style="rounded", rank="sink") + ";",
        f'    legend [shape=plaintext, style="", fontsize="11", label=<{table}>];',
        "  }",
    ]
