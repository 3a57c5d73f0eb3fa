"""A snapshot as the daemon's recovery reads it: its ``Projections``, or why it cannot.

The daemon reads ``snapshot-S.json`` whole with ``fs::read_to_string`` (so it must be
UTF-8) and deserializes it as its ``Projections`` with serde_json. Either failing makes
its recovery fail, and the daemon does not start: ``recovery-fails`` (docs/rules.md §2).
A snapshot that deserializes is used as it is, even when its agent index contradicts
itself: the daemon keys every record by its ``by_id`` key, and so does the index read
here; each contradiction is one ``snapshot-inconsistent``. No I/O here: :mod:`.store`
reads the file.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

import msgspec

from lifecheck.checker.reading.agents import AgentIndex, AgentRecord, multiset
from lifecheck.checker.reading.echo import capped
from lifecheck.checker.reading.events import U32, AgentKind, Provider, UtcDateTime
from lifecheck.checker.reading.json_paths import locate

# The daemon's types, after midtown.md §1.3 and §2.4, with serde's derive rules: a missing
# `Option` field is null, unknown keys are ignored, every other field is required.


class _Agent(msgspec.Struct, frozen=True, gc=False):
    """The daemon's ``Agent`` record (``projections/agents.rs``)."""

    id: str
    name: str
    kind: AgentKind
    agent_type: str
    provider: Provider
    channel: str | None = None
    task_id: str | None = None
    bound_thread_id: str | None = None
    session_id: str | None = None
    pid: U32 | None = None
    started_at: UtcDateTime | None = None
    stopped_at: UtcDateTime | None = None
    icon: str | None = None
    color: str | None = None
    reported_state: str | None = None
    state_reported_at: UtcDateTime | None = None
    gc: bool = False


class _AgentIndex(msgspec.Struct, frozen=True, gc=False):
    """``AgentIndex``: none of its maps has a serde default, so all six must be there."""

    by_id: dict[str, _Agent]
    by_name: dict[str, str]
    by_task: dict[str, str]
    by_channel: dict[str, list[str]]
    by_thread: dict[str, str]
    running: list[str]  # a HashSet, written as an array


class _Projections(msgspec.Struct, frozen=True, gc=False):
    """``Projections``: the agent index, and parts that must only be well-formed JSON
    objects (``WorkIndex``, ``ChannelIndex``). ``reminders`` has a serde default; it was a
    list in the version read (8347f861), so a list is accepted as well as an object."""

    agents: _AgentIndex
    work: dict[str, msgspec.Raw]
    channels: dict[str, msgspec.Raw]
    reminders: dict[str, msgspec.Raw] | list[msgspec.Raw] = {}


@dataclass(frozen=True, slots=True)
class Unusable:
    """Why the daemon cannot deserialize a snapshot ("not valid JSON (...)"), and the line
    of the error, when known."""

    line: int | None
    reason: str


@dataclass(frozen=True, slots=True)
class Contradiction:
    """One place where the snapshot's index contradicts itself, and the record it is about
    (by its ``by_id`` key), when there is one."""

    agent_id: str | None
    agent_name: str | None
    message: str


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What the daemon gets from a snapshot: the initial agent index (empty when
    ``unusable``: the daemon does not start), and the index's contradictions."""

    index: AgentIndex
    unusable: Unusable | None = None
    contradictions: tuple[Contradiction, ...] = ()


def parse_snapshot(data: bytes) -> Snapshot:
    """The snapshot whose bytes are ``data``, as the daemon's recovery reads it."""
    try:
        data.decode()
    except UnicodeDecodeError as error:
        return _unusable(_line_at(data, error.start),
                         f"not valid UTF-8 (byte 0x{data[error.start]:02x})")  # fmt: skip
    try:
        projections = msgspec.json.decode(data, type=_Projections)
    except msgspec.ValidationError as error:  # msgspec gives the JSON path, not the byte
        return _not_projections(data, str(error))
    except msgspec.DecodeError as error:
        # "JSON is malformed: invalid character (byte 18)": the finding's line says where.
        what = re.sub(r"^JSON is malformed: | \(byte \d+\)$", "", str(error))
        what = what[:1].lower() + what[1:]
        return _unusable(_line_of(data, str(error)), f"not valid JSON ({what})")
    except RecursionError:
        return _unusable(None, "nested too deeply to read")
    agents = projections.agents
    index = AgentIndex(
        by_id={key: _record(key, agent) for key, agent in agents.by_id.items()},
        by_name=dict(agents.by_name),
        by_task=dict(agents.by_task),
        by_channel={channel: multiset(ids) for channel, ids in agents.by_channel.items()},
        by_thread=dict(agents.by_thread),
        running=set(agents.running),
    )
    return Snapshot(index, contradictions=tuple(_contradictions(agents)))


