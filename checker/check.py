"""Checking inputs end to end: locate each, read it, replay it, collect the report data.

This is where reading meets the replay core: the readers turn a log into ``(line,
event)`` pairs, the replay checks them. Nothing here changes process-wide settings; the
command line does that (:mod:`lifecheck.checker.commands`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from concurrent.futures import Executor

    from lifecheck.spec.render import Overlay

import os
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager, nullcontext

from lifecheck.checker.reading.agent_ref import resolve_agent
from lifecheck.checker.reading.agents import AgentIndex
from lifecheck.checker.reading.opened import open_input
from lifecheck.checker.reading.reader import LogReader, Malformed, Readable
from lifecheck.checker.reading.segments import cuts, read_parallel
from lifecheck.checker.reading.stdin import STDIN
from lifecheck.checker.reading.store import (
    InputError,
    Source,
    load_snapshot,
    locate,
    reason,
    stale_choice,
)
from lifecheck.checker.replay.coverage import Coverage
from lifecheck.checker.replay.engine import DEFAULT_SEMANTICS, Replay
from lifecheck.checker.replay.observers import Observer
from lifecheck.checker.replay.timeline import Timeline, TimelineRecorder
from lifecheck.checker.reports.data import InputReport
from lifecheck.checker.reports.spool import Findings
from lifecheck.checker.rules.findings import Finding
from lifecheck.checker.rules.policy import Policy, Screen

#: Timelines kept per input when asked for: the agents with the most findings first.
TIMELINES = 10

#: Makes a progress meter for a log of ``size`` bytes: called with the bytes read so far.
ProgressMeter = Callable[[str, int], AbstractContextManager[Callable[[int], None]]]

#: Makes the pool of ``workers`` processes a big log is validated in.
PoolFactory = Callable[[int], "Executor"]


def check_path(
    path: str,
    semantics: str = DEFAULT_SEMANTICS,
    *,
    exact: bool = False,
    jobs: int = 1,
    pool: PoolFactory | None = None,
    progress: ProgressMeter | None = None,
    timelines: bool = False,
    coverage: bool = True,
    on_finding: Callable[[Finding], None] | None = None,
    policy: Policy | None = None,
    root: str | None = None,
) -> InputReport:
    """Check a log file or store directory; unreadable inputs come back with ``error``.

    ``exact`` reads line by line with every serde rule (slower); ``jobs`` > 1 validates a
    big log in that many processes (from ``pool``, by default a plain process pool);
    ``progress`` makes a meter for each log read; ``timelines`` keeps the timelines of the
    :data:`TIMELINES` agents with most findings; ``coverage`` counts the spec transitions
    taken and states entered or loaded from a snapshot (``taken``, ``entered``, ``loaded``;
    about 7% of a busy log's time);
    ``policy`` picks the findings reported and their severities (by default all, as they are);
    ``root`` is the folder fingerprints take paths from (:func:`identity_of`).
    ``on_finding`` is handed each finding reported as it is found, in the order the checks
    meet them (not sorted); when the daemon's recovery fails on a log with a byte that is
    not UTF-8, the findings of the lines before it are followed by ``recovery-fails``, which
    the report keeps alone.
    """
    counted = [Coverage()] if coverage else []
    findings = Findings(listener=on_finding)
    screen = None if policy is None or policy.is_default else Screen(policy, findings.append)
    try:
        source = locate(path)
        replay = new_replay(source, semantics, observers=counted, root=root,
                            on_finding=screen or findings.append)  # fmt: skip
        recorder = TimelineRecorder(replay) if timelines else None
        events = read_source(source, replay, recorder, exact=exact, jobs=jobs, pool=pool,
                             progress=progress)  # fmt: skip
    except InputError as error:
        return InputReport(path=path, error=str(error))
    replay.finish()
    starts = replay.daemon_starts  # if not, nothing of the input counts as replayed
    hidden = 0 if screen is None else screen.hidden.total()
    if not starts:  # the one finding is that the daemon will not start
        findings = Findings(f for f in findings if f.rule == "recovery-fails")
        hidden = 0 if screen is None else screen.hidden["recovery-fails"]
    return InputReport(
        path=source.path,
        events=events,
        agents=len(replay.index.by_id),
        findings=findings,
        hidden=hidden,
        log=source.log,
        snapshot=source.snapshot,
        notes=source.notes,
        taken=counted[0].taken if counted and starts else {},
        entered=counted[0].entered if counted and starts else {},
        loaded=counted[0].from_snapshot if counted and starts else {},
        timelines=() if recorder is None or not starts else _most_found(recorder, findings),
    )


def _most_found(recorder: TimelineRecorder, findings: Sequence[Finding]) -> tuple[Timeline, ...]:
    counts: dict[str, int] = {}
    for finding in findings:
        if finding.agent_id:
            counts[finding.agent_id] = counts.get(finding.agent_id, 0) + 1
    chosen = sorted(counts, key=lambda agent: (-counts[agent], agent))[:TIMELINES]
    timelines = recorder.finish(findings, chosen)
    return tuple(timelines[agent] for agent in chosen)


def identity_of(path: str, root: str | None = None) -> str:
    """The input as its findings' fingerprints name it: its path from ``root`` (by default
    the working directory), however it was spelt (``logs/x``, ``./logs/x/``, ``/abs/logs/x``
    or ``../../logs/x`` from a subfolder are one input), so that a baseline matches wherever
    lifecheck runs in the project; standard input as it is shown."""
    if path == STDIN:
        return path
    return os.path.relpath(os.path.abspath(path), root or os.getcwd())


def new_replay(
    source: Source,
    semantics: str,
    *,
    observers: Sequence[Observer] = (),
    explain: bool = True,
    on_finding: Callable[[Finding], None] | None = None,
    root: str | None = None,
) -> Replay:
    """A replay of ``source`` not yet run: its snapshot's index loaded, if it has one, and
    the store's findings reported (docs/rules.md §2): the daemon's recovery failing on the
    snapshot, or the daemon taking a stale one, and the contradictions of its index.
    Findings go to ``on_finding`` as found (by default the replay keeps them)."""
    snapshot = None if source.snapshot is None else load_snapshot(source.snapshot)
    replay = Replay(
        path=source.log or source.snapshot or source.path,
        semantics=semantics,
        index=None if snapshot is None else snapshot.index,
        snapshot_path=source.snapshot,
        observers=observers,
        explain=explain,
        on_finding=on_finding,
        identity=identity_of(source.path, root),
    )
    if snapshot is None or source.snapshot is None:
        return replay
    path = source.snapshot
    if (unusable := snapshot.unusable) is not None:
        replay.recovery_failed(path, unusable.line, "the daemon will not start: its recovery "
                               f"fails on this snapshot, which is {unusable.reason}")  # fmt: skip
        return replay
    if (stale := stale_choice(source)) is not None:
        replay.report("stale-snapshot-chosen", None, None, None, stale, path=path)
    for contradiction in snapshot.contradictions:
        replay.report("snapshot-inconsistent", None, contradiction.agent_id,
                      contradiction.agent_name, contradiction.message, path=path)  # fmt: skip
    return replay


def read_source(
    source: Source,
    replay: Replay,
    recorder: TimelineRecorder | None = None,
    *,
    exact: bool = False,
    jobs: int = 1,
    pool: PoolFactory | None = None,
    progress: ProgressMeter | None = None,
) -> int:
    """Feed a located input's log to ``replay`` (through ``recorder``, if any) to its end or
    its first malformed line; return the number of events read (none when the daemon's
    recovery fails). The log is read as it was when opened (:mod:`.reading.opened`)."""
    if source.log is None or not replay.daemon_starts:
        return 0
    try:
        with open_input(source.log) as log:  # read as it is now, whatever the daemon does
            meter = progress(source.log, log.size) if progress else nullcontext(None)
            with meter as shown:
                at = cuts(log, jobs)
                if len(at) <= 2:
                    return read_log(replay, log.range(), recorder, exact=exact, progress=shown)
                events, malformed = read_parallel(
                    log, at, replay.wanted, (recorder or replay).run,
                    jobs=jobs, pool=pool or _plain_pool, exact=exact, progress=shown,
                )  # fmt: skip
                if malformed is not None:
                    stopped(replay, malformed)
                return events if replay.daemon_starts else 0
    except OSError as error:
        raise InputError(f"{source.log}: {reason(error)}") from None


def read_log(
    replay: Replay,
    log: Readable | Iterable[bytes],
    recorder: TimelineRecorder | None = None,
    *,
    exact: bool = False,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Feed a log (a binary file or its lines) to ``replay`` up to its first malformed line;
    return the number of events read (none when the daemon's recovery fails on it)."""
    reader = LogReader(log, replay.wanted, exact=exact, progress=progress)
    (recorder or replay).run(reader)
    if (bad := reader.malformed) is not None:
        stopped(replay, bad)
    return reader.events if replay.daemon_starts else 0


