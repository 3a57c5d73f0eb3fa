"""One log followed as the daemon writes it: its new complete lines, and what else happened.

The daemon appends a line and flushes (docs/midtown.md §2.1), so a reader may see a line
without its newline yet: it stays pending until the newline arrives. At a restart the
daemon's recovery truncates the log and writes back the lines it kept (§2.3): the file
shrinks, or what was read is no longer there, or another file takes the name; all three are
:data:`REWRITTEN`, and the log is then read again from its start.
"""

from __future__ import annotations

import os
from enum import Enum

from lifecheck.checker.reading.opened import FileRange, Opened

#: Bytes compared, before the end of what was read, to notice a log written anew.
MARK = 64
#: Bytes read at a time when looking back for a newline, or counting lines.
CHUNK = 1 << 16


class Change(Enum):
    """What :meth:`Tail.check` saw."""

    SAME = "same"
    GROWN = "grown"  # new bytes (complete lines, or a part of one)
    REWRITTEN = "rewritten"  # truncated, written anew or replaced: read again from the start
    GONE = "gone"  # no file at the path


class Tail:
    """Follows the log at ``path``: :meth:`check` what changed, then :meth:`take` the new
    complete lines. :attr:`lines` counts the lines taken, :attr:`pending` the bytes of a
    last line still without its newline."""

    __slots__ = ("_mark", "_opened", "_size", "lines", "offset", "path")

    def __init__(self, path: str) -> None:
        self.path = path
        self._opened: Opened | None = None
        self._size = 0  # the file's size when last checked
        self._mark = b""  # the last bytes taken, to notice a log written anew
        self.offset = 0  # where the lines not yet taken start
        self.lines = 0

    @property
    def pending(self) -> int:
        """The bytes of a last line written without its newline yet."""
        return self._size - self.offset

    def check(self) -> Change:
        """Whether the log grew, was written anew, is gone, or is the same; ``OSError``
        if it cannot be read."""
        try:
            status = os.stat(self.path)
        except FileNotFoundError:
            self.close()
            return Change.GONE
        opened = self._opened
        if opened is None or (status.st_dev, status.st_ino) != (opened.device, opened.inode):
            again = opened is not None
            self._open()
            return Change.REWRITTEN if again else Change.GROWN
        size = os.fstat(opened.fd).st_size
        mark = self._mark
        if size < self._size or mark != self._read(self.offset - len(mark), len(mark)):
            self._restart(size)
            return Change.REWRITTEN
        grown = size > self._size
        self._size = size
        return Change.GROWN if grown else Change.SAME

    def take(self) -> FileRange:
        """The complete lines written since the last :meth:`take`, to be read once (the
        caller adds their number to :attr:`lines`)."""
        assert self._opened is not None
        start, end = self.offset, self._last_newline()
        self.offset = end
        self._mark = self._read(max(0, end - MARK), min(MARK, end))
        return self._opened.range(start, end)

    def count_lines(self) -> int:
        """The complete lines in the file now (a log written anew: how many it kept)."""
        end, at, count = self._last_newline(), 0, 0
        while at < end:
            chunk = self._read(at, min(CHUNK, end - at))
            if not chunk:
                break
            count += chunk.count(b"\n")
            at += len(chunk)
        return count

    def close(self) -> None:
        """Let the file go (it is opened again by :meth:`check`)."""
        if self._opened is not None:
            os.close(self._opened.fd)
            self._opened = None
        self._restart(0)

    def _open(self) -> None:
        self.close()
        fd = os.open(self.path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
        status = os.fstat(fd)
        self._opened = Opened(fd, status.st_size, status.st_dev, status.st_ino)
        self._size = status.st_size

    def _restart(self, size: int) -> None:
        self._size, self.offset, self.lines, self._mark = size, 0, 0, b""

    def _last_newline(self) -> int:
        """The offset just past the last newline of the file as last checked (the
        offset of the lines not yet taken if there is none past it)."""
        end = self._size
        while end > self.offset:
            start = max(self.offset, end - CHUNK)
            chunk = self._read(start, end - start)
            at = chunk.rfind(b"\n")
            if at >= 0:
                return start + at + 1
            end = start
        return self.offset

    def _read(self, offset: int, size: int) -> bytes:
        assert self._opened is not None or size == 0
        if size <= 0 or self._opened is None:
            return b""
        return os.pread(self._opened.fd, size, offset)
