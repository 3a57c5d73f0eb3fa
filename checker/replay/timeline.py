"""Timelines: every line that touched an agent, its spec state and fields around each.

An agent is chosen by id (one record) or by name (every record that ever had it); lines
keyed by name (``AgentSessionNotFound``) count for the name even when they reach another
record. Each step holds the record's state before and after and the fields that changed,
with the findings about the agent at that line. :class:`TimelineRecorder` feeds a
:class:`~.engine.Replay` and watches it do so: no second replay is needed.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field, fields
from operator import attrgetter
from typing import Any, NamedTuple

from lifecheck.checker.reading import events as ev
from lifecheck.checker.reading.agents import AgentRecord
from lifecheck.checker.replay.engine import Replay
from lifecheck.checker.rules.findings import Finding

#: What the timeline shows of a record: its fields' values, and whether it is in the
#: running set (named by ``_NAMES``); empty when there is no record.
Fields = tuple[Any, ...]
_RECORD_FIELDS = tuple(f.name for f in fields(AgentRecord))
_NAMES = (*_RECORD_FIELDS, "running")
_NAME = _NAMES.index("name")
_values = attrgetter(*_RECORD_FIELDS)  # flat values: cheaper than asdict's deep copies


class Step(NamedTuple):
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
    """The agent's steps in log order, then the findings about it at the end of the replay.

    ``agent`` is as chosen (an id or a name); ``name`` is the name its records have (the
    first record's, for an id), if any."""

    agent: str
    name: str | None = None
    records: list[str] = field(default_factory=list)
    snapshot: list[tuple[str, str]] = field(default_factory=list)  # (id, state) at the start
    steps: list[Step] = field(default_factory=list)
    final: list[Finding] = field(default_factory=list)


class TimelineRecorder:
    """Feeds events to ``replay`` and keeps the timeline of each of ``agents`` (ids or
    names), or with ``agents`` ``None`` of every record by id."""

    def __init__(self, replay: Replay, agents: Sequence[str] | None = None) -> None:
        self._replay = replay
        self._found: list[Finding] = []  # by the event being replayed
        replay.tap(self._found.append)
        self._every = agents is None
        self._timelines = {agent: Timeline(agent) for agent in agents or ()}
        self._known: dict[str, set[str]] = {}  # by timeline: its records, to look up
        for record in replay.index.by_id.values():  # a store's snapshot: where agents start
            chosen = [self._timeline(record.id)] if self._every else [
                t for t in self._timelines.values() if t.agent in (record.id, record.name)
            ]  # fmt: skip
            for timeline in chosen:
                self._known.setdefault(timeline.agent, set()).add(record.id)
                timeline.records.append(record.id)
                timeline.name = timeline.name or record.name
                timeline.snapshot.append((record.id, replay.state(record)))

    def _timeline(self, agent: str) -> Timeline:
        timeline = self._timelines.get(agent)
        if timeline is None:
            timeline = self._timelines[agent] = Timeline(agent)
        return timeline

    def run(self, events: Iterable[tuple[int, ev.Event]]) -> None:
        """Replay ``events``, keeping the steps about the chosen agents."""
        for line, event in events:
            self.feed(line, event)

    def feed(self, line: int, event: ev.Event) -> None:
        """Replay one event, keeping the steps about the chosen agents."""
        replay = self._replay
        touched = _touched(replay, event)
        if self._every:
            before = {agent_id: _looked(replay, agent_id) for agent_id in touched}
            mine = None
        else:
            mine = {agent: [i for i in touched if _chosen(replay, agent, i, event)]
                    for agent in self._timelines}  # fmt: skip
            seen = dict.fromkeys(i for ids in mine.values() for i in ids)
            before = {agent_id: _looked(replay, agent_id) for agent_id in seen}
        replay.feed(line, event)
        new, self._found[:] = list(self._found), []
        kind = type(event).__name__
        if mine is not None:
            for agent, ids in mine.items():
                self._step(self._timeline(agent), line, event, kind, ids, before, new)
            return
        for agent_id, looked in before.items():  # each record its own timeline
            about = tuple(f for f in new if _about(f, agent_id, (agent_id,))) if new else ()
            self._record_step(self._timeline(agent_id), line, kind, agent_id, looked, about)
        for named in dict.fromkeys(f.agent_id for f in new if f.agent_id not in before):
            if named:  # a record a finding names at this line, untouched
                self._step(self._timeline(named), line, event, kind, [], before, new)

    def _step(
        self,
        timeline: Timeline,
        line: int,
        event: ev.Event,
        kind: str,
        mine: list[str],
        before: dict[str, tuple[str | None, Fields]],
        new: list[Finding],
    ) -> None:
        """Add the steps ``event`` (of type ``kind``) at ``line`` made for the timeline's
        agent, if any: one per record of it the event touched (``mine``)."""
        agent = timeline.agent
        about = tuple(f for f in new if _about(f, agent, mine)) if new else ()
        if not mine:
            named = getattr(event, "name", None) == agent  # keyed by the name, wherever it lands
            if named:
                timeline.name = agent
            if named or about:
                timeline.steps.append(Step(line, kind, None, None, None, (), about))
            return
        for number, agent_id in enumerate(mine):
            looked = before[agent_id]
            self._record_step(timeline, line, kind, agent_id, looked, about if number == 0 else ())

    def _record_step(
        self,
        timeline: Timeline,
        line: int,
        kind: str,
        agent_id: str,
        before: tuple[str | None, Fields],
        findings: tuple[Finding, ...],
    ) -> None:
        """Add the step of a record the event touched, from its state and fields ``before``."""
        state, old = before
        after, now = _looked(self._replay, agent_id)
        changes = () if not old or not now or old == now else tuple(
            (key, was, value) for key, was, value in zip(_NAMES, old, now, strict=True)
            if was != value
        )  # fmt: skip
        known = self._known.setdefault(timeline.agent, set())
        if agent_id not in known:
            known.add(agent_id)
            timeline.records.append(agent_id)
        if timeline.name is None and (now or old):
            timeline.name = (now or old)[_NAME]
        timeline.steps.append(Step(line, kind, agent_id, state, after, changes, findings))

    def finish(
        self, findings: Iterable[Finding], agents: Collection[str] | None = None
    ) -> dict[str, Timeline]:
        """The timelines by agent (of ``agents`` only, if given), with the end-of-replay
        findings about each (and a parse error that stopped the replay) from ``findings``,
        the replay's final ones."""
        timelines = self._timelines
        chosen = list(timelines.values()) if agents is None else [timelines[a] for a in agents]
        mine = [self._known.get(timeline.agent, set()) for timeline in chosen]
        # By value: past a few thousand, findings come back from disk as copies.
        reported = [{f for step in t.steps for f in step.findings} for t in chosen]
        for finding in findings:  # once: read back from disk, they are not cheap
            for timeline, records, seen in zip(chosen, mine, reported, strict=True):
                if (
                    finding.rule == "parse-error" or _about(finding, timeline.agent, records)
                ) and finding not in seen:
                    timeline.final.append(finding)
        return timelines if agents is None else {t.agent: t for t in chosen}


def _chosen(replay: Replay, agent: str, agent_id: str, event: ev.Event) -> bool:
    record = replay.index.by_id.get(agent_id)
    name = event.name if isinstance(event, ev.AgentCreated) else getattr(record, "name", None)
    return agent in (agent_id, name)


def _touched(replay: Replay, event: ev.Event) -> list[str]:
    """The records an event acts on or names (looked up before it is applied)."""
    index, kind = replay.index, type(event)
    if isinstance(event, ev.AgentSessionNotFound):
        target = index.by_name.get(event.name)
        return [i for i in dict.fromkeys([target, *replay.running_named(event.name)]) if i]
    if isinstance(event, ev.ChannelRenamed):
        return list(index.by_channel.get(event.old_name, {}))
    if kind in ev.AGENT_REFERENCES:
        return [getattr(event, ev.AGENT_REFERENCES[kind])]
    if kind is ev.AgentCreated or kind in ev.ID_KEYED:
        return [event.id]  # type: ignore[attr-defined]
    return []


def _looked(replay: Replay, agent_id: str) -> tuple[str | None, Fields]:
    """The record's spec state and fields (none when there is no such record)."""
    record = replay.index.by_id.get(agent_id)
    if record is None:
        return None, ()
    return replay.state(record), (*_values(record), agent_id in replay.index.running)


def _about(finding: Finding, agent: str, records: Collection[str]) -> bool:
    return (
        finding.agent_id in records
        or agent in (finding.agent_id, finding.agent_name)
        or any(related in records for related in finding.related)
    )
