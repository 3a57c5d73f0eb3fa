"""Process-wide settings that make a big check faster: set by the command line only.

The library (:func:`lifecheck.checker.check.check_path`) changes none of them; a program
that embeds it decides for itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from concurrent.futures import Executor

import gc
import sys
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def tuned_for_reading() -> Iterator[None]:
    """Pause the cycle collector and hand the GIL over quickly while logs are checked.

    Reading makes no reference cycles, only millions of short-lived objects, and the
    collector's passes over them cost 5-7% of a big log's time (forked workers inherit the
    pause). A parallel read's results come through a pipe 64 KB at a time, and the pool's
    result thread needs the GIL after each read: at the default 5 ms switch interval a
    worker waited up to 40 ms for its result to be taken.
    """
    was_enabled, interval = gc.isenabled(), sys.getswitchinterval()
    gc.disable()
    sys.setswitchinterval(1e-4)
    try:
        yield
    finally:
        sys.setswitchinterval(interval)
        if was_enabled:
            gc.enable()


def niced_pool(workers: int) -> Executor:
    """Worker processes for a big log: forked (cheap, no threads here; elsewhere they
    re-import lifecheck) and at a lower priority, since they are ahead anyway and the
    parent's in-order replay is what the whole run waits for. They end with the parent
    (:mod:`lifecheck.checker.pools`)."""
    from multiprocessing import get_context  # only for a big log

    from lifecheck.checker.pools import worker_pool

    return worker_pool(workers, get_context("fork" if sys.platform == "linux" else "spawn"), 5)