def stopped(replay: Replay, bad: Malformed) -> None:
    """Where the daemon's recovery stops in the replayed log: a malformed line, or a log
    that is not UTF-8, which it cannot read at all (docs/rules.md §1)."""
    if bad.unreadable:
        why = bad.reason if "utf-8" in bad.reason.lower() else f"not UTF-8 ({bad.reason})"
        message = f"the daemon will not start: its recovery cannot read this log: {why}"
        replay.recovery_failed(replay.path, bad.line, message)
    else:
        replay.stopped_at_bad_line(bad.line, bad.reason, bad.dropped)


def timelines_of(source: Source, agents: Sequence[str], semantics: str) -> list[Timeline]:
    """The timelines of several agents (each an id or a name, as it is), from one replay of
    a located input; :class:`InputError` saying why when the daemon's recovery fails on it
    (no agent has a timeline then)."""
    timelines, _ = _recorded(source, agents, semantics)
    return [timelines[agent] for agent in agents]


def timeline_of(source: Source, agent: str, semantics: str) -> Timeline:
    """The whole timeline of ``agent`` in a located input, end-of-replay findings included."""
    return timelines_of(source, [agent], semantics)[0]


def agent_timeline(source: Source, agent: str, semantics: str) -> Timeline:
    """:func:`timeline_of` the agent ``agent`` means: an id, a name, or a unique id prefix
    (:func:`.reading.agent_ref.resolve_agent`); :class:`InputError` if none or several.
    A second replay only for a prefix: the first one tells what it stands for."""
    timelines, where = _recorded(source, [agent], semantics)
    chosen = resolve_agent(agent, *where)
    return timelines[agent] if chosen == agent else timeline_of(source, chosen, semantics)


