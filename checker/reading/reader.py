"""Streaming reader of Midtown event logs, block by block.

Every non-blank line is validated (:mod:`.blocks`, :mod:`.lines`). The first malformed
line ends the stream, as the daemon's recovery does (docs/rules.md §1).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from lifecheck.checker.reading.blocks import CLOSE, framed, read_block
from lifecheck.checker.reading.events import EVENT_TYPES, Event
from lifecheck.checker.reading.lines import LineError, decode_line

__all__ = ["LineError", "LogReader", "Malformed", "count_non_blank", "decode_line"]

#: Bytes read per block: small enough to stay in the CPU cache while it is decoded.
BLOCK_SIZE = 1 << 16


@runtime_checkable
class Readable(Protocol):
    """Anything read like a binary file: an open log, or a byte range of one."""

    def read(self, size: int, /) -> bytes: ...


@dataclass(frozen=True, slots=True)
class Malformed:
    """The first line that does not parse, why, and how many non-blank lines follow it."""

    line: int
    reason: str
    dropped: int
    unreadable: bool = False


class LogReader:
    """Iterate ``(line_number, event)`` over a log; stop at the first malformed line.

    ``source`` is a binary file or an iterable of lines. Only events whose type is in
    ``wanted`` are yielded (all by default), but every line is validated. ``exact`` reads
    line by line with every serde rule (see :mod:`.blocks` for what it adds).
    ``progress`` is called with the number of bytes read after each block. After
    iteration, :attr:`malformed` holds the bad line (or ``None``), :attr:`events` the
    number of events read and :attr:`lines` the physical lines read (when no line is bad).
    """

    def __init__(
        self,
        source: Readable | Iterable[bytes],
        wanted: Collection[type[Event]] | None = None,
        *,
        exact: bool = False,
        progress: Callable[[int], None] | None = None,
    ) -> None:
        self._source = source
        self._wanted = frozenset(EVENT_TYPES.values()) if wanted is None else wanted
        self._exact = exact
        self._progress = progress
        self.malformed: Malformed | None = None
        self.events = 0
        self.lines = 0

    def __iter__(self) -> Iterator[tuple[int, Event]]:
        blocks = _blocks(self._source)
        done = 0
        for frame in blocks:
            block = read_block(frame, self.lines + 1, self._wanted, exact=self._exact)
            self.events += block.events
            yield from block.wanted
            if block.malformed is not None:
                line, reason = block.malformed
                self.malformed = Malformed(line, reason, block.after + _non_blank(blocks))
                return
            self.lines += block.lines
            if self._progress is not None:
                done += len(frame) - 1
                self._progress(done)


def _blocks(source: Readable | Iterable[bytes]) -> Iterator[bytearray]:
    """Whole lines, about :data:`BLOCK_SIZE` bytes at a time, :func:`framed` (in linear time,
    however long a line is)."""
    if not isinstance(source, Readable):
        yield from _joined(source)
        return
    frame = bytearray(b"[")
    while chunk := source.read(BLOCK_SIZE):
        cut = chunk.rfind(b"\n")
        if cut < 0:
            frame += chunk
            continue
        end = len(frame) + cut
        frame += chunk
        rest = frame[end + 1 :]
        del frame[end + 1 :]
        frame[end] = CLOSE
        yield frame
        frame = bytearray(b"[") + rest
    if len(frame) > 1:
        frame.append(CLOSE)
        yield frame


def _joined(lines: Iterable[bytes]) -> Iterator[bytearray]:
    batch: list[bytes] = []
    for line in lines:
        batch.append(line if line.endswith(b"\n") else line + b"\n")
        if len(batch) == 1024:
            yield framed(b"".join(batch))
            batch = []
    if batch:
        yield framed(b"".join(batch))


def count_non_blank(source: Readable | Iterable[bytes]) -> int:
    """The non-blank lines of a log (what a bad line before them drops), not validated."""
    return _non_blank(_blocks(source))


def _non_blank(frames: Iterable[bytearray]) -> int:
    return sum(1 for frame in frames for line in frame[1:-1].split(b"\n") if line.strip())
