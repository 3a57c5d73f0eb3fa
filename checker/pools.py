"""Pools of worker processes that never outlive their parent.

A worker dies with its parent however the parent ends (``PR_SET_PDEATHSIG`` on Linux, even
for SIGKILL), ignores the Ctrl-C a terminal sends the whole process group (the parent
decides what it means), and a pool left by an exception (an interrupt) cancels its queued
work and terminates its workers instead of waiting for them.
"""

from __future__ import annotations

import os
import signal
import sys
from concurrent.futures import ProcessPoolExecutor
from multiprocessing.context import BaseContext
from types import TracebackType

#: prctl's option: the signal the kernel sends this process when its parent dies.
_PR_SET_PDEATHSIG = 1

#: How long a terminated worker gets to end before it is killed.
_GRACE = 1.0

#: The signals that end a run: blocked while a worker starts, until it has set them up.
_ENDING = {signal.SIGINT, signal.SIGTERM}


class EndingPool(ProcessPoolExecutor):
    """A process pool whose ``with`` block, left by an exception, ends at once."""

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> bool | None:
        if exc_type is None:
            return super().__exit__(exc_type, exc_val, exc_tb)
        self.terminate()
        return None

    def _spawn_process(self) -> None:
        """Start a worker with the ending signals blocked: one arriving before its
        :func:`_started` ran would run the parent's handler in it (a traceback)."""
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, _ENDING)
        try:
            super()._spawn_process()  # type: ignore[misc]
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)

    def terminate(self) -> None:
        """Cancel what is queued, end the workers (SIGTERM, then SIGKILL) and reap them."""
        workers = list((self._processes or {}).values())
        self.shutdown(wait=False, cancel_futures=True)
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.join(_GRACE)
            if worker.is_alive():
                worker.kill()
                worker.join()


def worker_pool(workers: int, context: BaseContext | None = None, nice: int = 0) -> EndingPool:
    """A pool of ``workers`` processes (started by ``context``), each at ``nice`` more than
    the default priority."""
    return EndingPool(workers, context, _started, (os.getpid(), nice))


def _started(parent: int, nice: int) -> None:
    """A worker's first act: die with ``parent``, leave SIGINT to it, and lower its priority."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a forked worker inherits the parent's
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _ENDING)
    if sys.platform == "linux":
        import ctypes

        ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before that: no signal will come
        os._exit(1)
    if nice and hasattr(os, "nice"):
        os.nice(nice)
