"""Models of the daemon's agent index (``projections/agents.rs``), one per Midtown version.

Each model is a step function ``apply(index, event)``: the new index depends on nothing
but the old index and the event (no I/O, no clock, no globals). For speed it updates
``index`` in place; copy the index first to keep the old one. Timestamps are not in the
log, so ``stopped_at`` is tracked only as set or not.
"""

from __future__ import annotations

from collections.abc import Callable
from sys import intern
from typing import Any

from lifecheck.checker.reading import events as ev
from lifecheck.checker.reading.agents import AgentIndex, AgentRecord


def _created(index: AgentIndex, event: ev.AgentCreated) -> None:
    # The record is replaced whole; `running` is left as it was, even for a reused id.
    # Names, kinds, types and providers repeat across records: one string each (interned)
    # instead of one per record.
    index.by_id[event.id] = AgentRecord(
        id=event.id,
        name=intern(event.name),
        kind=intern(event.kind),
        agent_type=intern(event.agent_type),
        provider=intern(event.provider),
        channel=event.channel,
        task_id=event.task_id,
        bound_thread_id=event.bound_thread_id,
    )
    index.by_name[event.name] = event.id
    if event.task_id is not None:
        index.by_task[event.task_id] = event.id
    if event.channel is not None:
        ids = index.by_channel.setdefault(event.channel, {})
        ids[event.id] = ids.get(event.id, 0) + 1
    if event.bound_thread_id is not None:
        index.by_thread[event.bound_thread_id] = event.id


def _started(index: AgentIndex, event: ev.AgentStarted) -> None:
    if record := index.by_id.get(event.id):
        record.session_id = event.session_id
        record.pid = event.pid
        record.stopped_at = False
        index.running.add(event.id)


def _stopped(index: AgentIndex, event: ev.AgentStopped) -> None:
    if record := index.by_id.get(event.id):
        record.pid = None
        record.stopped_at = True
        index.running.discard(event.id)


def _resumed(index: AgentIndex, event: ev.AgentResumed) -> None:
    if record := index.by_id.get(event.id):
        record.pid = event.pid
        record.stopped_at = False
        index.running.add(event.id)


def _collected(index: AgentIndex, event: ev.AgentGarbageCollected) -> None:
    record = index.by_id.get(event.id)
    if record is None:
        return
    record.gc = True
    index.running.discard(event.id)
    # The daemon removes these entries without checking that they still point here.
    index.by_name.pop(record.name, None)
    if record.task_id is not None:
        index.by_task.pop(record.task_id, None)
    if record.bound_thread_id is not None:
        index.by_thread.pop(record.bound_thread_id, None)
    if record.channel is not None and (ids := index.by_channel.get(record.channel)) is not None:
        ids.pop(event.id, None)
        if not ids:
            del index.by_channel[record.channel]


def _channel_renamed(index: AgentIndex, event: ev.ChannelRenamed) -> None:
    ids = index.by_channel.pop(event.old_name, None)
    if ids is None:
        return
    index.by_channel[event.new_name] = ids  # overwrites an existing list (Midtown D10)
    for agent_id in ids:
        if record := index.by_id.get(agent_id):
            record.channel = event.new_name


def session_target(index: AgentIndex, name: str) -> AgentRecord | None:
    """The record ``AgentSessionNotFound{name}`` reaches: ``by_name[name]``, if any."""
    agent_id = index.by_name.get(name)
    return None if agent_id is None else index.by_id.get(agent_id)


def _session_cleared(index: AgentIndex, event: ev.AgentSessionNotFound) -> None:
    """3d1b4c5d: clear the session and leave the record running (PR #2330's bug)."""
    if record := session_target(index, event.name):
        record.session_id = None


def _session_cleared_and_unlisted(index: AgentIndex, event: ev.AgentSessionNotFound) -> None:
    """d11b83e: also take the record out of ``running``; pid and stopped_at stay."""
    if record := session_target(index, event.name):
        record.session_id = None
        index.running.discard(record.id)


def _session_lost_as_stop(index: AgentIndex, event: ev.AgentSessionNotFound) -> None:
    """proposed: act as a stop that also clears the session."""
    if record := session_target(index, event.name):
        record.session_id = None
        record.pid = None
        record.stopped_at = True
        index.running.discard(record.id)


_COMMON: dict[type[ev.Event], Callable[[AgentIndex, Any], None]] = {
    ev.AgentCreated: _created,
    ev.AgentStarted: _started,
    ev.AgentStopped: _stopped,
    ev.AgentResumed: _resumed,
    ev.AgentGarbageCollected: _collected,
    ev.ChannelRenamed: _channel_renamed,
}


class Projection:
    """One daemon version's step function: ``projection(index, event)``.

    :attr:`steps` maps each event type it acts on to its step; it ignores every other event.
    """

    def __init__(
        self, session_not_found: Callable[[AgentIndex, ev.AgentSessionNotFound], None]
    ) -> None:
        self.steps: dict[type[ev.Event], Callable[[AgentIndex, Any], None]] = {
            **_COMMON,
            ev.AgentSessionNotFound: session_not_found,
        }

    def __call__(self, index: AgentIndex, event: ev.Event) -> None:
        """Apply ``event`` to ``index`` in place."""
        handler = self.steps.get(type(event))
        if handler is not None:
            handler(index, event)


#: The projection model of each daemon version, by the name ``--semantics`` takes.
PROJECTIONS: dict[str, Projection] = {
    "d11b83e": Projection(_session_cleared_and_unlisted),
    "3d1b4c5d": Projection(_session_cleared),
    "proposed": Projection(_session_lost_as_stop),
}
