"""Streaming reader of Midtown event logs, block by block.

Every non-blank line is validated (:mod:`.blocks`, :mod:`.serde`). The first malformed
line ends the stream, as the daemon's recovery does; the rest of the file is then only
counted, and checked to be UTF-8: a byte that is not, anywhere, makes the whole file
unreadable to the daemon, which then does not start (docs/rules.md §1). A line too long to
hold cheaply is looked at by its first bytes (:mod:`.frames`): when they decide that serde
rejects it, the rest of it is only scanned.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass
from itertools import chain

from lifecheck.checker.reading.blocks import (
    CLOSE,
    Block,
    Envelopes,
    framed,
    read_block,
    read_fast,
    read_lines,
)
from lifecheck.checker.reading.events import EVENT_TYPES, Event
from lifecheck.checker.reading.frames import Frames, Long, Readable
from lifecheck.checker.reading.lines import (
    LineError,
    bad_byte,
    decode_line,
    first_bad_utf8,
    is_blank,
    is_blank_text,
    utf8_error,
)
from lifecheck.checker.reading.serde import parse_event, rejected_prefix

__all__ = ["LineError", "LogReader", "Malformed", "Readable", "Rest", "decode_line", "scan_rest"]

#: Bytes read per block: few blocks (each costs some Python), yet the block, its copy and
#: its decoding stay in a core's cache (128 KB measured 5% quicker than 64 KB or 256 KB).
BLOCK_SIZE = 1 << 17
#: What the reason of a malformed last line adds when the file does not end with a newline.
TORN = "the file does not end with a newline: the daemon may still be writing this line"


@dataclass(frozen=True, slots=True)
class Malformed:
    """The first line that does not parse, why, and how many non-blank lines follow it.

    ``unreadable``: the file is not UTF-8 (``line`` holds its first bad byte), so the daemon
    reads no event of it at all and does not start; ``dropped`` is then 0. The events read
    before it were read as the file's lines, not as what the daemon replays.
    """

    line: int
    reason: str
    dropped: int
    unreadable: bool = False


@dataclass(frozen=True, slots=True)
class Rest:
    """What follows a malformed line, only counted: its non-blank lines, its physical lines
    (up to the one holding a bad byte), and the line of its first byte that is not UTF-8 (if
    any), from 1."""

    non_blank: int
    lines: int
    bad_utf8: Malformed | None


class LogReader:
    """Iterate ``(line_number, event)`` over a log; stop at the first malformed line.

    ``source`` is a binary file or an iterable of lines. Only events whose type is in
    ``wanted`` are yielded (all by default), but every line is validated. ``exact`` reads
    every line with the exact decoder (:mod:`.serde`) instead of trusting msgspec's block
    decoding where it can (:mod:`.blocks`): the verdicts are the same, only slower.
    ``progress`` is called with the number of bytes read after each block. After
    iteration, :attr:`malformed` holds the bad line (or ``None``; see :class:`Malformed`
    for a file that is not UTF-8), :attr:`events` the number of events read and
    :attr:`lines` the physical lines of the source (up to a bad byte, if any).
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
        self._envelopes = None if exact else Envelopes()
        self._progress = progress
        self.malformed: Malformed | None = None
        self.events = 0
        self.lines = 0

    def __iter__(self) -> Iterator[tuple[int, Event]]:
        return chain.from_iterable(self._blocks())  # no Python frame resumed per event

    def _blocks(self) -> Iterator[list[tuple[int, Event]]]:
        """The wanted events of each block in turn."""
        frames, blocks = _frames(self._source)
        done = 0
        for frame in blocks:
            if isinstance(frame, Long):
                block = self._read_long(frame)
                if isinstance(block, Malformed):
                    self.malformed = block
                    return
                size = frame.size
            else:
                first, envelopes = self.lines + 1, self._envelopes
                fast = (
                    None if envelopes is None else read_fast(frame, first, self._wanted, envelopes)
                )
                if fast is not None:  # then UTF-8 (see read_fast)
                    block = fast
                elif (unreadable := _unreadable(frame, self.lines)) is not None:
                    # The lines before the bad byte's are read as any others (so that a log
                    # cut into segments reads the same), then the file is unreadable.
                    yield self._read_head(frame, unreadable)
                    self.malformed = unreadable
                    return
                else:
                    block = read_lines(frame, first, self._wanted, exact=envelopes is None)
                size = len(frame) - 1
            self.events += block.events
            yield block.wanted
            if block.malformed is not None:
                line, reason = block.malformed
                rest = _rest(blocks, self.lines + block.lines)
                self.lines += block.lines + rest.lines
                if line == self.lines and frames is not None and frames.torn:
                    reason = f"{reason}; {TORN}"
                dropped = block.after + rest.non_blank
                self.malformed = rest.bad_utf8 or Malformed(line, reason, dropped)
                return
            self.lines += block.lines
            if self._progress is not None:
                done += size
                self._progress(done)

    def _read_head(self, frame: bytearray, unreadable: Malformed) -> list[tuple[int, Event]]:
        """The wanted events of the whole lines of ``frame`` before the one holding its
        first bad byte."""
        whole = unreadable.line - 1 - self.lines
        wanted = []
        if whole:
            cut = -1
            for _ in range(whole):
                cut = frame.index(b"\n", cut + 1)
            head = frame[:cut]
            head.append(CLOSE)
            block = read_block(head, self.lines + 1, self._wanted, self._envelopes)
            self.events += block.events
            wanted = block.wanted
        self.lines = unreadable.line - 1
        return wanted

    def _read_long(self, long: Long) -> Block | Malformed:
        """A line longer than :data:`.frames.LONG`: scanned to its end if its first bytes
        decide that serde rejects it; else read whole, by the exact decoder (which holds
        fewer copies of it than a block's decoding)."""
        line = self.lines + 1
        try:
            head, _ = codecs.utf_8_decode(memoryview(long.head)[1:], "strict", False)
        except UnicodeDecodeError as error:
            return _not_utf8(line, long.head, error)
        reason = rejected_prefix(head)
        del head
        if reason is not None:
            scanned = long.skip()
            if scanned.bad_byte is not None:
                return Malformed(line, bad_byte(*scanned.bad_byte), 0, unreadable=True)
            return Block(lines=1, malformed=(line, reason))
        frame = long.take()
        try:
            text, _ = codecs.utf_8_decode(memoryview(frame)[1:-1], "strict", True)
        except UnicodeDecodeError as error:
            return _not_utf8(line, frame, error)
        del frame  # the line is held once, as text, while it is parsed
        block = Block(lines=1)
        if is_blank_text(text):
            return block
        try:
            event = parse_event(text)
        except LineError as error:
            block.malformed = (line, str(error))
            return block
        block.events = 1
        if type(event) in self._wanted:
            block.wanted.append((line, event))
        return block


