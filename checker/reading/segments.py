"""Reading one big log with several processes: validation in parallel, replay in order.

The file is cut at line ends into segments. Worker processes validate them, reading the
parent's open file (:mod:`.opened`: forked workers inherit it; a worker that does not leaves
its segment to the parent), and send back the events the replay wants, packed with msgspec
(one typed list per variant, plus their order and line numbers); the parent replays them in
order as they come. The result is the serial one: the same events, line numbers, first
malformed line and ``dropped`` count, and the same first byte that is not UTF-8, before or
after a malformed line.
"""

from __future__ import annotations

from array import array
from collections import deque
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass
from itertools import chain, islice, pairwise
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from concurrent.futures import Executor, Future

import msgspec

from lifecheck.checker.reading.events import EVENT_TYPES, Event
from lifecheck.checker.reading.opened import Opened
from lifecheck.checker.reading.reader import BLOCK_SIZE, LogReader, Malformed, scan_rest

#: Smallest log worth splitting, and the largest segment. A log is cut into about eight
#: segments per job, between a quarter of that and this size: each segment costs a few
#: milliseconds of hand-over, and the last one is replayed while the workers are idle.
MIN_SPLIT, SEGMENT = 16 << 20, 32 << 20

#: Segments per worker in flight: enough that a worker never waits for the parent to take a
#: result (the parent replays in order, so one slow segment holds up those after it), few
#: enough that memory does not grow with the log (a result is about 1 MB).
AHEAD = 4

_NAMES = tuple(EVENT_TYPES)
_INDEX = {cls: number for number, cls in enumerate(EVENT_TYPES.values())}
_Batch: type[msgspec.Struct] = msgspec.defstruct(
    "_Batch",
    [
        (name, list[cls], msgspec.field(default_factory=list))  # type: ignore[valid-type]
        for name, cls in EVENT_TYPES.items()
    ],
)
_decode_batch = msgspec.msgpack.Decoder(_Batch).decode


@dataclass(frozen=True, slots=True)
class Segment:
    """What a worker found in its segment; ``events`` is a packed ``_Batch``."""

    lines: int  # physical lines (all of them when a line is bad: the rest is scanned)
    read: int
    malformed: Malformed | None
    kinds: bytes
    numbers: bytes
    events: bytes

    @property
    def non_blank(self) -> int:
        """Its non-blank lines: those read, and any bad line with the lines after it."""
        bad = self.malformed
        return self.read + (0 if bad is None else 1 + bad.dropped)


