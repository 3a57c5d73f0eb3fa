"""Finding what to replay: a single log file, or a Midtown event-store directory.

A store holds ``snapshot-NNNN.json`` and ``log-NNNN.jsonl`` files. As the daemon does, take
the snapshot with the greatest sequence S (numerically, unlike the daemon: see the note),
its ``agents`` index as the initial state, and replay only ``log-{S:04}.jsonl`` (docs/rules.md §2).
"""

from __future__ import annotations

import errno
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

import msgspec

from lifecheck.checker.reading.agents import AgentIndex, AgentRecord
from lifecheck.checker.reading.events import U32, AgentCreated, UtcDateTime

_SNAPSHOT = re.compile(r"snapshot-(\d{4,})\.json")
_LOG = re.compile(r"log-(\d{4,})\.jsonl")


class InputError(Exception):
    """An input that cannot be read at all; the message is one line naming the path."""


@dataclass(frozen=True, slots=True)
class Source:
    """What to replay for one input path."""

    path: str
    log: str | None
    snapshot: str | None = None
    notes: tuple[str, ...] = field(default=())


def locate(path: str) -> Source:
    """Resolve an input path to a log file or a store's snapshot and log."""
    if stat.S_ISDIR(_stat(path)):
        return _store(path)
    _require_file(path)
    return Source(path=path, log=path)


def _require_file(path: str) -> None:
    """A FIFO, socket or device would block or never end: only regular files are read."""
    mode = _stat(path)
    if not stat.S_ISREG(mode):
        kind = "a character device" if stat.S_ISCHR(mode) else "a special file"
        if stat.S_ISDIR(mode):
            kind = "a directory"
        raise InputError(f"{path}: not a log file or a store directory ({kind})")


def _stat(path: str) -> int:
    try:
        return os.stat(path).st_mode
    except OSError as error:
        raise InputError(f"{path}: {reason(error)}") from None


def reason(error: OSError) -> str:
    """``OSError`` in the words of one line: ``no such file or directory``."""
    if error.errno == errno.ELOOP:
        return "symbolic link loop"
    return (error.strerror or str(error)).lower()


def _store(directory: str) -> Source:
    try:
        names = sorted(entry.name for entry in os.scandir(directory))
    except OSError as error:
        raise InputError(f"{directory}: {reason(error)}") from None
    snapshots = {int(m[1]): name for name in names if (m := _SNAPSHOT.fullmatch(name))}
    logs = {int(m[1]): name for name in names if (m := _LOG.fullmatch(name))}
    if not snapshots and not logs:
        events = os.path.join(directory, "events")
        if os.path.isdir(events):
            return _store(events)
        raise InputError(f"{directory}: no Midtown event log (log-NNNN.jsonl) or snapshot here")
    notes = []
    sequence = max(snapshots, default=0)
    if snapshots and max(snapshots.values()) != snapshots[sequence]:
        notes.append(
            f"the daemon loads {max(snapshots.values())} (the lexicographically last snapshot), "
            f"not {snapshots[sequence]}; lifecheck replays from the latter"
        )
    log_name = f"log-{sequence:04d}.jsonl"
    if sequence not in logs and not snapshots:
        raise InputError(
            f"{directory}: no {log_name} to replay (found {', '.join(logs.values())}, which the "
            "daemon does not replay without their snapshots)"
        )
    ignored = [name for seq, name in sorted(logs.items()) if seq != sequence]
    if ignored:
        notes.append(f"not replayed, as the daemon does not replay them: {', '.join(ignored)}")
    source = Source(
        path=directory,
        log=os.path.join(directory, log_name) if sequence in logs else None,
        snapshot=os.path.join(directory, snapshots[sequence]) if snapshots else None,
        notes=tuple(notes),
    )
    for file in (source.log, source.snapshot):
        if file is not None:
            _require_file(file)
    return source


# --- snapshots ----------------------------------------------------------------------------


class _SnapshotAgent(AgentCreated, frozen=True):
    """The daemon's ``Agent`` record: its creation fields and its lifecycle fields."""

    session_id: str | None = None
    pid: U32 | None = None
    started_at: UtcDateTime | None = None
    stopped_at: UtcDateTime | None = None
    gc: bool = False


class _SnapshotIndex(msgspec.Struct):
    by_id: dict[str, _SnapshotAgent] = {}
    by_name: dict[str, str] = {}
    by_task: dict[str, str] = {}
    by_channel: dict[str, list[str]] = {}
    by_thread: dict[str, str] = {}
    running: list[str] = []


class _Snapshot(msgspec.Struct):
    agents: _SnapshotIndex


def read_snapshot(path: str) -> AgentIndex:
    """The agent index a ``snapshot-NNNN.json`` holds, or :class:`InputError`."""
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise InputError(f"{path}: {reason(error)}") from None
    try:
        snapshot = msgspec.json.decode(data, type=_Snapshot)
    except msgspec.DecodeError as error:
        raise InputError(
            f"{path}:{_line_of(data, str(error))}: corrupt snapshot: {error}"
        ) from None
    except msgspec.ValidationError as error:
        raise InputError(f"{path}: corrupt snapshot: {error}") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: corrupt snapshot: invalid UTF-8") from None
    agents = snapshot.agents
    return AgentIndex(
        by_id={
            agent_id: AgentRecord(
                id=a.id, name=a.name, kind=a.kind, agent_type=a.agent_type,
                provider=a.provider, channel=a.channel, task_id=a.task_id,
                bound_thread_id=a.bound_thread_id, session_id=a.session_id, pid=a.pid,
                stopped_at=a.stopped_at is not None, gc=a.gc,
            )
            for agent_id, a in agents.by_id.items()
        },
        by_name=agents.by_name,
        by_task=agents.by_task,
        by_channel=agents.by_channel,
        by_thread=agents.by_thread,
        running=set(agents.running),
    )  # fmt: skip


def _line_of(data: bytes, message: str) -> int:
    match = re.search(r"\(byte (\d+)\)", message)
    offset = int(match[1]) if match else len(data)
    return data.count(b"\n", 0, offset) + 1
