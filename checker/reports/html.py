"""The HTML report: one self-contained file (no scripts, no external resources).

It holds the summary and, per input, a summary per rule linking to the findings with
their explanations (grouped by rule when there are many: :mod:`.html_findings`), the
timelines of the agents with most findings, and the lifecycle diagram with the trace
overlaid: inline SVG when Graphviz is installed (at its own size in a scrolling box, with
a full-window view and a download), the Mermaid source otherwise. It is drawn from the
report data alone (check with ``timelines=True``): no input is read again.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping, Sequence
from html import escape

from lifecheck.checker.replay.timeline import Timeline
from lifecheck.checker.reports.data import InputReport
from lifecheck.checker.reports.diagrams import GraphvizMissing, overlay_from, render_diagram
from lifecheck.checker.reports.html_findings import findings_html
from lifecheck.checker.reports.printable import printable
from lifecheck.checker.reports.text import summary
from lifecheck.checker.reports.timeline import render_timeline
from lifecheck.checker.rules.findings import short_id

_STYLE = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em; color: #222; }
h1, h2, h3 { font-weight: 600; } table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: .3em .6em; border-bottom: 1px solid #ddd; }
.error { color: #b00020; } .warning { color: #a15c00; } .info { color: #00639b; }
table.rules { width: auto; } td.where { white-space: nowrap; }
td.count { text-align: right; font-variant-numeric: tabular-nums; }
details.rule { margin: .4em 0; } details.rule > summary { cursor: pointer; padding: .3em 0; }
details.rule[open] > summary { border-bottom: 1px solid #ddd; }
pre { background: #f6f8fa; padding: .6em; overflow-x: auto; white-space: pre-wrap; }
.explanation { color: #555; white-space: pre-line; font-size: 90%; }
.note { color: #555; font-style: italic; }
.diagram { overflow: auto; max-height: 90vh; border: 1px solid #ddd; background: #fff; }
.diagram svg { display: block; } .diagram .close { display: none; }
.diagram:target { position: fixed; inset: 0; max-height: none; margin: 0; z-index: 1; }
.diagram:target .close { display: block; position: sticky; top: 0; left: 0; padding: .4em;
  background: #fff; width: max-content; }
"""

#: An id Graphviz gives an element of the SVG (``<g id="node1" ...``).
_SVG_ID = re.compile(r'(<\w+) id="([^"]*)"')


def to_html(reports: Sequence[InputReport], semantics: str) -> bytes:
    """The whole report as one HTML document."""
    body = [f"<h1>lifecheck report</h1><p>{escape(summary(reports, semantics))}</p>"]
    for number, report in enumerate(reports):
        body.append(f"<h2>{escape(printable(report.path))}</h2>")
        if report.error is not None:
            body.append(f"<p class='error'>Cannot be read: {escape(printable(report.error))}</p>")
            continue
        if report.daemon_starts:
            counted = f"{_plural(report.events, 'event')}, {_plural(report.agents, 'agent')}"
            body.append(f"<p>{counted}{_loaded(report)}</p>")
        else:
            body.append("<p class='error'>The daemon will not start: its recovery fails "
                        "(nothing replayed).</p>")  # fmt: skip
        anchor = f"i{number}"
        ids = {t.agent: f"{anchor}-t{k}" for k, t in enumerate(report.timelines)}
        body.append(findings_html(report.findings, report.path, anchor, ids))
        body.append(_timelines(report.timelines, ids))
        body.append(_diagram(report, semantics, anchor))
    page = (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>lifecheck report</title><style>{_STYLE}</style></head>"
        f"<body>{''.join(body)}</body></html>\n"
    )
    return page.encode()


def _loaded(report: InputReport) -> str:
    """``; the snapshot held 2 records: 1 limbo, 1 stopped`` (nothing without a snapshot)."""
    if not report.loaded:
        return ""
    states = ", ".join(f"{count} {escape(state)}" for state, count in report.loaded.items())
    return f"; the snapshot held {_plural(sum(report.loaded.values()), 'record')}: {states}"


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def _timelines(timelines: Sequence[Timeline], ids: Mapping[str, str]) -> str:
    if not timelines:
        return ""
    parts = [
        "<h3>Timelines</h3><p>The records with most findings, every line that touched them.</p>"
    ]
    for timeline in timelines:
        text = escape(render_timeline(timeline))
        parts.append(
            f"<details id='{ids[timeline.agent]}'><summary title='{escape(timeline.agent)}'>"
            f"{escape(_title(timeline))}</summary><pre>{text}</pre></details>"
        )
    return "".join(parts)


def _title(timeline: Timeline) -> str:
    """``btucker-reviewer (7e0aa489): 2 findings, 3 more involve it; 12 lines``."""
    shown = dict.fromkeys(f for step in timeline.steps for f in step.findings)
    shown.update(dict.fromkeys(timeline.final))
    agent = timeline.agent
    own = [f for f in shown if f.agent_id == agent]
    name = next((f.agent_name for f in own if f.agent_name), None)
    who = f"{name} ({short_id(agent)})" if name else short_id(agent)
    more = len(shown) - len(own)
    return (
        f"{printable(who)}: {_plural(len(own), 'finding')}"
        + (f", {more} more involve{'s' if more == 1 else ''} it" if more else "")
        + f"; {_plural(len(timeline.steps), 'line')}"
    )


def _diagram(report: InputReport, semantics: str, anchor: str) -> str:
    label = printable(report.path)
    overlay = overlay_from(
        semantics, label, report.events, report.taken, report.entered, loaded=report.loaded
    )
    head = f"<h3 id='{anchor}-lifecycle'>Lifecycle, with this log's transitions</h3>"
    try:
        svg = render_diagram(semantics, "svg", overlay)
    except GraphvizMissing:
        mermaid = render_diagram(semantics, "mermaid", overlay).decode()
        return (
            f"{head}<p>Graphviz is not installed: the Mermaid source of the diagram follows.</p>"
            f"<pre>{escape(mermaid)}</pre>"
        )
    text = svg.decode()
    # Inline: no XML prolog or doctype, and the ids Graphviz gives (node1, ...) made this
    # input's, or a page of several inputs would repeat them.
    drawn = _SVG_ID.sub(rf"\1 id='{anchor}-\2'", text[text.index("<svg") :])
    saved = base64.b64encode(svg).decode()
    links = (
        f"<p><a href='#{anchor}-diagram'>Fill the window</a> · "
        f"<a download='lifecycle.svg' href='data:image/svg+xml;base64,{saved}'>Save as SVG</a>"
        " (opens alone at full size in a browser)</p>"
    )
    close = f"<a class='close' href='#{anchor}-lifecycle'>Close</a>"
    # At its own size, where its labels are readable: scrolled, never shrunk.
    return f"{head}{links}<div class='diagram' id='{anchor}-diagram'>{close}{drawn}</div>"
