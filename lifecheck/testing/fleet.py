"""The fleet model: a small model of the Midtown daemon's agents, and the log it writes.

:class:`Fleet` holds what the daemon holds as far as the log can tell (its agent records,
routing by name, the channels) and appends events in the daemon's exact on-disk format.
What the daemon does is in :mod:`lifecheck.testing.moves`, the faults that can be injected
in :mod:`lifecheck.testing.faults`, and driving it (seeded, or by Hypothesis draws) in
:mod:`lifecheck.testing.generator` and :mod:`lifecheck.testing.strategies`. Every choice
comes from a :class:`Choices`.

The fleet follows only the records it may still write about: a collected record is
forgotten (but for the last few, which faults name), and so is one that can never change
again. What it holds is bounded by its mix's ``crowd``, not by the length of the log, and
every step costs time in proportion to that at most.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence, Sized
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

import msgspec

from lifecheck.testing.mixes import MESSAGES, Mix

AUTHORS = ("btucker", "swift-river", "quiet-harbor")
WORKER_NAMES = ("amber-field", "calm-meadow", "bright-cove", "swift-river")
CHANNELS = ("midtown", "backend", "frontend")
STOP_REASONS = ("process exited", "idle worker", "task completed", "PR opened, waiting for review")
RESTART = "process not found on startup"
#: Linux hands out pids one after the other up to ``pid_max`` (32768 on many machines), then
#: wraps around to 300; a pid a live process holds is skipped. Between two agents, other
#: processes take about ``PID_STEP``.
FIRST_PID, PID_STEP, PID_MIN, PID_MAX = 4100, 7, 300, 32768
#: A line the daemon cannot read: the first version's AgentResumed, without its pid.
MALFORMED = b'{"AgentResumed":{"id":"legacy-without-pid"}}'
RECENT, COLLECTED = 20, 16  # the newest records messages are about; collected ones kept

_encode = msgspec.json.encode


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

    def data(self) -> bytes:
        """The log file's bytes."""
        return b"".join(line + b"\n" for line in self.lines)

    def text(self) -> str:
        """The log file's text (a byte that is not UTF-8, as a malformed line may hold,
        kept as a lone surrogate: ``text().encode(errors="surrogateescape")`` is
        :meth:`data`)."""
        return self.data().decode(errors="surrogateescape")


T = TypeVar("T")


class Choices(Protocol):
    """Where the daemon model's choices come from: Hypothesis, or a seeded random."""

    def pick(self, options: Sequence[T]) -> T: ...

    def number(self, low: int, high: int) -> int: ...

    def uuid(self) -> str: ...


@dataclass(slots=True, eq=False)
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
    shared: list[tuple[str, str | None]] = field(default_factory=list)  # while running


def _shared(agent: Agent) -> list[tuple[str, str | None]]:
    """What two running records must not share: any other running record sharing one of
    these is a ``duplicate-running-*`` clash."""
    keys: list[tuple[str, str | None]] = [("name", agent.name)]
    if agent.task is not None:
        keys.append(("task", agent.task))
    if agent.kind == "Lead":
        keys.append(("lead", agent.channel))
    elif agent.kind == "Fork" and agent.thread is not None:
        keys.append(("fork", agent.thread))
    return keys


