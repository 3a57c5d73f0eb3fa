"""One agent's timeline as text: a line per step, findings indented under it."""

from __future__ import annotations

import textwrap
from typing import Any

from lifecheck.checker.replay.timeline import Timeline
from lifecheck.checker.rules.findings import Finding, short_id


def render_timeline(timeline: Timeline) -> str:
    """The timeline as text: a line per step, findings indented under it."""
    if not (timeline.steps or timeline.snapshot or timeline.final):
        return f"{timeline.agent}: no line of the log touches this agent\n"
    out = [_header(timeline)]
    out += [f"snapshot: {short_id(agent_id)} is {state}" for agent_id, state in timeline.snapshot]
    width = len(str(max((step.line for step in timeline.steps), default=0)))
    for step in timeline.steps:
        who = f" [{short_id(step.agent_id)}]" if step.agent_id and len(timeline.records) > 1 else ""
        move = f"{step.before or '-'} -> {step.after or '-'}"
        out.append(f"{step.line:>{width}}  {step.event}{who}: {move}")
        for name, old, new in step.changes:
            if step.before is None:
                continue  # a new record: its fields are the event's
            out.append(f"{'':>{width}}      {name}: {_short(old)} -> {_short(new)}")
        for finding in step.findings:
            out += _wrapped(finding, f"{'':>{width}}    ! ", f"{'':>{width}}      ")
    for finding in timeline.final:
        where = f"line {finding.line}" if finding.rule == "parse-error" else "end of replay"
        out += _wrapped(finding, f"{where}: ", "  ")
    return "\n".join(out) + "\n"


#: Columns a finding's lines fill at most (ids and names are never broken).
WIDTH = 98
#: Records the header names; the steps name them all.
_SHOWN = 5


def _header(timeline: Timeline) -> str:
    """Whose timeline it is (its name, and its id or its records) and how long it is."""
    name, records, lines = timeline.name, timeline.records, len(timeline.steps)
    if len(records) > 1:
        more = f", and {len(records) - _SHOWN} more" if len(records) > _SHOWN else ""
        shown = ", ".join(map(short_id, records[:_SHOWN]))
        who = f"{name or timeline.agent} ({len(records)} records: {shown}{more})"
    elif records:
        who = f"{name} (id {records[0]})" if name else f"id {records[0]}"
    else:
        who = name or timeline.agent
    touch = {0: "no line touches", 1: "1 line touches"}.get(lines, f"{lines} lines touch")
    return f"{who}: {touch} {'them' if len(records) > 1 else 'it'}"


def _wrapped(finding: Finding, first: str, then: str) -> list[str]:
    """The finding's rule, severity and message, in lines of at most :data:`WIDTH`."""
    text = f"{finding.rule} ({finding.severity}): {finding.message}"
    return textwrap.wrap(text, WIDTH, initial_indent=first, subsequent_indent=then,
                         break_long_words=False, break_on_hyphens=False)  # fmt: skip


def _short(value: Any) -> str:
    if isinstance(value, str) and len(value) == 36 and value.count("-") == 4:
        return short_id(value)
    return (
        "null" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
    )
