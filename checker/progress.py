"""A progress bar on stderr for long inputs, shown only on a terminal."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from typing import BinaryIO

Show = Callable[[float], None]


def tracked(
    log: BinaryIO, size: int, show: Show, *, after: float = 2.0, every: int = 1 << 16
) -> Iterator[bytes]:
    """The lines of ``log``; once reading takes ``after`` seconds, ``show`` the fraction read."""
    start, shown = time.monotonic(), False
    for number, raw in enumerate(log, 1):
        if number % every == 0 and (shown or time.monotonic() - start > after):
            show(min(log.tell() / size, 1.0) if size else 1.0)
            shown = True
        yield raw
    if shown:
        show(-1.0)


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
