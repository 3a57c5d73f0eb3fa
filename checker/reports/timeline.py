"""One agent's timeline as text: a line per step, findings indented under it."""

from __future__ import annotations

from typing import Any

from lifecheck.checker.replay.timeline import Timeline
from lifecheck.checker.rules.findings import short_id


def render_timeline(timeline: Timeline) -> str:
    """The timeline as text: a line per step, findings indented under it."""
    if not (timeline.steps or timeline.snapshot or timeline.final):
        return f"{timeline.agent}: no line of the log touches this agent\n"
    out = [f"{timeline.agent}: {len(timeline.steps)} lines touch it"
           + (f" (records {', '.join(map(short_id, timeline.records))})"
              if len(timeline.records) > 1 else "")]  # fmt: skip
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
        out += [f"{'':>{width}}    ! {f.rule} ({f.severity}): {f.message}" for f in step.findings]
    for finding in timeline.final:
        where = f"line {finding.line}" if finding.rule == "parse-error" else "end of replay"
        out.append(f"{where}: {finding.rule} ({finding.severity}): {finding.message}")
    return "\n".join(out) + "\n"


def _short(value: Any) -> str:
    if isinstance(value, str) and len(value) == 36 and value.count("-") == 4:
        return short_id(value)
    return (
        "null" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
    )
