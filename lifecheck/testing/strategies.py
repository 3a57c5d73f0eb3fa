"""Hypothesis strategies for Midtown event logs: valid lifecycles, and logs with faults.

A small model of the daemon (:class:`.fleet.Fleet`, moved by :mod:`.moves`) spawns leads,
forks, workers and reviewers, stops, resumes, restarts, collects and renames the way
Midtown does, reusing names the way Midtown reuses them, and interleaves non-agent events.
Every line it writes is in the daemon's exact on-disk format. The choices are Hypothesis
draws, so failing logs shrink. Needs Hypothesis (``pip install 'lifecheck[strategies]'``).

``valid_logs(semantics)`` never breaks a rule of ``semantics``: lifecheck reports nothing
for them. ``faulty_logs(semantics)`` injects faults, each one rule of docs/rules.md, and records
the line and rule of each (:class:`Fault`), so a checker can be held to them::

    from hypothesis import given
    from lifecheck.testing.strategies import faulty_logs

    @given(faulty_logs())
    def test_my_checker(log):
        assert my_findings(log.lines) >= {(f.line, f.rule) for f in log.faults}
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import msgspec
from hypothesis import strategies as st

from lifecheck.checker.reading import events as ev
from lifecheck.testing.faults import FAULTS
from lifecheck.testing.fleet import (
    AUTHORS,
    CHANNELS,
    RESTART,
    STOP_REASONS,
    WORKER_NAMES,
    Fault,
    Fleet,
    GeneratedLog,
)
from lifecheck.testing.generator import generate, run
from lifecheck.testing.mixes import MODEL

__all__ = [
    "FAULTS",
    "Fault",
    "GeneratedLog",
    "agent_events",
    "event_line",
    "faulty_logs",
    "generate",
    "valid_logs",
]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class _Drawn:
    """Choices drawn by Hypothesis, so failing logs shrink."""

    draw: st.DrawFn

    def pick(self, options: Sequence[T]) -> T:
        return self.draw(st.sampled_from(options))

    def number(self, low: int, high: int) -> int:
        return self.draw(st.integers(low, high))

    def uuid(self) -> str:
        return str(self.draw(st.uuids(version=4)))


@st.composite
def valid_logs(draw: st.DrawFn, semantics: str = "d11b83e", max_moves: int = 60) -> GeneratedLog:
    """A log the daemon could write in which lifecheck under ``semantics`` finds nothing."""
    fleet, c = Fleet(semantics=semantics, mix=MODEL), _Drawn(draw)
    run(c, fleet, c.number(1, max_moves), set(), parse_error=False)
    return GeneratedLog(tuple(fleet.lines))


@st.composite
def faulty_logs(
    draw: st.DrawFn, semantics: str = "d11b83e", max_moves: int = 60, max_faults: int = 3
) -> GeneratedLog:
    """A realistic log with up to ``max_faults`` injected faults, each recorded.

    A malformed line (``parse-error``) may end it: the daemon would stop there too.
    """
    fleet, c = Fleet(semantics=semantics, mix=MODEL), _Drawn(draw)
    moves = c.number(1, max_moves)
    faulty = set(draw(st.lists(st.integers(0, moves - 1), min_size=1, max_size=max_faults)))
    run(c, fleet, moves, faulty, parse_error=c.number(0, 9) == 0)
    return GeneratedLog(tuple(fleet.lines), tuple(fleet.faults))


# --- single events -------------------------------------------------------------------------

_ids = st.uuids(version=4).map(str)
_names = st.sampled_from([*(f"{a}-reviewer" for a in AUTHORS), *WORKER_NAMES, *CHANNELS])
_pids = st.integers(0, 2**32 - 1)


def agent_events() -> st.SearchStrategy[Any]:
    """Any one agent event (a :mod:`lifecheck.checker.reading.events` struct), realistic."""
    maybe = st.none() | _ids
    return st.one_of(
        st.builds(ev.AgentCreated, id=_ids, name=_names,
                  kind=st.sampled_from(["Lead", "Fork", "Worker"]),
                  agent_type=st.sampled_from(["midtown-code-reviewer", "midtown-developer",
                                              "midtown-channel-lead", "midtown-project-lead"]),
                  provider=st.sampled_from(["ClaudeCode", "Codex"]),
                  channel=st.none() | st.sampled_from(CHANNELS), task_id=maybe,
                  bound_thread_id=maybe, icon=st.none(), color=st.none()),
        st.builds(ev.AgentStarted, id=_ids, pid=_pids, session_id=maybe),
        st.builds(ev.AgentStopped, id=_ids, reason=st.sampled_from([*STOP_REASONS, RESTART])),
        st.builds(ev.AgentResumed, id=_ids, pid=_pids),
        st.builds(ev.AgentGarbageCollected, id=_ids),
        st.builds(ev.AgentStateReported, id=_ids,
                  state=st.sampled_from(["developing", "reviewing", "idle"])),
        st.builds(ev.AgentSpawnFailed, name=_names, agent_type=st.just("midtown-code-reviewer"),
                  reason=st.sampled_from(["resume failed: exit 1", "no session_id for resume"])),
        st.builds(ev.AgentStopFailed, id=_ids, reason=st.just("kill failed: ESRCH")),
        st.builds(ev.AgentSessionNotFound, name=_names),
    )  # fmt: skip


def event_line(event: Any) -> bytes:
    """An event struct as the daemon writes it: ``{"Variant":{...}}``, compact."""
    return b'{"' + type(event).__name__.encode() + b'":' + msgspec.json.encode(event) + b"}"
