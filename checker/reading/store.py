"""Finding what to replay: a single log file, or a Midtown event-store directory.

A store holds ``snapshot-*.json`` and ``log-*.jsonl`` files. As the daemon's recovery does,
take the lexicographically greatest snapshot name, its sequence S (the name's number, else
0), its agent index as the initial state (:mod:`.snapshot`), and replay only
``log-{S:04}.jsonl``; a snapshot with a greater sequence is ``stale-snapshot-chosen``
(docs/rules.md §2).
"""

from __future__ import annotations

import errno
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from lifecheck.checker.reading.agents import AgentIndex
from lifecheck.checker.reading.echo import capped, listed
from lifecheck.checker.reading.snapshot import Snapshot, parse_snapshot
from lifecheck.checker.reading.stdin import STDIN

#: The prefix and suffix of the names the daemon's recovery looks at.
_SNAPSHOT, _LOG = ("snapshot-", ".json"), ("log-", ".jsonl")
_U64 = re.compile(r"\+?[0-9]+")
#: A symbolic link loop, in words and as the system says it.
_LOOP = f"symlink loop ({os.strerror(errno.ELOOP)})"


class InputError(Exception):
    """An input that cannot be read at all; the message is one line naming the path."""


@dataclass(frozen=True, slots=True)
class Source:
    """What to replay for one input path: the log (``None``: none to replay) and the
    snapshot the daemon takes, its sequence, and a snapshot with a greater sequence that
    the daemon ignores, if there is one."""

    path: str
    log: str | None
    snapshot: str | None = None
    notes: tuple[str, ...] = field(default=())
    sequence: int = 0
    newer_snapshot: str | None = None


def locate(path: str) -> Source:
    """Resolve an input path to a log file or a store's snapshot and log (standard input
    for :data:`.stdin.STDIN`)."""
    if path == STDIN:
        return Source(path=path, log=path)
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
        return _LOOP
    return (error.strerror or str(error)).lower()


def _store(directory: str, seen: frozenset[tuple[int, int]] = frozenset()) -> Source:
    """The store in ``directory``, or in its ``events`` folder (``seen``: the folders
    looked in already, which an ``events`` symlink may lead back to)."""
    try:
        names = [entry.name for entry in os.scandir(directory)]
        status = os.stat(directory)
    except OSError as error:
        raise InputError(f"{directory}: {reason(error)}") from None
    snapshots = _named(names, _SNAPSHOT)
    logs = _named(names, _LOG)
    if not snapshots and not logs:
        events = os.path.join(directory, "events")
        seen |= {(status.st_dev, status.st_ino)}
        try:
            inner = os.stat(events)
        except OSError as error:
            if error.errno == errno.ELOOP:
                raise InputError(f"{events}: {_LOOP}") from None
            inner = None
        if inner is not None and stat.S_ISDIR(inner.st_mode):
            if (inner.st_dev, inner.st_ino) in seen:
                raise InputError(f"{events}: {_LOOP}")
            return _store(events, seen)
        raise InputError(f"{directory}: no Midtown event log (log-NNNN.jsonl) or snapshot here")
    chosen = snapshots[-1] if snapshots else None  # the lexicographically greatest name
    sequence = 0 if chosen is None else sequence_of(chosen)
    newest = max(snapshots, key=lambda name: (sequence_of(name), name), default=None)
    log_name = f"log-{sequence:04d}.jsonl"
    log = os.path.join(directory, log_name)
    exists = os.path.exists(log)  # the daemon's `Path::exists`: no log, no events
    notes = []
    ignored = [name for name in logs if name != log_name]
    if ignored:
        notes.append(f"not replayed, as the daemon does not replay them: {listed(ignored)}")
    if not exists:
        notes.append(f"no {log_name}: no event to replay")
    source = Source(
        path=directory,
        log=log if exists else None,
        snapshot=None if chosen is None else os.path.join(directory, chosen),
        notes=tuple(notes),
        sequence=sequence,
        newer_snapshot=(
            os.path.join(directory, newest)
            if newest is not None and sequence_of(newest) > sequence
            else None
        ),
    )
    for file in (source.log, source.snapshot):
        if file is not None:
            _require_file(file)
    return source


def is_store(names: list[str]) -> bool:
    """Whether a directory holding files named ``names`` is a store."""
    return bool(_named(names, _SNAPSHOT) or _named(names, _LOG))


def _named(names: list[str], kind: tuple[str, str]) -> list[str]:
    """The names with ``kind``'s prefix and suffix, sorted as the daemon sorts them (code
    points order UTF-8 names as their bytes do). The daemon skips names that are not UTF-8
    (``to_str`` fails)."""
    prefix, suffix = kind
    return sorted(
        name for name in names
        if name.startswith(prefix) and name.endswith(suffix) and _utf8(name)
    )  # fmt: skip


def _utf8(name: str) -> bool:
    try:
        name.encode()
    except UnicodeEncodeError:  # os.scandir's surrogate escapes of bytes that are not UTF-8
        return False
    return True


def sequence_of(snapshot: str) -> int:
    """The sequence S the daemon reads off a ``snapshot-S.json`` name: S parsed as a Rust
    ``u64`` (an optional ``+``, ASCII digits, at most 2**64 - 1), else 0."""
    text = snapshot[len(_SNAPSHOT[0]) : -len(_SNAPSHOT[1])]
    if not _U64.fullmatch(text):
        return 0
    value = int(text)
    return value if value < 2**64 else 0


def stale_choice(source: Source) -> str | None:
    """The message of ``stale-snapshot-chosen``, when the daemon takes an older snapshot
    than the newest one of the store."""
    if source.snapshot is None or source.newer_snapshot is None:
        return None
    chosen = capped(os.path.basename(source.snapshot))
    newer = os.path.basename(source.newer_snapshot)
    newest = sequence_of(newer)
    newer = capped(newer)
    return (
        f"the daemon restarts from {chosen} (sequence {source.sequence}), the "
        f"lexicographically greatest name, and ignores the newer {newer} (sequence {newest}) "
        f"and its log-{newest:04d}.jsonl"
    )


# --- snapshots ----------------------------------------------------------------------------


def load_snapshot(path: str) -> Snapshot:
    """The snapshot at ``path`` as the daemon's recovery reads it (see :mod:`.snapshot`);
    :class:`InputError` if the file cannot be read at all."""
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise InputError(f"{path}: {reason(error)}") from None
    return parse_snapshot(data)


def read_snapshot(path: str) -> AgentIndex:
    """The agent index a snapshot gives the daemon, keyed as the daemon keys it;
    :class:`InputError` if the daemon cannot deserialize it (it would not start)."""
    snapshot = load_snapshot(path)
    if (unusable := snapshot.unusable) is not None:
        where = path if unusable.line is None else f"{path}:{unusable.line}"
        raise InputError(f"{where}: the daemon will not start: this snapshot is {unusable.reason}")
    return snapshot.index