@dataclass(eq=False)
class Fleet:
    """The daemon as far as the log can tell: agents, routing by name, the lines written."""

    semantics: str = "d11b83e"
    mix: Mix = MESSAGES
    max_agents: int | None = None  # most records ever created
    agents: dict[str, Agent] = field(default_factory=dict)  # followed: not collected
    by_name: dict[str, str] = field(default_factory=dict)
    by_thread: dict[str, str] = field(default_factory=dict)
    leads: dict[str | None, Agent] = field(default_factory=dict)  # followed, by channel
    lines: list[bytes] = field(default_factory=list)  # written since the last drain
    faults: list[Fault] = field(default_factory=list)  # injected since the last drain
    written: int = 0  # lines drained
    created: int = 0
    channels: list[str] = field(default_factory=lambda: list(CHANNELS))
    not_found: Counter[str] = field(default_factory=Counter)  # by worker name
    recent: list[Agent] = field(default_factory=list)
    collected: list[Agent] = field(default_factory=list)
    _running: dict[str, Agent] = field(default_factory=dict)
    _stopped: dict[str, Agent] = field(default_factory=dict)
    _sharing: dict[tuple[str, str | None], list[Agent]] = field(default_factory=dict)
    _held: Counter[int] = field(default_factory=Counter)  # pids of followed running records
    _next_pid: int = FIRST_PID
    _serial: int = 0

    # --- writing --------------------------------------------------------------------

    def emit(self, variant: str, **fields: Any) -> None:
        """Append one event in the daemon's compact, externally tagged format."""
        self.lines.append(_encode({variant: fields}))

    def fault(self, rule: str, variant: str | None = None, **fields: Any) -> None:
        """Append a line that breaks ``rule``, and remember where."""
        if variant is None:
            self.lines.append(MALFORMED)
        else:
            self.emit(variant, **fields)
        self.faults.append(Fault(self.written + len(self.lines), rule))

    def drain(self) -> tuple[list[bytes], list[Fault]]:
        """The lines written since the last drain and the faults among them, handed out."""
        lines, faults, self.lines, self.faults = self.lines, self.faults, [], []
        self.written += len(lines)
        return lines, faults

    def pid(self, c: Choices) -> int:
        """The pid the OS gives the next agent: other processes took a few since the last
        one, and it skips those live processes hold."""
        pid = _after(self._next_pid, c.number(1, 2 * PID_STEP))
        while pid in self._held:
            pid = _after(pid, 1)
        self._next_pid = pid
        return pid

    def serial(self) -> int:
        """The next number for a task subject, a PR, a ghost name or a renamed channel."""
        self._serial += 1
        return self._serial

    # --- queries --------------------------------------------------------------------

    def live(self) -> list[Agent]:
        return list(self.agents.values())

    def running(self) -> list[Agent]:
        return list(self._running.values())

    def stopped(self) -> list[Agent]:
        """Followed records stopped and not running since."""
        return list(self._stopped.values())

    def room(self) -> bool:
        """Another record may be created: the fleet holds fewer than its crowd, and the
        cap on records created is not reached."""
        cap = self.max_agents
        return len(self.agents) < self.mix.crowd and (cap is None or self.created < cap)

    def can_run(self, agent: Agent) -> bool:
        """Starting it would duplicate no running name, task, fork thread or lead channel."""
        sharing = self._sharing
        for key in _shared(agent):
            for other in sharing.get(key, ()):
                if other.id != agent.id:
                    return False
        return True

    def clashes(self, agent: Agent) -> set[str]:
        """The ``duplicate-running-*`` rules starting ``agent`` now would break (a task
        shared with any kind counts; a fork on the thread is not also a name clash)."""
        others = {
            other.id: other
            for key in _shared(agent)
            for other in self._sharing.get(key, ())
            if other.id != agent.id
        }
        found = set()
        for other in others.values():
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

    def size(self) -> int:
        """How many entries the model holds (bounded by the mix's ``crowd``)."""
        held: tuple[Sized, ...] = (
            self.agents, self.by_name, self.by_thread, self.leads, self.lines, self.faults,
            self.not_found, self.recent, self.collected, self._running, self._stopped,
            self._sharing, self._held,
        )  # fmt: skip
        return sum(len(entries) for entries in held)

    # --- what the daemon does to its records (the caller writes the lines) -------------

    def add(self, agent: Agent) -> None:
        """A record created, or a record not running created again (the same id: the
        daemon replaces it whole)."""
        agent.session, agent.pid, agent.stopped = None, None, False
        self._stopped.pop(agent.id, None)
        self.agents[agent.id] = agent
        self.by_name[agent.name] = agent.id
        if agent.thread is not None:
            self.by_thread[agent.thread] = agent.id
        if agent.kind == "Lead":
            self.leads[agent.channel] = agent
        self.created += 1
        self.recent.append(agent)
        if len(self.recent) > RECENT:
            del self.recent[0]

    def run(self, agent: Agent, pid: int) -> None:
        """Started or resumed with ``pid`` (again, if it was running)."""
        self._release(agent)
        agent.pid, agent.running, agent.stopped = pid, True, False
        self._stopped.pop(agent.id, None)
        self._running[agent.id] = agent
        agent.shared = _shared(agent)
        for key in agent.shared:
            self._sharing.setdefault(key, []).append(agent)
        if pid:
            self._held[pid] += 1

    def halt(self, agent: Agent) -> None:
        """Stopped: not running, no pid, ``stopped_at`` set."""
        self._release(agent)
        agent.pid, agent.stopped = None, True
        self._stopped[agent.id] = agent

    def collect(self, agent: Agent) -> None:
        """Garbage-collected: the daemon drops its routing entries; the model forgets it
        but for the last few collected."""
        self._release(agent)
        agent.gc = True
        self.by_name.pop(agent.name, None)
        if agent.thread is not None:
            self.by_thread.pop(agent.thread, None)
        self._drop(agent)
        self.collected.append(agent)
        if len(self.collected) > COLLECTED:
            del self.collected[0]

    def forget(self, agent: Agent) -> None:
        """Never to be written about again (left running or in limbo by a daemon that
        leaks, or never started): its routing entries stay while a followed record needs
        them (one with the same name or thread must not take them for its own)."""
        self._release(agent)
        self._drop(agent)
        others, name, thread = self.agents.values(), agent.name, agent.thread
        if self.by_name.get(name) == agent.id and all(a.name != name for a in others):
            del self.by_name[name]
        if (
            thread is not None
            and self.by_thread.get(thread) == agent.id
            and all(a.thread != thread for a in others)
        ):
            del self.by_thread[thread]

    def rename(self, old: str, new: str) -> None:
        """``ChannelRenamed``: the channel's records move (a lead keeps its name)."""
        self.channels[self.channels.index(old)] = new
        for agent in self.agents.values():
            if agent.channel == old:
                running = agent.running
                if running:
                    self._release(agent)
                agent.channel = new
                if running:
                    self.run(agent, agent.pid or 0)
        if old in self.leads:
            self.leads[new] = self.leads.pop(old)

    def _release(self, agent: Agent) -> None:
        """No longer running (its pid, if any, stays on the record)."""
        if self._running.pop(agent.id, None) is None:
            return
        agent.running = False
        for key in agent.shared:
            holders = self._sharing[key]
            holders.remove(agent)
            if not holders:
                del self._sharing[key]
        if agent.pid:
            self._held[agent.pid] -= 1
            if not self._held[agent.pid]:
                del self._held[agent.pid]

    def _drop(self, agent: Agent) -> None:
        del self.agents[agent.id]
        self._stopped.pop(agent.id, None)
        if agent.kind == "Lead" and self.leads.get(agent.channel) is agent:
            del self.leads[agent.channel]


def _after(pid: int, step: int) -> int:
    pid += step
    return pid if pid < PID_MAX else pid - PID_MAX + PID_MIN
