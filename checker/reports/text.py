"""Reports over the same data: human text and the JSON report (docs/rules.md §5)."""

from __future__ import annotations

import os
import textwrap
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from heapq import merge
from typing import Any

import msgspec

from lifecheck.checker.reading.echo import capped
from lifecheck.checker.reports.colours import SEVERITY_COLOURS, paint
from lifecheck.checker.reports.data import InputReport, severities
from lifecheck.checker.reports.jsonstream import streamed
from lifecheck.checker.reports.printable import printable
from lifecheck.checker.reports.statistics import statistics_lines
from lifecheck.checker.rules.findings import Finding, short_id
from lifecheck.spec.catalogue import RULES, Severity


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 or word == 'info' else 's'}"


def _agent(finding: Finding) -> str:
    if finding.agent_id is None:
        return capped(finding.agent_name or "")
    short = short_id(finding.agent_id)
    return f"{capped(finding.agent_name)} ({short})" if finding.agent_name else short


def where(finding: Finding) -> str:
    """``path:line`` (the path alone for a finding about a whole file), printable."""
    path = printable(finding.path)
    return path if finding.line is None else f"{path}:{finding.line}"


def render_finding(finding: Finding, *, colour: bool = False) -> str:
    """``path:line: severity rule: agent: message`` on one line."""
    severity = finding.severity
    head = paint(f"{severity} {finding.rule}", SEVERITY_COLOURS[severity], colour)
    agent = printable(_agent(finding))
    message = printable(finding.message)
    return f"{where(finding)}: {head}: " + (f"{agent}: " if agent else "") + message


#: How many findings the text report explains unless told otherwise: a handful.
EXPLAINED = 5


def render_text(
    reports: Sequence[InputReport],
    semantics: str,
    *,
    colour: bool = False,
    explain: int | None = EXPLAINED,
) -> str:
    """Findings grouped by input, then the count of each rule and one summary line.

    The first ``explain`` findings (all when ``None``) carry their explanation, indented
    under them, where it adds to the finding's line (:func:`adds_to_message`); unless
    ``explain`` is 0, the first finding of each rule says what to do about the rule."""
    return "".join(text_lines(reports, semantics, colour=colour, explain=explain))


def text_lines(
    reports: Sequence[InputReport],
    semantics: str,
    *,
    colour: bool = False,
    explain: int | None = EXPLAINED,
) -> Iterator[str]:
    """:func:`render_text` a line at a time (each ending in a newline), as the findings are
    read: memory does not grow with their number."""
    left = explain
    advised: set[str] = set()  # once per rule: a long report stays a list of findings
    readable = [report for report in reports if report.error is None]
    if not readable:  # the CLI has already said why on stderr, one line per input
        return
    # A daemon that will not start is the first thing to know: such inputs come first, their
    # first line says so and the next why (their one finding), before the notes.
    readable.sort(key=lambda report: report.daemon_starts)
    for report in readable:
        stats = f"{_plural(report.events, 'event')}, {_plural(report.agents, 'agent')}"
        files = [printable(os.path.basename(p)) for p in (report.snapshot, report.log) if p]
        replayed = f": {' + '.join(files)}" if report.log != report.path else ""
        outcome = f" ({stats})"
        if not report.daemon_starts:
            failed = paint("the daemon will not start", SEVERITY_COLOURS[Severity.ERROR], colour)
            outcome = f": {failed} (its recovery fails; nothing replayed)"
        yield f"{paint(printable(report.path), '1', colour)}{replayed}{outcome}\n"
        notes = [f"  note: {printable(note)}\n" for note in report.notes]
        if report.daemon_starts:
            yield from notes
        if not report.findings:
            yield "  no findings\n"
        for finding in report.findings:
            yield f"  {render_finding(finding, colour=colour)}\n"
            explanation = finding.explanation if left is None or left > 0 else None
            if explanation:  # told only for the findings shown explained
                if adds_to_message(explanation):
                    for sentence in explanation.splitlines():
                        for row in textwrap.wrap(printable(sentence), 92, subsequent_indent="  "):
                            yield f"      {row}\n"
                left = None if left is None else left - 1
            if explain != 0 and finding.rule not in advised:
                advised.add(finding.rule)
                yield f"      {paint('what to do:', '32', colour)} {RULES[finding.rule].action}\n"
        if not report.daemon_starts:
            yield from notes
        yield "\n"
    yield from statistics_lines(reports, colour=colour)
    yield summary(reports, semantics) + "\n"


def adds_to_message(explanation: str) -> bool:
    """Whether an explanation says more than its finding's line: a line (a record's past,
    a dead session) before its final ``Then``, which restates the finding's message."""
    return "\n" in explanation


def summary(reports: Sequence[InputReport], semantics: str) -> str:
    """``3 errors, 1 warning, 0 info in 2 inputs (semantics d11b83e)``, saying how many
    inputs were unreadable and how many findings the baseline hid, if any."""
    counts = sum((severities(r) for r in reports), Counter[Severity]())
    parts = [_plural(counts[s], s.value) for s in Severity]
    unreadable = sum(1 for r in reports if r.error is not None)
    hidden = sum(r.hidden for r in reports)
    tail = f", {unreadable} unreadable" if unreadable else ""
    tail += f", {hidden} hidden by the baseline" if hidden else ""
    return f"{', '.join(parts)} in {_plural(len(reports), 'input')}{tail} (semantics {semantics})"


