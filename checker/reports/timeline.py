"""One agent's timeline: every line that touched it, its spec state and fields around each.

An agent is chosen by id (one record) or by name (every record that ever had it); lines
keyed by name (``AgentSessionNotFound``) count for the name even when they reach another
record. Each step shows the record's state before and after and the fields that changed,
with the findings about the agent at that line.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from lifecheck.checker.check import new_replay
from lifecheck.checker.reading import events as ev
from lifecheck.checker.reading.reader import LogReader
from lifecheck.checker.reading.store import Source
from lifecheck.checker.replay.engine import Replay
from lifecheck.checker.replay.projection import AgentRecord
from lifecheck.checker.rules.findings import Finding, short_id

#: What the timeline shows of a record: its fields, and whether it is in the running set.
Fields = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Step:
    """One line that touched the agent."""

    line: int
    event: str
    agent_id: str | None
    before: str | None
    after: str | None
    changes: tuple[tuple[str, Any, Any], ...]
    findings: tuple[Finding, ...]


@dataclass(slots=True)
class Timeline:
    """The agent's steps in log order, then the findings about it at the end of the replay."""

    agent: str
    records: list[str] = field(default_factory=list)
    snapshot: list[tuple[str, str]] = field(default_factory=list)  # (id, state) at the start
    steps: list[Step] = field(default_factory=list)
    final: list[Finding] = field(default_factory=list)


def explain(
    replay: Replay, events: Iterable[tuple[int, ev.Event]], agents: Sequence[str]
) -> list[Timeline]:
    """Replay ``events`` (on ``replay``'s initial state) once, and keep the steps about each
    of ``agents``: one timeline per agent, in order."""
    timelines = [Timeline(agent) for agent in agents]
    by_id = replay.index.by_id
    for record in by_id.values():  # a store's snapshot: where the agents start
        for timeline in timelines:
            if timeline.agent in (record.id, record.name):
                timeline.records.append(record.id)
                timeline.snapshot.append((record.id, replay.state(record)))

    def chosen(agent: str, agent_id: str, event: ev.Event) -> bool:
        record = by_id.get(agent_id)
        name = event.name if isinstance(event, ev.AgentCreated) else getattr(record, "name", None)
        return agent in (agent_id, name)

    for line, event in events:
        touched = _touched(replay, event)
        mine = {t.agent: [i for i in touched if chosen(t.agent, i, event)] for t in timelines}
        before = {
            agent_id: (_state(replay, agent_id), _fields(replay, agent_id))
            for agent_id in dict.fromkeys(i for ids in mine.values() for i in ids)
        }
        reported = len(replay.findings)
        replay.run([(line, event)])
        for timeline in timelines:
            _step(replay, timeline, line, event, mine[timeline.agent], before, reported)
    return timelines


def _step(
    replay: Replay,
    timeline: Timeline,
    line: int,
    event: ev.Event,
    mine: list[str],
    before: dict[str, tuple[str | None, Fields]],
    reported: int,
) -> None:
    """Add the steps ``event`` at ``line`` made for the timeline's agent, if any."""
    agent = timeline.agent
    named = getattr(event, "name", None) == agent  # keyed by the name, wherever it lands
    new = tuple(f for f in replay.findings[reported:] if _about(f, agent, mine))
    for number, agent_id in enumerate(mine or ([None] if named or new else [])):
        state, old = before.get(agent_id, (None, {})) if agent_id else (None, {})
        fields = _fields(replay, agent_id) if agent_id else {}
        changes = tuple((key, old[key], value) for key, value in fields.items()
                        if key in old and old[key] != value)  # fmt: skip
        if agent_id is not None and agent_id not in timeline.records:
            timeline.records.append(agent_id)
        timeline.steps.append(Step(
            line=line, event=type(event).__name__, agent_id=agent_id, before=state,
            after=_state(replay, agent_id), changes=changes,
            findings=new if number == 0 else (),
        ))  # fmt: skip


def timeline_of(source: Source, agent: str, semantics: str) -> Timeline:
    """The whole timeline of ``agent`` in a located input, end-of-replay findings included."""
    return timelines_of(source, [agent], semantics)[0]


def timelines_of(source: Source, agents: Sequence[str], semantics: str) -> list[Timeline]:
    """The timelines of several agents, from one replay of a located input."""
    replay = new_replay(source, semantics)
    with open(source.log or os.devnull, "rb") as log:
        reader = LogReader(log)
        timelines = explain(replay, reader, agents)
    if reader.malformed is not None:
        replay.stopped_at_bad_line(reader.malformed)
    findings = replay.finish()
    for timeline in timelines:
        _finish(findings, timeline)
    return timelines


def _finish(findings: list[Finding], timeline: Timeline) -> None:
    """Add the end-of-replay findings about the agent, and a parse error that stopped it."""
    mine = list(timeline.records)
    reported = {id(f) for step in timeline.steps for f in step.findings}
    for finding in findings:
        if id(finding) in reported:
            continue
        if finding.rule == "parse-error" or _about(finding, timeline.agent, mine):
            timeline.final.append(finding)


def _touched(replay: Replay, event: ev.Event) -> list[str]:
    """The records an event acts on or names (looked up before it is applied)."""
    index, kind = replay.index, type(event)
    if isinstance(event, ev.AgentSessionNotFound):
        target = index.by_name.get(event.name)
        return [i for i in dict.fromkeys([target, *replay.running_named(event.name)]) if i]
    if isinstance(event, ev.ChannelRenamed):
        return list(index.by_channel.get(event.old_name, []))
    if kind in ev.AGENT_REFERENCES:
        return [getattr(event, ev.AGENT_REFERENCES[kind])]
    if kind is ev.AgentCreated or kind in ev.ID_KEYED:
        return [event.id]  # type: ignore[attr-defined]
    return []


def _fields(replay: Replay, agent_id: str | None) -> Fields:
    record: AgentRecord | None = replay.index.by_id.get(agent_id) if agent_id else None
    if record is None:
        return {}
    return asdict(record) | {"running": agent_id in replay.index.running}


def _state(replay: Replay, agent_id: str | None) -> str | None:
    record = replay.index.by_id.get(agent_id) if agent_id else None
    return None if record is None else replay.state(record)


def _about(finding: Finding, agent: str, records: list[str]) -> bool:
    return (
        finding.agent_id in records
        or agent in (finding.agent_id, finding.agent_name)
        or any(related in records for related in finding.related)
    )


def render(timeline: Timeline) -> str:
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
