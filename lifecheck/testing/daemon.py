"""A writer that behaves like the Midtown daemon's event store (docs/midtown.md §2), for
tests and the soak of ``lifecheck watch``.

It appends one line per event and flushes (no fsync); it can tear a write in two (a crash
in the middle of one); its :meth:`DaemonWriter.restart` is the daemon's recovery (the lines
up to the first one that does not parse are kept, ``File::create`` truncates the log and
they are written back, blank lines gone); :meth:`DaemonWriter.save_snapshot` writes
``snapshot-{sequence:04}.json`` and switches to ``log-{sequence:04}.jsonl``.
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from lifecheck.checker.reading.agents import AgentIndex
from lifecheck.checker.reading.lines import LineError, decode_line, is_blank
from lifecheck.checker.reading.reader import LogReader
from lifecheck.checker.reading.store import load_snapshot
from lifecheck.checker.replay.engine import Replay
from lifecheck.testing.snapshot import snapshot_bytes

__all__ = ["DaemonWriter"]


class DaemonWriter:
    """The event store in ``store`` (created, with ``log-0000.jsonl``, as ``EventStore::new``
    does); :attr:`sequence` counts the events appended, snapshots included."""

    def __init__(self, store: Path) -> None:
        self.store = store
        store.mkdir(parents=True, exist_ok=True)
        self.base = 0  # the sequence of the snapshot the log follows
        self.sequence = 0
        self._log: BinaryIO = open(self.log, "ab", buffering=0)  # noqa: SIM115
        self._lines = self.lines()

    @property
    def log(self) -> Path:
        """The log written now."""
        return self.store / f"log-{self.base:04d}.jsonl"

    def append(self, line: bytes) -> int:
        """Write one event's line and its newline in one write, as ``EventStore::append``;
        return its line number in the log."""
        self._log.write(line.rstrip(b"\n") + b"\n")
        self.sequence += 1
        self._lines += 1
        return self._lines

    def tear(self, line: bytes, at: int) -> None:
        """Write the first ``at`` bytes of ``line`` only (the rest may follow by
        :meth:`append`, or never, if the daemon crashed)."""
        self._log.write(line[:at])
        self._lines += line.count(b"\n", 0, at)

    def lines(self) -> int:
        """The complete lines of the log."""
        return self.log.read_bytes().count(b"\n")

    def restart(self) -> int:
        """The daemon's recovery at its next start: the lines before the first that does
        not parse are kept and written back to the truncated log; return how many."""
        self._log.close()
        kept = []
        for raw in self.log.read_bytes().split(b"\n"):
            if is_blank(raw):
                continue
            try:
                decode_line(raw)
            except LineError:
                break
            kept.append(raw + b"\n")
        with open(self.log, "wb") as log:  # File::create: truncated, then written back
            for raw in kept:
                log.write(raw)
        self.sequence = self.base + len(kept)
        self._log = open(self.log, "ab", buffering=0)  # noqa: SIM115
        self._lines = len(kept)
        return len(kept)

    def save_snapshot(self) -> Path:
        """Write the projections (replayed from the snapshot's log) as
        ``snapshot-{sequence:04}.json``, then switch to ``log-{sequence:04}.jsonl``."""
        index = self._index()
        path = self.store / f"snapshot-{self.sequence:04d}.json"
        path.write_bytes(snapshot_bytes(index))
        self._log.close()
        self.base = self.sequence
        self._log = open(self.log, "ab", buffering=0)  # noqa: SIM115
        self._lines = self.lines()
        return path

    def close(self) -> None:
        """Close the log (the daemon stopped)."""
        self._log.close()

    def _index(self) -> AgentIndex:
        snapshots = sorted(self.store.glob("snapshot-*.json"))
        index = load_snapshot(str(snapshots[-1])).index if snapshots else None
        replay = Replay(path=str(self.log), index=index, explain=False)
        with open(self.log, "rb") as log:
            replay.run(LogReader(log))
        return replay.index