class _JsonEvidence(msgspec.Struct):
    path: str
    line: int | None
    agent_id: str | None
    what: str


class _JsonFinding(msgspec.Struct, omit_defaults=True):
    rule: str
    severity: str
    path: str
    line: int | None
    agent_id: str | None
    agent_name: str | None
    message: str
    fingerprint: str | None = None
    related: list[str] = []
    related_count: int = 0
    before: str | None = None
    after: str | None = None
    dropped: int | None = None
    evidence: list[_JsonEvidence] = []
    explanation: str | None = None


def to_json(reports: Sequence[InputReport], semantics: str) -> bytes:
    """The JSON report: semantics, inputs, findings (by path, line, then as the checks met
    them)."""
    return b"".join(json_chunks(reports, semantics))


def json_chunks(reports: Sequence[InputReport], semantics: str) -> Iterator[bytes]:
    """:func:`to_json` a finding at a time, as the findings are read: memory does not grow
    with their number."""
    counts = sum((severities(r) for r in reports), Counter[Severity]())
    head = {
        "semantics": semantics,
        "inputs": [
            {
                "path": printable(r.path),
                "events": r.events,
                "agents": r.agents,
                "log": _printable(r.log),
                "snapshot": _printable(r.snapshot),
                "notes": [printable(note) for note in r.notes],
                "error": _printable(r.error),
                "hidden_by_baseline": r.hidden,
            }
            for r in reports
        ],
        "findings": [],
        "summary": {str(s): counts[s] for s in Severity},
        "hidden_by_baseline": sum(r.hidden for r in reports),
    }
    findings = merge(*(r.findings for r in reports), key=Finding.sort_key)
    return streamed(head, "findings", map(_json_finding, findings))


def jsonl_line(finding: Finding) -> bytes:
    """One finding as the JSON report has it, on one line with its newline (JSON Lines)."""
    return msgspec.json.encode(_json_finding(finding)) + b"\n"


def _json_finding(f: Finding) -> _JsonFinding:
    evidence, explanation = f.explained()
    return _JsonFinding(
        rule=f.rule, severity=str(f.severity), path=printable(f.path), line=f.line,
        agent_id=f.agent_id, agent_name=f.agent_name, message=printable(f.message),
        fingerprint=f.fingerprint, related=list(f.related), related_count=f.related_count,
        before=f.before, after=f.after, dropped=f.dropped, explanation=explanation,
        evidence=[_JsonEvidence(printable(e.path), e.line, e.agent_id, e.what)
                  for e in evidence],
    )  # fmt: skip


def _printable(text: str | None) -> str | None:
    return None if text is None else printable(text)


def render_coverage(result: Mapping[str, Any]) -> str:
    """Legal transitions taken (with counts) and never taken, forbidden ones hit (with
    counts and rules) and how many were never hit."""

    def arrow(t: Mapping[str, Any]) -> str:
        guard = f" [{t['guard']}]" if t["guard"] else ""
        return f"{t['source']} --{t['event']}{guard}--> {t['target']}"

    legal = [t for t in result["transitions"] if not t["rules"]]
    forbidden = [t for t in result["transitions"] if t["rules"]]
    taken, hit = [t for t in legal if t["count"]], [t for t in forbidden if t["count"]]
    out = [
        f"{_plural(len(result['inputs']), 'input')} against the {result['semantics']} spec: "
        f"{len(taken)} of {len(legal)} legal transitions taken, {len(hit)} of "
        f"{len(forbidden)} forbidden ones hit",
        f"legal, taken ({len(taken)}):",
        *(f"  {t['count']:>6}×  {arrow(t)}" for t in taken),
        f"legal, never taken ({result['legal_never_taken']}):",
        *(f"          {arrow(t)}" for t in legal if not t["count"]),
        f"forbidden, hit ({result['forbidden_hit']}):",
        *(f"  {t['count']:>6}×  {arrow(t)}: {', '.join(t['rules'])}" for t in hit),
        f"forbidden, never hit: {result['forbidden_never_hit']} "
        "(lifecheck diagram --format table lists every transition)",
    ]
    return "\n".join(out) + "\n"


def render_facts(found: Mapping[str, Any]) -> str:
    """The spec's facts, one per line, for ``lifecheck lint``."""
    states = ", ".join(
        s["name"] + (f" (forbidden: {s['forbidden_rule']})" if s["forbidden_rule"] else "")
        for s in found["states"]
    )
    out = [
        f"{found['name']}: valid",
        f"states ({len(found['states'])}): {states}",
        f"events ({len(found['events'])}): {', '.join(found['events'])}",
        f"initial: {found['initial']} (a record's {found['creation']}); "
        f"terminal: {found['terminal']}",
    ]
    for semantics, v in found["semantics"].items():
        out += [
            f"{semantics}: {v['transitions']} transitions ({v['forbidden_transitions']} forbidden)",
            f"  reachable from {found['initial']}: {', '.join(v['reachable'])}",
            f"  can reach {found['terminal']}: {', '.join(v['can_reach_terminal'])}",
            f"  events accepted nowhere: {', '.join(v['accepted_nowhere']) or 'none'}",
        ]
    families = ", ".join(f"{family} {len(ids)}" for family, ids in found["rules"].items())
    total = sum(len(ids) for ids in found["rules"].values())
    out.append(f"rules ({total} in the catalogue): {families}")
    out.append(f"carried by the spec's transitions and states: {', '.join(found['carried'])}")
    return "\n".join(out) + "\n"