def _recorded(
    source: Source, agents: Sequence[str], semantics: str
) -> tuple[dict[str, Timeline], tuple[dict[str, str | None], set[str], str]]:
    """The timelines of ``agents`` from one replay, and the agents the replay knows (ids
    with their names, and names) where it says they are."""
    replay = new_replay(source, semantics)
    recorder = TimelineRecorder(replay, agents)
    read_source(source, replay, recorder)
    findings = replay.finish()
    if not replay.daemon_starts:
        (failed,) = findings
        where = failed.path if failed.line is None else f"{failed.path}:{failed.line}"
        raise InputError(f"{where}: {failed.message}")
    return recorder.finish(findings), _known(replay, findings)


def agent_in(source: Source, agent: str, semantics: str) -> str:
    """The id or name ``agent`` means in a located input, from one replay of it (see
    :func:`agent_timeline`)."""
    replay = new_replay(source, semantics, explain=False)
    read_source(source, replay)
    return resolve_agent(agent, *_known(replay, replay.finish()))


def _known(
    replay: Replay, findings: Iterable[Finding]
) -> tuple[dict[str, str | None], set[str], str]:
    """The agents a finished replay knows, for :func:`resolve_agent`: its records' ids with
    their names, and the ids and names its findings give (a never-created id, a name no
    record has), then where they are."""
    ids: dict[str, str | None] = {i: record.name for i, record in replay.index.by_id.items()}
    names = {record.name for record in replay.index.by_id.values()}
    for finding in findings:
        if finding.agent_id is not None:
            ids.setdefault(finding.agent_id, finding.agent_name)
        if finding.agent_name is not None:
            names.add(finding.agent_name)
    return ids, names, replay.path


def trace_overlay(
    path: str, semantics: str, agent: str | None = None, *, label: str | None = None
) -> Overlay:
    """What the log or store at ``path`` did, for a diagram titled with ``label`` (the path
    by default), and with ``agent`` (an id, id prefix or name) that agent's numbered path."""
    from lifecheck.checker.reports.diagrams import AgentPath, overlay_from  # for diagrams only

    source = locate(path)
    coverage = Coverage(steps=agent is not None)
    replay = new_replay(source, semantics, observers=[coverage], explain=False)
    events = read_source(source, replay)
    chosen = None
    if agent is not None:
        agent_id = record_of(replay.index, agent, replay.path)
        steps = (coverage.steps or {}).get(agent_id, [])
        chosen = AgentPath(agent_id, replay.index.by_id[agent_id].name, steps)
    taken, entered = coverage.taken, coverage.entered
    return overlay_from(semantics, label or path, events, taken, entered, chosen,
                        loaded=coverage.from_snapshot)  # fmt: skip


def record_of(index: AgentIndex, agent: str, where: str) -> str:
    """The record ``agent`` means in ``index`` (:func:`.reading.agent_ref.resolve_agent`),
    by a name the most recently created record with it; :class:`InputError` naming
    ``where`` when there is none, or several."""
    records = {i: record.name for i, record in index.by_id.items()}
    chosen = resolve_agent(agent, records, set(records.values()), where)
    return chosen if chosen in records else [i for i, n in records.items() if n == chosen][-1]


def _plain_pool(workers: int) -> Executor:
    from lifecheck.checker.pools import worker_pool  # only for a big log

    return worker_pool(workers)


__all__ = [
    "InputReport",
    "agent_in",
    "agent_timeline",
    "check_path",
    "locate",
    "new_replay",
    "read_log",
    "read_source",
    "record_of",
    "timeline_of",
    "timelines_of",
    "trace_overlay",
]