def _record(key: str, a: _Agent) -> AgentRecord:
    """The record the daemon keys by ``key``, whatever id it holds."""
    return AgentRecord(
        id=key, name=a.name, kind=a.kind, agent_type=a.agent_type, provider=a.provider,
        channel=a.channel, task_id=a.task_id, bound_thread_id=a.bound_thread_id,
        session_id=a.session_id, pid=a.pid, stopped_at=a.stopped_at is not None, gc=a.gc,
    )  # fmt: skip


def _contradictions(agents: _AgentIndex) -> Iterator[Contradiction]:
    """Each contradiction of the index once: a ``by_id`` key that is not its record's id,
    then the entries of ``running`` and the routing maps that name no record."""
    by_id = agents.by_id
    for key, agent in by_id.items():
        if agent.id != key:
            shown, own = capped(key), capped(agent.id)
            message = (f"by_id key {shown} holds a record whose id is {own}: the daemon "
                       f"keys it by {shown}, and nothing reaches it by {own}")  # fmt: skip
            yield Contradiction(key, agent.name, message)
    missing = "which by_id does not hold"
    for agent_id in dict.fromkeys(agents.running):
        if agent_id not in by_id:
            yield Contradiction(None, None, f"running lists {capped(agent_id)}, {missing}")
    for label, routes in (("by_name", agents.by_name), ("by_task", agents.by_task),
                          ("by_thread", agents.by_thread)):  # fmt: skip
        for key, agent_id in routes.items():
            if agent_id not in by_id:
                message = f"{label}[{capped(key)}] is {capped(agent_id)}, {missing}"
                yield Contradiction(None, None, message)
    for channel, ids in agents.by_channel.items():
        for agent_id in dict.fromkeys(ids):
            if agent_id not in by_id:
                message = f"by_channel[{capped(channel)}] lists {capped(agent_id)}, {missing}"
                yield Contradiction(None, None, message)


def _not_projections(data: bytes, error: str) -> Snapshot:
    """The snapshot is JSON but not ``Projections``: at the line of the value msgspec
    rejects (of the end of an object missing a field), which the path names by its keys."""
    what, _, path = error.partition(" - at `")
    path = path.removesuffix("`") or "$"  # msgspec names no path for the document itself
    missing = what.startswith("Object missing required field")
    text = data.decode()
    found = locate(text, path, _Projections, at_end=missing)
    if found is None:
        return _unusable(None, f"not the daemon's Projections ({capped(what)} - at `{path}`)")
    shown, offset = found
    line = _line_at(data, 0, line=text.count("\n", 0, offset) + 1)
    return _unusable(line, f"not the daemon's Projections ({capped(what)} - at `{shown}`)")


def _unusable(line: int | None, reason: str) -> Snapshot:
    return Snapshot(AgentIndex(), unusable=Unusable(line, reason))


def _line_of(data: bytes, message: str) -> int | None:
    """The line of a JSON syntax error. msgspec names a byte, but for some errors the one
    after the culprit (``nul`` then a newline), so the line is taken from the standard
    library's parser, which names the culprit as serde_json does, when it fails too."""
    try:
        json.loads(data.decode(), parse_constant=_not_json)
    except json.JSONDecodeError as error:
        return _line_at(data, len(data), line=error.lineno)
    except (ValueError, RecursionError):  # NaN or Infinity, or deeper than it goes
        pass
    match = re.search(r"\(byte (\d+)\)", message)
    return _line_at(data, int(match[1]) if match else len(data))


def _not_json(constant: str) -> None:
    raise ValueError(f"{constant} is not JSON")


def _line_at(data: bytes, offset: int, *, line: int | None = None) -> int | None:
    """The 1-based line holding byte ``offset`` (or ``line``), never past the file's last
    line (a final newline ends that line, it starts none); ``None`` for an empty file."""
    if not data:
        return None
    last = data.count(b"\n", 0, len(data) - 1) + 1
    return min(line or data.count(b"\n", 0, offset) + 1, last)