def _not_utf8(line: int, frame: bytearray, error: UnicodeDecodeError) -> Malformed:
    """The line of ``frame`` (its one line) is not UTF-8 where decoding it failed."""
    at = error.start
    return Malformed(line, bad_byte(frame[1 + at], at + 1), 0, unreadable=True)


def _frames(source: Readable | Iterable[bytes]) -> tuple[Frames | None, Iterator[bytearray | Long]]:
    """The source's frames, and the :class:`Frames` that knows if it ended with a newline
    (``None`` for lines given one by one)."""
    if isinstance(source, Readable):
        frames = Frames(source, BLOCK_SIZE)
        return frames, iter(frames)
    return None, _joined(source)


def _joined(lines: Iterable[bytes]) -> Iterator[bytearray]:
    batch: list[bytes] = []
    for line in lines:
        batch.append(line if line.endswith(b"\n") else line + b"\n")
        if len(batch) == 1024:
            yield framed(b"".join(batch))
            batch = []
    if batch:
        yield framed(b"".join(batch))


def _unreadable(frame: bytearray, before: int) -> Malformed | None:
    """The file is not UTF-8 if this frame (after ``before`` lines) holds a bad byte."""
    bad = first_bad_utf8(frame)
    if bad is None:
        return None
    start = frame.rfind(b"\n", 0, bad) + 1 or 1
    line = before + 1 + frame.count(b"\n", 0, bad)
    return Malformed(line, utf8_error(frame[start:], bad - start), 0, unreadable=True)


def scan_rest(source: Readable | Iterable[bytes]) -> Rest:
    """A log, or the rest of one after a bad line: counted, not validated, but checked to
    be UTF-8 (lines numbered from 1)."""
    return _rest(_frames(source)[1], 0)


def _rest(frames: Iterable[bytearray | Long], before: int) -> Rest:
    non_blank, lines = 0, before
    for frame in frames:
        if isinstance(frame, Long):
            scanned = frame.skip()
            if scanned.bad_byte is not None:
                bad = Malformed(lines + 1, bad_byte(*scanned.bad_byte), 0, unreadable=True)
                return Rest(non_blank, lines - before, bad)
            lines += 1
            non_blank += not scanned.blank
            continue
        if (unreadable := _unreadable(frame, lines)) is not None:
            return Rest(non_blank, unreadable.line - 1 - before, unreadable)
        content = frame[1:-1].split(b"\n")
        lines += len(content)
        if frame.isascii():
            non_blank += sum(map(bool, map(bytearray.strip, content)))
        else:
            non_blank += sum(1 for line in content if not is_blank(line))
    return Rest(non_blank, lines - before, None)
