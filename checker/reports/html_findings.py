"""The HTML report's findings of one input: a summary per rule, then the findings.

The summary has a row per rule broken, with its count, what it means and what to do,
linking to the rule's findings. An explanation is shown where it adds to its finding's
message, as in the text report. Up to :data:`GROUPED_ABOVE` findings stay one table in report order;
more are grouped by rule, a collapsible section each (errors open), in report order
within a group, each showing at most :data:`SHOWN` rows: the page stays usable with tens
of thousands of findings, and the JSON and SARIF reports hold them all.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from html import escape

from lifecheck.checker.reports.printable import printable
from lifecheck.checker.reports.spool import Findings
from lifecheck.checker.reports.text import adds_to_message, where
from lifecheck.checker.rules.findings import Finding, short_id
from lifecheck.spec.catalogue import RULES, RuleId, Severity

#: Findings in an input past which the page groups them by rule.
GROUPED_ABOVE = 20
#: Rows shown per rule when grouped; a note says how many more the other formats list.
SHOWN = 100

_RANK = {severity: rank for rank, severity in enumerate(Severity)}
_PLACE = "<th>Where</th><th>Agent</th><th>What</th>"
_HEAD = f"<tr><th>Severity</th><th>Rule</th>{_PLACE}</tr>"  # one table of every rule


def findings_html(findings: Findings, base: str, anchor: str, timelines: Mapping[str, str]) -> str:
    """The summary and the findings of the input at ``base``; ids start with ``anchor``,
    and ``timelines`` maps the agents that have a timeline on the page to its id."""
    if not findings:
        return "<p>No findings.</p>"
    grouped = len(findings) > GROUPED_ABOVE
    listed: list[Finding] = []  # in report order, when not grouped
    shown: dict[RuleId, list[Finding]] = {}
    for finding in findings:  # one pass: past a few thousand, they are read back from disk
        rows = shown.setdefault(finding.rule, [])
        if not grouped:
            listed.append(finding)
        if not grouped or len(rows) < SHOWN:
            rows.append(finding)
    counts = findings.rules
    order = sorted(shown, key=lambda rule: (_RANK[shown[rule][0].severity], -counts[rule], rule))
    parts = [_summary(order, shown, counts, anchor), "<h3>Findings</h3>"]
    if grouped:
        parts += (
            _group(rule, shown[rule], counts[rule], base, anchor, timelines) for rule in order
        )
        return "".join(parts)
    firsts = {id(rows[0]): f"{anchor}-{rule}" for rule, rows in shown.items()}
    body = "".join(_row(f, base, timelines, anchor=firsts.get(id(f))) for f in listed)
    parts.append(f"<table class='findings'>{_HEAD}{body}</table>")
    return "".join(parts)


def _summary(
    order: Iterable[RuleId], shown: Mapping[RuleId, list[Finding]], counts: Mapping[str, int],
    anchor: str,
) -> str:  # fmt: skip
    rows = "".join(
        f"<tr><td class='{shown[rule][0].severity}'>{shown[rule][0].severity}</td>"
        f"<td><a href='#{escape(anchor)}-{escape(rule)}'>{escape(rule)}</a></td>"
        f"<td class='count'>{counts[rule]:,}</td><td>{escape(RULES[rule].summary)}</td>"
        f"<td>{escape(RULES[rule].action)}</td></tr>"
        for rule in order
    )
    head = (
        "<tr><th>Severity</th><th>Rule</th><th>Findings</th><th>What it means</th>"
        "<th>What to do</th></tr>"
    )
    return f"<h3>Rules broken</h3><table class='rules'>{head}{rows}</table>"


def _group(
    rule: str, rows: list[Finding], count: int, base: str, anchor: str,
    timelines: Mapping[str, str],
) -> str:  # fmt: skip
    severity = rows[0].severity
    is_open = " open" if severity is Severity.ERROR else ""
    cut = count > len(rows)
    title = (
        f"<span class='{severity}'>{severity}</span> <b>{escape(rule)}</b>: "
        f"{count:,} finding{'' if count == 1 else 's'}"
        + (f", the first {len(rows):,} shown" if cut else "")
    )
    note = (
        f"<p class='note'>The first {len(rows):,} of {count:,}, in report order; "
        "<code>--format json</code> or <code>sarif</code> lists them all.</p>"
        if cut
        else ""
    )
    body = "".join(_row(f, base, timelines, ruled=False) for f in rows)
    return (
        f"<details class='rule' id='{escape(anchor)}-{escape(rule)}'{is_open}>"
        f"<summary>{title}</summary>{note}<table class='findings'><tr>{_PLACE}</tr>{body}"
        "</table></details>"
    )


def _row(
    finding: Finding, base: str, timelines: Mapping[str, str], *, ruled: bool = True,
    anchor: str | None = None,
) -> str:  # fmt: skip
    """A finding's row: its severity and rule (unless the table is the rule's), where, the
    agent, the message and the explanation."""
    explanation = finding.explanation
    if explanation and not adds_to_message(explanation):
        explanation = None  # it would repeat the message, as in the text report
    mark = "" if anchor is None else f" id='{escape(anchor)}'"
    head = (
        f"<td class='{finding.severity}'>{finding.severity}</td><td>{escape(finding.rule)}</td>"
        if ruled
        else ""
    )
    return (
        f"<tr{mark}>{head}"
        f"<td class='where' title='{escape(where(finding))}'>{escape(_place(finding, base))}</td>"
        f"<td>{_who(finding, timelines)}</td><td>{escape(printable(finding.message))}"
        + (f"<div class='explanation'>{escape(explanation)}</div>" if explanation else "")
        + "</td></tr>"
    )


def _place(finding: Finding, base: str) -> str:
    """Where the finding is, short: ``line 36`` in the input itself, ``log-0001.jsonl:36``
    in a file of a store directory (the full place is the cell's title)."""
    path, line = finding.path, finding.line
    if path == base:
        return printable(path) if line is None else f"line {line}"
    inside = base.rstrip(os.sep) + os.sep
    shown = printable(path.removeprefix(inside))
    return shown if line is None else f"{shown}:{line}"


def _who(finding: Finding, timelines: Mapping[str, str]) -> str:
    """The agent's name and short id, linking to its timeline when the page has one."""
    name = escape(printable(finding.agent_name or ""))
    if finding.agent_id is None:
        return name
    who = f"{name} ({escape(printable(short_id(finding.agent_id)))})".strip()
    target = timelines.get(finding.agent_id)
    return who if target is None else f"<a href='#{escape(target)}'>{who}</a>"
