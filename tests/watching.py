"""``lifecheck watch`` run as a process, its output read as it comes (for the watch tests
and the soak)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).parents[1]
#: How long a test waits for an output line before it fails: generous, never a measure.
PATIENCE = 10.0


class Watcher:
    """``lifecheck watch ARGS`` started in ``ROOT``; its lines, stamped with their arrival."""

    def __init__(self, args: Sequence[str], env: dict[str, str] | None = None) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "lifecheck", "watch", *args], cwd=ROOT,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
            env={**os.environ, **(env or {})},
        )  # fmt: skip
        self.out: list[tuple[float, str]] = []
        self.err: list[tuple[float, str]] = []
        self._changed = threading.Condition()
        assert self.process.stdout is not None
        assert self.process.stderr is not None
        self._readers = [
            threading.Thread(target=self._read, args=(self.process.stdout, self.out), daemon=True),
            threading.Thread(target=self._read, args=(self.process.stderr, self.err), daemon=True),
        ]
        for reader in self._readers:
            reader.start()

    def _read(self, stream: IO[bytes], into: list[tuple[float, str]]) -> None:
        for raw in stream:
            with self._changed:
                into.append((time.monotonic(), raw.decode()))
                self._changed.notify_all()

    def findings(self) -> list[dict[str, Any]]:
        """The findings printed so far (``--format jsonl``)."""
        with self._changed:
            return [json.loads(line) for _, line in self.out]

    def wait(self, seen: Callable[[], bool], what: str, timeout: float = PATIENCE) -> None:
        """Wait until ``seen()`` holds; fail naming ``what`` after ``timeout`` seconds."""
        end = time.monotonic() + timeout
        with self._changed:
            while not seen():
                left = end - time.monotonic()
                if left <= 0 or (self.process.poll() is not None and not self._more()):
                    raise AssertionError(f"no {what}; stdout {self.out!r}; stderr {self.err!r}")
                self._changed.wait(min(left, 0.1))

    def _more(self) -> bool:
        return any(reader.is_alive() for reader in self._readers)

    def wait_err(self, text: str, count: int = 1) -> None:
        """Wait for ``count`` lines on standard error holding ``text``."""
        self.wait(lambda: sum(text in line for _, line in self.err) >= count, repr(text))

    def wait_finding(self, rule: str, line: int | None = None) -> dict[str, Any]:
        """Wait for a finding of ``rule`` (at ``line``); return it."""

        def found() -> list[dict[str, Any]]:
            return [f for f in self.findings() if f["rule"] == rule and line in (None, f["line"])]

        self.wait(lambda: bool(found()), f"{rule} finding at line {line}")
        return found()[0]

    def stop(self, signum: int = signal.SIGINT) -> int:
        """Send ``signum``; return the exit code once the output is all read."""
        self.process.send_signal(signum)
        code = self.process.wait(timeout=PATIENCE)
        for reader in self._readers:
            reader.join(PATIENCE)
        return code

    def kill(self) -> None:
        """End the process if it still runs."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
