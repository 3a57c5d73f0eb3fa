"""Checking one input end to end: locate it, read it, replay it, collect findings."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field

from lifecheck.checker.commands.progress import Progress, stderr_bar
from lifecheck.checker.reading.segments import cuts
from lifecheck.checker.reading.store import InputError, Source, locate, read_snapshot, reason
from lifecheck.checker.replay.engine import DEFAULT_SEMANTICS, Replay
from lifecheck.checker.rules.findings import Finding
from lifecheck.spec.model import Transition


@dataclass(frozen=True, slots=True)
class InputReport:
    """The outcome for one input path: its findings, or why it could not be read.

    ``taken`` counts the spec transitions the replay took, ``entered`` the states records
    moved into (what ``lifecheck coverage`` reports).
    """

    path: str
    events: int = 0
    agents: int = 0
    findings: tuple[Finding, ...] = ()
    log: str | None = None
    snapshot: str | None = None
    notes: tuple[str, ...] = field(default=())
    error: str | None = None
    taken: Mapping[Transition, int] = field(default_factory=dict)
    entered: Mapping[str, int] = field(default_factory=dict)


def check_path(
    path: str,
    semantics: str = DEFAULT_SEMANTICS,
    *,
    exact: bool = False,
    jobs: int = 1,
    progress: bool = False,
) -> InputReport:
    """Check a log file or store directory; unreadable inputs come back with ``error``.

    ``exact`` reads line by line with every serde rule (slower); ``jobs`` > 1 validates a
    big log in that many processes; ``progress`` shows a bar on stderr when reading takes
    more than a few seconds.
    """
    try:
        source = locate(path)
        replay = replay_source(source, semantics, exact=exact, jobs=jobs, progress=progress)
    except InputError as error:
        return InputReport(path=path, error=str(error))
    return InputReport(
        path=source.path,
        events=replay.events,
        agents=len(replay.index.by_id),
        findings=tuple(replay.finish()),
        log=source.log,
        snapshot=source.snapshot,
        notes=source.notes,
        taken=replay.taken,
        entered=replay.entered,
    )


def new_replay(source: Source, semantics: str, *, record_steps: bool = False) -> Replay:
    """A replay of ``source`` not yet run: its snapshot's index loaded, if it has one."""
    return Replay(
        path=source.log or source.snapshot or source.path,
        semantics=semantics,
        index=read_snapshot(source.snapshot) if source.snapshot else None,
        snapshot_path=source.snapshot,
        record_steps=record_steps,
    )


@contextmanager
def _no_cycle_collector() -> Iterator[None]:
    """Pause Python's cycle collector while a log is read and replayed (in the workers too,
    which are forked then). Reading makes no reference cycles, only millions of short-lived
    objects, and the collector's passes over them cost 5-7% of a big log's time; memory is
    unchanged (the benchmark measures it)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def replay_source(
    source: Source,
    semantics: str,
    *,
    record_steps: bool = False,
    exact: bool = False,
    jobs: int = 1,
    progress: bool = False,
) -> Replay:
    """Replay a located input to its end (or its first malformed line)."""
    replay = new_replay(source, semantics, record_steps=record_steps)
    if source.log is not None:
        try:
            with open(source.log, "rb") as log, _no_cycle_collector():
                size = os.fstat(log.fileno()).st_size
                with Progress(size, stderr_bar(source.log)) as bar:
                    shown = bar if progress else None
                    at = cuts(log, size, jobs)
                    if len(at) > 2:
                        replay.read_segments(source.log, at, jobs=jobs, exact=exact, progress=shown)
                    else:
                        replay.read(log, exact=exact, progress=shown)
        except OSError as error:
            raise InputError(f"{source.log}: {reason(error)}") from None
    return replay
