"""The HTML report: one self-contained file (no scripts, no external resources).

It holds the summary, the findings with their explanations, the timelines of the agents
the findings are about, and per input the lifecycle diagram with the trace overlaid:
inline SVG when Graphviz is installed, the Mermaid source otherwise. It is drawn from the
report data alone (check with ``timelines=True``): no input is read again.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from lifecheck.checker.reports.data import InputReport
from lifecheck.checker.reports.diagrams import GraphvizMissing, overlay_from, render_diagram
from lifecheck.checker.reports.printable import printable
from lifecheck.checker.reports.text import summary, where
from lifecheck.checker.reports.timeline import render_timeline
from lifecheck.checker.rules.findings import Finding, short_id

_STYLE = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em; color: #222; }
h1, h2, h3 { font-weight: 600; } table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: .3em .6em; border-bottom: 1px solid #ddd; }
td.error { color: #b00020; } td.warning { color: #a15c00; } td.info { color: #00639b; }
pre { background: #f6f8fa; padding: .6em; overflow-x: auto; white-space: pre-wrap; }
.explanation { color: #555; white-space: pre-line; font-size: 90%; }
.diagram { overflow: auto; max-height: 90vh; border: 1px solid #ddd; }
.diagram svg { display: block; }
"""


def to_html(reports: Sequence[InputReport], semantics: str) -> bytes:
    """The whole report as one HTML document."""
    body = [f"<h1>lifecheck report</h1><p>{escape(summary(reports, semantics))}</p>"]
    for report in reports:
        body.append(f"<h2>{escape(printable(report.path))}</h2>")
        if report.error is not None:
            body.append(f"<p class='error'>Cannot be read: {escape(printable(report.error))}</p>")
            continue
        if report.daemon_starts:
            body.append(f"<p>{report.events} events, {report.agents} agents</p>")
        else:
            body.append("<p class='error'>The daemon will not start: its recovery fails "
                        "(nothing replayed).</p>")  # fmt: skip
        body.append(_findings(report.findings))
        body.append(_timelines(report))
        body.append(_diagram(report, semantics))
    page = (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>lifecheck report</title><style>{_STYLE}</style></head>"
        f"<body>{''.join(body)}</body></html>\n"
    )
    return page.encode()


def _findings(findings: Sequence[Finding]) -> str:
    if not findings:
        return "<p>No findings.</p>"
    rows = "".join(
        f"<tr><td class='{f.severity}'>{f.severity}</td><td>{escape(f.rule)}</td>"
        f"<td>{escape(where(f))}</td>"
        f"<td>{escape(printable(_who(f)))}</td><td>{escape(printable(f.message))}"
        + (f"<div class='explanation'>{escape(f.explanation)}</div>" if f.explanation else "")
        + "</td></tr>"
        for f in findings
    )
    head = "<tr><th>Severity</th><th>Rule</th><th>Where</th><th>Agent</th><th>What</th></tr>"
    return f"<h3>Findings</h3><table class='findings'>{head}{rows}</table>"


def _who(finding: Finding) -> str:
    if finding.agent_id is None:
        return finding.agent_name or ""
    return f"{finding.agent_name or ''} ({short_id(finding.agent_id)})".strip()


def _timelines(report: InputReport) -> str:
    if not report.timelines:
        return ""
    parts = ["<h3>Timelines</h3>"]
    for timeline in report.timelines:
        text = escape(render_timeline(timeline))
        parts.append(
            f"<details><summary>{escape(timeline.agent)}</summary><pre>{text}</pre></details>"
        )
    return "".join(parts)


def _diagram(report: InputReport, semantics: str) -> str:
    label = printable(report.path)
    overlay = overlay_from(semantics, label, report.events, report.taken, report.entered)
    try:
        svg = render_diagram(semantics, "svg", overlay).decode()
        drawn = svg[svg.index("<svg") :]  # inline: drop the XML prolog and doctype
    except GraphvizMissing:
        mermaid = render_diagram(semantics, "mermaid", overlay).decode()
        drawn = (
            "<p>Graphviz is not installed: the Mermaid source of the diagram follows.</p>"
            f"<pre>{escape(mermaid)}</pre>"
        )
    # At its own size, where its labels are readable: scrolled, never shrunk.
    return f"<h3>Lifecycle, with this log's transitions</h3><div class='diagram'>{drawn}</div>"