def cuts(log: Opened, jobs: int) -> list[int]:
    """Byte offsets that cut ``log`` into segments, each just after a newline.

    With one job, or a small log, that is one segment; otherwise see :data:`SEGMENT`. The
    last ``jobs`` segments' worth is cut four times finer: the parent replays the final
    segment alone, so a short one ends the run sooner. Each byte is looked at once at
    most: a guess that falls in a line already scanned past is skipped.
    """
    size = log.size
    if jobs < 2 or size < MIN_SPLIT:
        return [0, size]
    step = max(min(SEGMENT, size // (8 * jobs)), SEGMENT // 4, 1)
    tail = max(size - jobs * step, step)
    guesses = chain(range(step, tail, step), range(tail, size, max(step // 4, 1)))
    offsets, reached = [0], 0
    for guess in guesses:
        if guess < reached:
            continue
        reached = _line_end(log, guess)
        if offsets[-1] < reached < size:
            offsets.append(reached)
    return [*offsets, size]


def _line_end(log: Opened, at: int) -> int:
    """The offset just after the first newline at or after ``at`` (the size if none)."""
    part = log.range(at)
    while chunk := part.read(BLOCK_SIZE):
        cut = chunk.find(b"\n")
        if cut >= 0:
            return at + cut + 1
        at += len(chunk)
    return log.size


def read_segment(
    log: Opened, start: int, end: int, wanted: Collection[type[Event]], exact: bool
) -> Segment | None:
    """Validate ``log``'s bytes ``[start, end)`` and pack the wanted events (a worker's
    job); ``None`` in a process that does not hold the open file (a spawned worker)."""
    if not log.inherited():
        return None
    reader = LogReader(log.range(start, end), wanted, exact=exact)
    numbers, events = zip(*found, strict=True) if (found := list(reader)) else ((), ())
    kinds = bytes(map(_INDEX.__getitem__, map(type, events)))
    # The events grouped by kind, in order within each: one stable sort, not a pass per kind.
    grouped = list(map(events.__getitem__, sorted(range(len(kinds)), key=kinds.__getitem__)))
    batch, at = {}, 0
    for kind in sorted(set(kinds)):
        size = kinds.count(kind)
        batch[_NAMES[kind]], at = grouped[at : at + size], at + size
    return Segment(
        lines=reader.lines,
        read=reader.events,
        malformed=reader.malformed,
        kinds=kinds,
        numbers=array("Q", numbers).tobytes(),
        events=msgspec.msgpack.encode(_Batch(**batch)),
    )


def unpack(segment: Segment, offset: int) -> Iterator[tuple[int, Event]]:
    """The segment's events in order, numbered from ``offset`` + 1."""
    batch = _decode_batch(segment.events)
    lists = [iter(getattr(batch, name)) for name in _NAMES]
    numbers = array("Q")
    numbers.frombytes(segment.numbers)
    events = map(next, map(lists.__getitem__, segment.kinds))
    return zip(map(offset.__add__, numbers), events, strict=True)


def _after(
    log: Opened,
    line: int,
    pending: Iterable[tuple[int, int, Future[Segment | None]]],
    ahead: Iterable[tuple[int, int]],
) -> tuple[int, Malformed | None]:
    """The non-blank lines after a bad segment (which ends at ``line``), and the first byte
    that is not UTF-8 among them: a worker's count where it has started on the segment,
    else counted here without validating them (far quicker)."""
    count = 0
    started = []
    for start, end, future in pending:
        started.append((start, end, None if future.cancel() else future))
    ranges = chain(started, ((start, end, None) for start, end in ahead))
    for start, end, done in ranges:
        segment = None if done is None else done.result()
        if segment is not None:
            bad = segment.malformed
            if bad is not None and bad.unreadable:
                return count, Malformed(line + bad.line, bad.reason, 0, unreadable=True)
            count += segment.non_blank
            line += segment.lines
            continue
        rest = scan_rest(log.range(start, end))
        if rest.bad_utf8 is not None:
            bad = rest.bad_utf8
            return count, Malformed(line + bad.line, bad.reason, 0, unreadable=True)
        count += rest.non_blank
        line += rest.lines
    return count, None


def read_parallel(
    log: Opened,
    cuts_at: list[int],
    wanted: Collection[type[Event]],
    replay: Callable[[Iterator[tuple[int, Event]]], None],
    *,
    jobs: int,
    pool: Callable[[int], Executor],
    exact: bool = False,
    progress: Callable[[int], None] | None = None,
) -> tuple[int, Malformed | None]:
    """Replay the open ``log`` cut at ``cuts_at``; return the events read and the first
    bad line.

    ``pool`` makes the pool of ``jobs`` workers (fewer for fewer segments); a segment that
    a worker cannot read (it did not inherit the file) is read here. At most
    :data:`AHEAD` segments per worker are in flight, so memory does not grow with the log.
    ``progress`` is called with the bytes replayed so far.
    """
    segments = list(pairwise(cuts_at))
    workers = min(len(segments), jobs)
    with pool(workers) as executor:
        pending: deque[tuple[int, int, Future[Segment | None]]] = deque()
        ahead = iter(segments)

        def submit(count: int) -> None:
            for start, end in islice(ahead, count):
                future = executor.submit(read_segment, log, start, end, wanted, exact)
                pending.append((start, end, future))

        submit(AHEAD * workers)
        events, offset, malformed = 0, 0, None
        while pending:
            start, end, future = pending.popleft()
            segment = future.result() or read_segment(log, start, end, wanted, exact)
            assert segment is not None  # this process holds the file
            submit(1)
            replay(unpack(segment, offset))
            events += segment.read
            if (bad := segment.malformed) is not None:  # the replay stops there
                if bad.unreadable:
                    malformed = Malformed(offset + bad.line, bad.reason, 0, unreadable=True)
                    break
                dropped, unreadable = _after(log, offset + segment.lines, pending, ahead)
                malformed = unreadable or Malformed(
                    offset + bad.line, bad.reason, bad.dropped + dropped
                )
                break
            offset += segment.lines
            if progress is not None:
                progress(end)
    return events, malformed
