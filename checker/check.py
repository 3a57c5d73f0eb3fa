"""Checking one input end to end: locate it, read it, replay it, collect findings."""

from __future__ import annotations

from dataclasses import dataclass, field

from checker.findings import Finding
from checker.reader import LogReader
from checker.replay import DEFAULT_SEMANTICS, Replay
from checker.store import InputError, Source, locate, read_snapshot, reason


@dataclass(frozen=True, slots=True)
class InputReport:
    """The outcome for one input path: its findings, or why it could not be read."""

    path: str
    events: int = 0
    agents: int = 0
    findings: tuple[Finding, ...] = ()
    log: str | None = None
    snapshot: str | None = None
    notes: tuple[str, ...] = field(default=())
    error: str | None = None


def check_path(path: str, semantics: str = DEFAULT_SEMANTICS) -> InputReport:
    """Check a log file or store directory; unreadable inputs come back with ``error``."""
    try:
        source = locate(path)
        return _check(source, semantics)
    except InputError as error:
        return InputReport(path=path, error=str(error))


def _check(source: Source, semantics: str) -> InputReport:
    index = read_snapshot(source.snapshot) if source.snapshot else None
    replay = Replay(
        path=source.log or source.snapshot or source.path,
        semantics=semantics,
        index=index,
        snapshot_path=source.snapshot,
    )
    if source.log is not None:
        try:
            with open(source.log, "rb") as log:
                reader = LogReader(log)
                replay.run(reader)
        except OSError as error:
            raise InputError(f"{source.log}: {reason(error)}") from None
        if reader.malformed is not None:
            replay.stopped_at_bad_line(reader.malformed)
    findings = replay.finish()
    return InputReport(
        path=source.path,
        events=replay.events,
        agents=len(replay.index.by_id),
        findings=tuple(findings),
        log=source.log,
        snapshot=source.snapshot,
        notes=source.notes,
    )
