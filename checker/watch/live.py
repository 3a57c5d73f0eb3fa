"""One input followed live: its current log replayed as the daemon writes it.

An input is a log file or a store directory, located again at each look as ``check``
locates it (:func:`..reading.store.locate`): when the daemon switches to a newer snapshot
and log, the new log is followed, replayed from the new snapshot; when the log is written
anew (the daemon's recovery at a restart), it is replayed again from its start; when the
input disappears, that is said once, and it is replayed anew if it comes back. Each
finding is handed out once: a finding whose fingerprint was handed out for the same file
is not handed out again, whatever its line now (fingerprints do not depend on lines, which
the daemon's rewrite shifts when it drops blank lines).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import replace

from lifecheck.checker.check import new_replay, stopped
from lifecheck.checker.reading.reader import LogReader
from lifecheck.checker.reading.store import InputError, Source, locate, reason
from lifecheck.checker.replay.engine import Replay
from lifecheck.checker.rules.findings import Finding
from lifecheck.checker.watch.tail import Change, Tail


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' * (count != 1)}"


class Live:
    """Follows the input at ``path``: each :meth:`poll` replays what was written since.

    ``emit`` gets each finding not handed out before, as it is found; ``note`` gets a line
    about the input (it switched logs, was written anew, is gone or back); ``explain``
    attaches explanations to findings. Memory: the replay's (bounded by the records), and
    one fingerprint per finding handed out.
    """

    def __init__(
        self,
        path: str,
        semantics: str,
        *,
        emit: Callable[[Finding], None],
        note: Callable[[str], None],
        explain: bool = False,
    ) -> None:
        self.path = path
        self._semantics = semantics
        self._emit = emit
        self._note = note
        self._explain = explain
        self._seen: set[tuple[str, str]] = set()  # (file, fingerprint) handed out
        self._source: Source | None = None
        self._replay: Replay | None = None
        self._tail: Tail | None = None
        self._halted = False  # the replay stopped at a malformed line, as the daemon would
        self._events = 0  # events replayed from the log followed now
        self.gone: str | None = None  # why the input is not there, once said

    # --- what is followed -------------------------------------------------------------

    @property
    def folder(self) -> str | None:
        """The folder the followed files are in (``None`` while the input is gone)."""
        source = self._source
        if source is None:
            return None
        return os.path.dirname(source.log or source.snapshot or source.path) or "."

    @property
    def log(self) -> str | None:
        """The log followed now, if any."""
        return None if self._source is None else self._source.log

    @property
    def events(self) -> int:
        """Events replayed from the log followed now."""
        return self._events

    @property
    def agents(self) -> int:
        """Records in the replay's index."""
        return 0 if self._replay is None else len(self._replay.index.by_id)

    @property
    def pending(self) -> int:
        """Bytes of a last line the daemon has not finished writing."""
        return 0 if self._tail is None else self._tail.pending

    # --- following --------------------------------------------------------------------

    def poll(self) -> None:
        """Look at the input again and replay what is new in its log."""
        try:
            source = locate(self.path)
        except InputError as error:
            self._lose(str(error))
            return
        current = self._source
        if current is None:
            if (replay := self._new_replay(source)) is None:
                return
            if self.gone is not None:
                self._note(f"{self.path}: back; replaying it")
            self._start(source, replay)
        elif (source.snapshot, source.log) != (current.snapshot, current.log) and (
            source.log is not None or current.log is None
        ):  # a new snapshot counts once its log exists: the daemon writes the snapshot first
            if (replay := self._new_replay(source)) is None:
                return
            files = " and ".join(os.path.basename(f) for f in (source.snapshot, source.log) if f)
            self._note(f"{self.path}: the daemon switched to {files}; following it")
            self._start(source, replay)
        if self._tail is not None:
            try:
                self._follow(self._tail)
            except OSError as error:
                self._lose(f"{self._tail.path}: {reason(error)}")

    def finish(self) -> None:
        """Run the end-of-replay rules on what was replayed so far (records in limbo,
        zombies); their findings are handed out as any other."""
        if self._replay is not None:
            self._replay.finish()

    def _start(self, source: Source, replay: Replay) -> None:
        """Follow ``source`` with ``replay``, its log from the start."""
        if self._tail is not None:
            self._tail.close()
        self._source, self._replay, self.gone = source, replay, None
        self._tail = None if source.log is None else Tail(source.log)
        self._halted, self._events = False, 0

    def _new_replay(self, source: Source) -> Replay | None:
        """A new replay of ``source`` from its snapshot; ``None`` (and the input lost)
        when the snapshot cannot be read now."""
        try:
            return new_replay(source, self._semantics, explain=self._explain,
                              on_finding=self._found)  # fmt: skip
        except InputError as error:
            self._lose(str(error))
            return None

    def _follow(self, tail: Tail) -> None:
        before, pending = tail.lines, tail.pending
        change = tail.check()
        if change is Change.GONE:  # the next look at the input says what became of it
            return
        if change is Change.REWRITTEN:
            kept = tail.count_lines()
            had = _plural(before, "line") + (" and a torn one" if pending else "")
            self._note(f"{tail.path}: written anew, as the daemon's recovery does at a "
                       f"restart: it kept {kept} of {had}; replaying it again")  # fmt: skip
            assert self._source is not None
            if (replay := self._new_replay(self._source)) is None:
                return
            self._replay, self._halted, self._events = replay, False, 0
        elif change is Change.SAME:
            return
        self._read(tail)

    def _read(self, tail: Tail) -> None:
        """Replay the complete lines written since the last read."""
        lines, base = tail.take(), tail.lines
        replay = self._replay
        if self._halted or replay is None or not replay.daemon_starts:
            return  # the daemon's recovery would drop these lines: they are not replayed
        reader = LogReader(lines, replay.wanted)
        replay.run((base + line, event) for line, event in reader)
        tail.lines += reader.lines
        self._events += reader.events
        if (bad := reader.malformed) is not None:
            self._halted = True
            stopped(replay, replace(bad, line=base + bad.line))

    def _lose(self, why: str) -> None:
        """The input cannot be followed now: say why, once, and wait for it."""
        if self._tail is not None:
            self._tail.close()
        self._source, self._replay, self._tail = None, None, None
        if self.gone is None:
            self._note(f"{why}; waiting for it")
        self.gone = why

    def _found(self, finding: Finding) -> None:
        key = (finding.path, finding.fingerprint or "")
        if finding.fingerprint is not None and key in self._seen:
            return
        self._seen.add(key)
        self._emit(finding)
