"""A progress bar on stderr for long inputs, shown only on a terminal."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from types import TracebackType

Show = Callable[[float], None]


class Progress:
    """Called with the bytes read so far; once reading takes ``after`` seconds, ``show``s
    the fraction read. Used as a context manager, it clears the bar at the end."""

    def __init__(self, size: int, show: Show, *, after: float = 2.0) -> None:
        self._size, self._show, self._after = size, show, after
        self._start, self._shown = time.monotonic(), False

    def __call__(self, done: int) -> None:
        if self._shown or time.monotonic() - self._start > self._after:
            self._show(min(done / self._size, 1.0) if self._size else 1.0)
            self._shown = True

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._shown:
            self._show(-1.0)


def stderr_bar(label: str) -> Show:
    """A one-line bar on stderr; a negative fraction clears it."""

    def show(fraction: float) -> None:
        if fraction < 0:
            sys.stderr.write("\r\x1b[2K")
        else:
            filled = int(fraction * 30)
            sys.stderr.write(f"\r{label} [{'#' * filled}{'.' * (30 - filled)}] {fraction:4.0%}")
        sys.stderr.flush()

    return show
