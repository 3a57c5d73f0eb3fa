"""Reading one big log with several processes: validation in parallel, replay in order.

The file is cut at line ends into segments. Worker processes validate them and send back
the events the replay wants, packed with msgspec (one typed list per variant, plus their
order and line numbers); the parent replays them in order as they come. The result is the
serial one: the same events, line numbers, first malformed line and ``dropped`` count, and
the same first byte that is not UTF-8, before or after a malformed line.
"""

from __future__ import annotations

from array import array
from collections import deque
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass
from itertools import chain, compress, islice, pairwise, repeat
from operator import is_
from typing import TYPE_CHECKING, BinaryIO

if TYPE_CHECKING:
    from concurrent.futures import Executor, Future

import msgspec

from lifecheck.checker.reading.events import EVENT_TYPES, Event
from lifecheck.checker.reading.reader import LogReader, Malformed, scan_rest

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


def cuts(log: BinaryIO, size: int, jobs: int) -> list[int]:
    """Byte offsets that cut ``log`` into segments, each just after a newline.

    With one job, or a small log, that is one segment; otherwise see :data:`SEGMENT`. The
    last ``jobs`` segments' worth is cut four times finer: the parent replays the final
    segment alone, so a short one ends the run sooner.
    """
    if jobs < 2 or size < MIN_SPLIT:
        return [0, size]
    step = max(min(SEGMENT, size // (8 * jobs)), SEGMENT // 4, 1)
    tail = max(size - jobs * step, step)
    guesses = chain(range(step, tail, step), range(tail, size, max(step // 4, 1)))
    offsets = [0]
    for guess in guesses:
        log.seek(guess)
        log.readline()  # to the end of the line the guess fell in
        if offsets[-1] < log.tell() < size:
            offsets.append(log.tell())
    log.seek(0)
    return [*offsets, size]


class _Range:
    """The bytes ``[start, end)`` of a file, read like a file."""

    def __init__(self, log: BinaryIO, start: int, end: int) -> None:
        log.seek(start)
        self._log, self._left = log, end - start

    def read(self, size: int) -> bytes:
        data = self._log.read(min(size, self._left))
        self._left -= len(data)
        return data


def read_segment(
    path: str, start: int, end: int, wanted: Collection[type[Event]], exact: bool
) -> Segment:
    """Validate ``path[start:end]`` (a worker's job) and pack the wanted events."""
    with open(path, "rb") as log:
        reader = LogReader(_Range(log, start, end), wanted, exact=exact)
        numbers, events = zip(*found, strict=True) if (found := list(reader)) else ((), ())
    types = list(map(type, events))
    kinds = bytes(map(_INDEX.__getitem__, types))
    batch = _Batch(**{
        kind.__name__: list(compress(events, map(is_, types, repeat(kind)))) for kind in set(types)
    })  # fmt: skip
    return Segment(
        lines=reader.lines,
        read=reader.events,
        malformed=reader.malformed,
        kinds=kinds,
        numbers=array("Q", numbers).tobytes(),
        events=msgspec.msgpack.encode(batch),
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
    path: str,
    line: int,
    pending: Iterable[tuple[int, int, Future[Segment]]],
    ahead: Iterable[tuple[int, int]],
) -> tuple[int, Malformed | None]:
    """The non-blank lines after a bad segment (which ends at ``line``), and the first byte
    that is not UTF-8 among them: a worker's count where it has started on the segment,
    else counted here without validating them (far quicker)."""
    count = 0
    with open(path, "rb") as log:
        started = []
        for start, end, future in pending:
            started.append((start, end, None if future.cancel() else future))
        ranges = chain(started, ((start, end, None) for start, end in ahead))
        for start, end, done in ranges:
            if done is not None:
                segment = done.result()
                bad = segment.malformed
                if bad is not None and bad.unreadable:
                    return count, Malformed(line + bad.line, bad.reason, 0, unreadable=True)
                count += segment.non_blank
                line += segment.lines
                continue
            rest = scan_rest(_Range(log, start, end))
            if rest.bad_utf8 is not None:
                bad = rest.bad_utf8
                return count, Malformed(line + bad.line, bad.reason, 0, unreadable=True)
            count += rest.non_blank
            line += rest.lines
    return count, None


def read_parallel(
    path: str,
    cuts_at: list[int],
    wanted: Collection[type[Event]],
    replay: Callable[[Iterator[tuple[int, Event]]], None],
    *,
    jobs: int,
    pool: Callable[[int], Executor],
    exact: bool = False,
    progress: Callable[[int], None] | None = None,
) -> tuple[int, Malformed | None]:
    """Replay the log at ``path`` cut at ``cuts_at``; return the events read and the first
    bad line.

    ``pool`` makes the pool of ``jobs`` workers (fewer for fewer segments). At most
    :data:`AHEAD` segments per worker are in flight, so memory does not grow with the log.
    ``progress`` is called with the bytes replayed so far.
    """
    segments = list(pairwise(cuts_at))
    workers = min(len(segments), jobs)
    with pool(workers) as executor:
        pending: deque[tuple[int, int, Future[Segment]]] = deque()
        ahead = iter(segments)

        def submit(count: int) -> None:
            for start, end in islice(ahead, count):
                future = executor.submit(read_segment, path, start, end, wanted, exact)
                pending.append((start, end, future))

        submit(AHEAD * workers)
        events, offset, malformed = 0, 0, None
        while pending:
            _, end, future = pending.popleft()
            segment = future.result()
            submit(1)
            replay(unpack(segment, offset))
            events += segment.read
            if (bad := segment.malformed) is not None:  # the replay stops there
                if bad.unreadable:
                    malformed = Malformed(offset + bad.line, bad.reason, 0, unreadable=True)
                    break
                dropped, unreadable = _after(path, offset + segment.lines, pending, ahead)
                malformed = unreadable or Malformed(
                    offset + bad.line, bad.reason, bad.dropped + dropped
                )
                break
            offset += segment.lines
            if progress is not None:
                progress(end)
    return events, malformed
