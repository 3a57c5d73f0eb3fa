"""Waiting for something to change in the folders followed: file-system notification
through watchfiles (Rust's notify: inotify, FSEvents, kqueue, ReadDirectoryChangesW), or
polling where that is not available or not wanted (network file systems, some containers).

Either way a wait ends at least every :data:`IDLE` seconds, so that inputs created, gone or
come back are noticed without a notification for them; while nothing is written the
process only wakes then.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Generator, Iterable

#: The longest wait, in seconds.
IDLE = 1.0
#: How often polling looks, in seconds.
POLL = 0.25
#: watchfiles groups changes until none came for STEP ms, or for at most DEBOUNCE ms
#: (under a steady stream of writes): a line is seen within about DEBOUNCE ms.
STEP, DEBOUNCE = 50, 150
#: Notification failing this many times in a row falls back to polling for good.
FAILURES = 3


class Waker:
    """Waits for a change in some folders; ``polling`` never tries notification.
    ``fallback`` is told, once, why notification gave way to polling."""

    def __init__(self, *, polling: bool = False, fallback: Callable[[str], None]) -> None:
        self.polling = polling
        self._fallback = fallback
        self._folders: tuple[str, ...] = ()
        self._changes: Generator[object, None, None] | None = None
        self._failures = 0

    def wait(self, folders: Iterable[str]) -> None:
        """Return when something changed in ``folders``, or after :data:`IDLE` seconds
        (:data:`POLL` seconds when polling)."""
        if self.polling:
            time.sleep(POLL)
            return
        wanted = tuple(sorted(set(folders)))
        if not wanted:
            self.close()
            time.sleep(IDLE)
            return
        if wanted != self._folders or self._changes is None:
            self.close()
            self._folders, self._changes = wanted, _notified(wanted)
        try:
            next(self._changes, None)
        except (ImportError, OSError, RuntimeError) as error:  # e.g. a folder just deleted
            self.close()
            self._failures += 1
            if self._failures >= FAILURES or isinstance(error, ImportError):
                self.polling = True
                self._fallback(f"file-system notification failed ({error}); polling instead")
            time.sleep(POLL)
        else:
            self._failures = 0

    def close(self) -> None:
        """Stop notification (it starts again at the next wait)."""
        if self._changes is not None:
            self._changes.close()
            self._changes = None
        self._folders = ()


def _notified(folders: tuple[str, ...]) -> Generator[object, None, None]:
    """A change set each time something changes in ``folders`` (not their subfolders), or
    an empty one after :data:`IDLE` seconds of nothing."""
    from watchfiles import watch  # imported when watching only

    yield from watch(
        *folders,
        watch_filter=None,
        debounce=DEBOUNCE,
        step=STEP,
        rust_timeout=int(IDLE * 1000),
        yield_on_timeout=True,
        recursive=False,
    )
