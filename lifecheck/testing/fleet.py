"""The fleet model: a small model of the Midtown daemon's agents, and the log it writes.

:class:`Fleet` holds what the daemon holds as far as the log can tell (its agent records,
routing by name, the channels) and appends events in the daemon's exact on-disk format.
What the daemon does is in :mod:`lifecheck.testing.moves`, the faults that can be injected
in :mod:`lifecheck.testing.faults`, and driving it (seeded, or by Hypothesis draws) in
:mod:`lifecheck.testing.generator` and :mod:`lifecheck.testing.strategies`. Every choice
comes from a :class:`Choices`.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import count
from typing import Any, Protocol, TypeVar

AUTHORS = ("btucker", "swift-river", "quiet-harbor")
WORKER_NAMES = ("amber-field", "calm-meadow", "bright-cove", "swift-river")
CHANNELS = ("midtown", "backend", "frontend")
STOP_REASONS = ("process exited", "idle worker", "task completed", "PR opened, waiting for review")
RESTART = "process not found on startup"


@dataclass(frozen=True, slots=True)
class Fault:
    """A fault injected at ``line`` (1-based) that a checker must report as ``rule``."""

    line: int
    rule: str


@dataclass(frozen=True, slots=True)
class GeneratedLog:
    """Physical lines of a log (without newlines) and the faults injected into it."""

    lines: tuple[bytes, ...]
    faults: tuple[Fault, ...] = ()

    def text(self) -> bytes:
        """The log file's bytes."""
        return b"".join(line + b"\n" for line in self.lines)


T = TypeVar("T")


class Choices(Protocol):
    """Where the daemon model's choices come from: Hypothesis, or a seeded random."""

    def pick(self, options: Sequence[T]) -> T: ...

    def number(self, low: int, high: int) -> int: ...

    def uuid(self) -> str: ...


@dataclass(slots=True)
class Agent:
    """One agent record as the daemon holds it."""

    id: str
    name: str
    kind: str
    channel: str | None
    task: str | None
    thread: str | None
    session: str | None = None
    pid: int | None = None
    running: bool = False
    stopped: bool = False
    gc: bool = False


@dataclass
class Fleet:
    """The daemon as far as the log can tell: agents, routing by name, the lines written."""

    semantics: str = "d11b83e"
    agents: dict[str, Agent] = field(default_factory=dict)
    by_name: dict[str, str] = field(default_factory=dict)
    by_thread: dict[str, str] = field(default_factory=dict)
    lines: list[bytes] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    channels: list[str] = field(default_factory=lambda: list(CHANNELS))
    not_found: Counter[str] = field(default_factory=Counter)
    max_agents: int | None = None
    chatter: int = 0  # percent of moves that are only messages
    _pids: count[int] = field(default_factory=lambda: count(41000, 7))
    _serial: count[int] = field(default_factory=lambda: count(1))

    # --- writing --------------------------------------------------------------------

    def emit(self, variant: str, **fields: Any) -> None:
        """Append one event in the daemon's compact, externally tagged format."""
        body = json.dumps({variant: fields}, separators=(",", ":"), ensure_ascii=False)
        self.lines.append(body.encode())

    def fault(self, rule: str, variant: str | None = None, **fields: Any) -> None:
        """Append a line that breaks ``rule``, and remember where."""
        if variant is None:
            self.lines.append(b'{"AgentResumed":{"id":"legacy-without-pid"}}')
        else:
            self.emit(variant, **fields)
        self.faults.append(Fault(len(self.lines), rule))

    def pid(self) -> int:
        return next(self._pids)

    def serial(self) -> int:
        """The next number for a task subject, a PR, a ghost name or a renamed channel."""
        return next(self._serial)

    # --- queries --------------------------------------------------------------------

    def live(self) -> list[Agent]:
        return [a for a in self.agents.values() if not a.gc]

    def running(self) -> list[Agent]:
        return [a for a in self.agents.values() if a.running]

    def can_run(self, agent: Agent) -> bool:
        """Starting it would duplicate no running name, task, fork thread or lead channel."""
        return not self.clashes(agent)

    def clashes(self, agent: Agent) -> set[str]:
        """The ``duplicate-running-*`` rules starting ``agent`` now would break (a task
        shared with any kind counts; a fork on the thread is not also a name clash)."""
        found = set()
        for other in self.running():
            if other.id == agent.id:
                continue
            same_thread = agent.thread is not None and other.thread == agent.thread
            if agent.kind == other.kind == "Fork" and same_thread:
                found.add("duplicate-running-fork-thread")
            elif other.name == agent.name:
                found.add("duplicate-running-name")
            if agent.task is not None and other.task == agent.task:
                found.add("duplicate-running-worker-task")
            if agent.kind == other.kind == "Lead" and other.channel == agent.channel:
                found.add("duplicate-running-lead-channel")
        return found

    def owns_indexes(self, agent: Agent) -> bool:
        """Collecting it would remove no other record's routing entry (tasks are fresh per
        spawn, so only the name and, after a fork took it over, the thread can have moved on)."""
        if agent.thread is not None and self.by_thread.get(agent.thread, agent.id) != agent.id:
            return False
        return self.by_name.get(agent.name, agent.id) == agent.id

    def collect(self, agent: Agent) -> None:
        """What collecting it does to the fleet (the caller writes the line)."""
        agent.gc, agent.running = True, False
        self.by_name.pop(agent.name, None)
        if agent.thread is not None:
            self.by_thread.pop(agent.thread, None)
