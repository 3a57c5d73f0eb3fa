"""A binary log cut into frames of whole lines, in linear time and bounded memory.

A frame is ``[``, whole lines, and ``]`` in place of the last newline (see
:func:`.blocks.framed`). A line longer than :data:`LONG` bytes is not gathered whole
unasked: it comes as a :class:`Long`, whose first bytes the reader looks at, and which it
then :meth:`~Long.take`\\ s whole or :meth:`~Long.skip`\\ s to its end in chunks, holding
none of it (docs/rules.md §1: a sparse gigabyte of zeros is read in constant memory).
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from lifecheck.checker.reading.blocks import CLOSE
from lifecheck.checker.reading.lines import SPACE

#: A line longer than this many bytes comes as a :class:`Long`.
LONG = 1 << 20


@runtime_checkable
class Readable(Protocol):
    """Anything read like a binary file: an open log, or a byte range of one."""

    def read(self, size: int, /) -> bytes: ...


@dataclass(frozen=True, slots=True)
class Scanned:
    """A long line scanned without being held: its first byte that is not UTF-8 (the byte
    and its column, from 1), if any (the scan stops there), and whether it is blank."""

    bad_byte: tuple[int, int] | None
    blank: bool


class Frames:
    """The frames of ``source``, read ``block`` bytes at a time. Each :class:`Long` must be
    taken or skipped before the next frame is asked for. Once all are read, :attr:`torn`
    says whether the source ended without a newline."""

    def __init__(self, source: Readable, block: int) -> None:
        self._source, self._block = source, block
        self._back = b""  # read past a long line's end, not framed yet
        self.torn = False

    def __iter__(self) -> Iterator[bytearray | Long]:
        frame = bytearray(b"[")
        while chunk := self._read():
            cut = chunk.rfind(b"\n")
            if cut < 0:
                frame += chunk
                if len(frame) > LONG:
                    long, frame = Long(self, frame), bytearray(b"[")
                    yield long
                continue
            end = len(frame) + cut
            frame += chunk
            rest = frame[end + 1 :]
            del frame[end + 1 :]
            frame[end] = CLOSE
            yield frame
            frame = bytearray(b"[") + rest
        if len(frame) > 1:
            self.torn = True
            frame.append(CLOSE)
            yield frame

    def _read(self) -> bytes:
        data, self._back = self._back, b""
        return data or self._source.read(self._block)

    def line_rest(self) -> Iterator[bytes]:
        """The rest of the line being read, chunk by chunk, without its newline."""
        while chunk := self._read():
            cut = chunk.find(b"\n")
            if cut >= 0:
                self._back = chunk[cut + 1 :]
                yield chunk[:cut]
                return
            yield chunk
        self.torn = True


class Long:
    """A line longer than :data:`LONG` bytes, of which :attr:`head` (``[`` and its first
    bytes) is read; :attr:`size` counts the bytes of it read so far (its newline too, once
    it is taken or skipped)."""

    def __init__(self, frames: Frames, head: bytearray) -> None:
        self._frames, self.head = frames, head
        self.size = len(head) - 1

    def take(self) -> bytearray:
        """The whole line, framed (held in memory: the caller decodes it)."""
        frame, self.head = self.head, bytearray()
        for part in self._frames.line_rest():
            frame += part
        self.size = len(frame) - (1 if self._frames.torn else 0)
        frame.append(CLOSE)
        return frame

    def skip(self) -> Scanned:
        """Scan on to the line's end in chunks, holding none of it."""
        scan = _Scan()
        scan.feed(bytes(memoryview(self.head)[1:]))
        self.head = bytearray()
        for part in self._frames.line_rest():
            if scan.bad_byte is not None:
                break
            scan.feed(part)
            self.size += len(part)
        else:
            self.size += 0 if self._frames.torn else 1
        return scan.end()


class _Scan:
    """Whether a line fed in parts is UTF-8 (and where it stops being) and blank."""

    def __init__(self) -> None:
        self._pending = b""  # the start of a character cut between two parts
        self._column = 0  # bytes fed
        self.bad_byte: tuple[int, int] | None = None
        self.blank = True

    def feed(self, part: bytes) -> None:
        if not self._pending and part.isascii():
            self.blank = self.blank and not part.strip()
            self._column += len(part)
            return
        data = self._pending + part
        try:
            text, used = codecs.utf_8_decode(data, "strict", False)
        except UnicodeDecodeError as error:
            self._bad(data, error.start)
            return
        self._pending = data[used:]
        self._column += len(part)
        self.blank = self.blank and not text.strip(SPACE)

    def end(self) -> Scanned:
        if self._pending and self.bad_byte is None:
            try:
                codecs.utf_8_decode(self._pending, "strict", True)
            except UnicodeDecodeError as error:
                self._bad(self._pending, error.start)
        return Scanned(self.bad_byte, self.blank and self.bad_byte is None)

    def _bad(self, data: bytes, at: int) -> None:
        self.bad_byte = (data[at], self._column - len(self._pending) + at + 1)
