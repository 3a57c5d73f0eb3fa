"""A log as it was when it was opened: one open file, read by byte ranges up to its size then.

The daemon appends to its log, and may rename or delete it, while lifecheck reads it. So
every reader, the parent's and each worker's, reads the same open file (forked workers
inherit its descriptor) with ``os.pread`` (no shared offset) and stops at the size the
file had when it was opened: ``-j N`` reads exactly what ``-j 1`` reads (docs/rules.md §1).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from lifecheck.checker.reading.stdin import STDIN, stdin_descriptor


@dataclass(frozen=True, slots=True)
class Opened:
    """An open log: its descriptor, its identity, and its size when opened."""

    fd: int
    size: int
    device: int
    inode: int

    def range(self, start: int = 0, end: int | None = None) -> FileRange:
        """Its bytes ``[start, end)`` (to its size at open by default), read like a file."""
        return FileRange(self, start, self.size if end is None else end)

    def inherited(self) -> bool:
        """Whether this process holds the file at :attr:`fd`: a forked worker does; a
        spawned one does not (the number is closed, or is another file)."""
        try:
            status = os.fstat(self.fd)
        except OSError:
            return False
        return (status.st_dev, status.st_ino) == (self.device, self.inode)


@contextmanager
def open_input(path: str) -> Iterator[Opened]:
    """Open the log at ``path`` (standard input's bytes for :data:`.stdin.STDIN`) for
    reading; ``OSError`` if it cannot be."""
    if path == STDIN:
        fd = os.dup(stdin_descriptor())
    else:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        status = os.fstat(fd)
        yield Opened(fd, status.st_size, status.st_dev, status.st_ino)
    finally:
        os.close(fd)


class FileRange:
    """Bytes ``[start, end)`` of an :class:`Opened` file, read in order like a file (fewer
    if the file was cut short meanwhile)."""

    __slots__ = ("_at", "_end", "_fd")

    def __init__(self, opened: Opened, start: int, end: int) -> None:
        self._fd, self._at, self._end = opened.fd, start, end

    def read(self, size: int) -> bytes:
        """Up to ``size`` bytes, from where the last read ended."""
        data = os.pread(self._fd, min(size, self._end - self._at), self._at)
        self._at += len(data)
        return data
