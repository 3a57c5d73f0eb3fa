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
from typing import Any, TypeVar

import msgspec
from msgspec import UNSET, UnsetType
from msgspec.structs import astuple

from lifecheck.checker.reading.agents import AgentIndex, AgentRecord, multiset
from lifecheck.checker.reading.echo import capped
from lifecheck.checker.reading.events import U32, AgentKind, Provider, UtcDateTime
from lifecheck.checker.reading.json_paths import locate
from lifecheck.checker.reading.repeated import Shape, keys_in, may_repeat, repeated_field

_T = TypeVar("_T")

# The daemon's types, after midtown.md §1.3 and §2.4, with serde's derive rules: a missing
# `Option` field is null, unknown keys are ignored, every other field is required.


class _Agent(msgspec.Struct, frozen=True, gc=False):
    """The daemon's ``Agent`` record (``projections/agents.rs``). An optional field left
    out is ``UNSET`` (null for the daemon), so that the keys read can be counted."""

    id: str
    name: str
    kind: AgentKind
    agent_type: str
    provider: Provider
    channel: str | UnsetType | None = UNSET
    task_id: str | UnsetType | None = UNSET
    bound_thread_id: str | UnsetType | None = UNSET
    session_id: str | UnsetType | None = UNSET
    pid: U32 | UnsetType | None = UNSET
    started_at: UtcDateTime | UnsetType | None = UNSET
    stopped_at: UtcDateTime | UnsetType | None = UNSET
    icon: str | UnsetType | None = UNSET
    color: str | UnsetType | None = UNSET
    reported_state: str | UnsetType | None = UNSET
    state_reported_at: UtcDateTime | UnsetType | None = UNSET
    gc: bool | UnsetType = UNSET


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
    reminders: dict[str, msgspec.Raw] | list[msgspec.Raw] | UnsetType = UNSET


#: Which fields are structs, for :func:`repeated_field`.
_SHAPE: Shape = {
    **dict.fromkeys(_Projections.__struct_fields__),
    "agents": ("struct", {
        **dict.fromkeys(_AgentIndex.__struct_fields__),
        "by_id": ("values", dict.fromkeys(_Agent.__struct_fields__)),
    }),
}  # fmt: skip


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
        text = data.decode()
        return _refused(data, text, _first(_mismatch(text, str(error)), _repeated(text)))
    except msgspec.DecodeError as error:
        # "JSON is malformed: invalid character (byte 18)": the finding's line says where.
        what = re.sub(r"^JSON is malformed: | \(byte \d+\)$", "", str(error))
        what = what[:1].lower() + what[1:]
        return _unusable(_line_of(data, str(error)), f"not valid JSON ({what})")
    except RecursionError:
        return _unusable(None, "nested too deeply to read")
    if may_repeat(data, _keys_read(projections)):
        text = data.decode()
        if (repeated := _repeated(text)) is not None:
            return _refused(data, text, repeated)
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


def _keys_read(projections: _Projections) -> int:
    """How many keys decoding ``projections`` read: its structs' fields and its maps' keys,
    and the keys of the parts it keeps undecoded."""
    agents, reminders = projections.agents, projections.reminders
    records = agents.by_id.values()
    fields = len(_Projections.__struct_fields__) + len(_AgentIndex.__struct_fields__)
    fields += len(_Agent.__struct_fields__) * len(records)
    fields -= sum(astuple(struct).count(UNSET) for struct in (projections, *records))
    maps: list[dict[str, Any]] = [agents.by_id, agents.by_name, agents.by_task,
                                  agents.by_channel, agents.by_thread, projections.work,
                                  projections.channels]  # fmt: skip
    raws = [*projections.work.values(), *projections.channels.values()]
    if isinstance(reminders, dict):
        maps.append(reminders)
        raws += reminders.values()
    elif isinstance(reminders, list):
        raws += reminders
    return fields + sum(len(entries) for entries in maps) + keys_in(raws)


def _record(key: str, a: _Agent) -> AgentRecord:
    """The record the daemon keys by ``key``, whatever id it holds."""
    return AgentRecord(
        id=key, name=a.name, kind=a.kind, agent_type=a.agent_type, provider=a.provider,
        channel=_given(a.channel), task_id=_given(a.task_id),
        bound_thread_id=_given(a.bound_thread_id), session_id=_given(a.session_id),
        pid=_given(a.pid), stopped_at=_given(a.stopped_at) is not None, gc=a.gc is True,
    )  # fmt: skip


def _given(value: _T | UnsetType) -> _T | None:
    """A field's value; ``None`` (as serde reads it) when it is not written."""
    return None if isinstance(value, UnsetType) else value


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


#: Why serde refuses a snapshot that is JSON: what is wrong, the path of the value (with
#: its keys), and that value's offset in the text, when known.
_Refusal = tuple[str, str, int | None]


def _mismatch(text: str, error: str) -> _Refusal:
    """The value msgspec rejects (the end of an object missing a field), found along the
    path its ``error`` names."""
    what, _, path = error.partition(" - at `")
    path = path.removesuffix("`") or "$"  # msgspec names no path for the document itself
    missing = what.startswith("Object missing required field")
    found = locate(text, path, _Projections, at_end=missing)
    return (what, path, None) if found is None else (what, *found)


def _repeated(text: str) -> _Refusal | None:
    """The first struct field written twice, if any (and if ``text`` is JSON)."""
    try:
        found = repeated_field(text, _SHAPE)
    except (ValueError, RecursionError):  # not JSON after all: msgspec stopped before
        return None
    if found is None:
        return None
    shown, offset = found
    return f"duplicate field `{shown.rpartition('.')[2]}`", shown, offset


def _first(mismatch: _Refusal, repeated: _Refusal | None) -> _Refusal:
    """What serde meets first: msgspec keeps the last of a repeated field, serde stops at
    the repetition."""
    if repeated is None or (mismatch[2] is not None and mismatch[2] < (repeated[2] or 0)):
        return mismatch
    return repeated


def _refused(data: bytes, text: str, refusal: _Refusal) -> Snapshot:
    what, shown, offset = refusal
    line = None if offset is None else _line_at(data, 0, line=text.count("\n", 0, offset) + 1)
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
