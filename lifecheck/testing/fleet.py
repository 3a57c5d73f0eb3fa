"""A model of the Midtown daemon that writes realistic event logs, with or without faults.

It spawns leads, forks, workers and reviewers, stops, resumes, restarts, collects and
renames the way Midtown does, reuses names the way Midtown reuses them, and interleaves the
messages that make up most of a real log. Its choices come from a :class:`Choices`: a
seeded random here (:func:`generate`), Hypothesis draws in :mod:`lifecheck.testing.strategies`.
"""

from __future__ import annotations

import json
import random
import uuid
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

#: Faults the generator can inject, each named by the one rule it breaks.
FAULTS = (
    "parse-error",
    "unknown-agent",
    "duplicate-id",
    "event-after-gc",
    "start-while-running",
    "resume-while-running",
    "pid-zero",
    "pid-reuse",
    "stop-not-running",
    "gc-running",
    "gc-lead",
    "unknown-name",
    "dangling-agent-ref",
)


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


@dataclass(frozen=True, slots=True)
class Seeded:
    """Choices from a seeded random, for logs of any length."""

    rng: random.Random

    def pick(self, options: Sequence[T]) -> T:
        return options[self.rng.randrange(len(options))]

    def number(self, low: int, high: int) -> int:
        return self.rng.randint(low, high)

    def uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))


@dataclass(slots=True)
class _Agent:
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
    agents: dict[str, _Agent] = field(default_factory=dict)
    by_name: dict[str, str] = field(default_factory=dict)
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

    # --- queries --------------------------------------------------------------------

    def live(self) -> list[_Agent]:
        return [a for a in self.agents.values() if not a.gc]

    def running(self) -> list[_Agent]:
        return [a for a in self.agents.values() if a.running]

    def can_run(self, agent: _Agent) -> bool:
        """Starting it would duplicate no running name, task or lead channel."""
        for other in self.running():
            if other.id == agent.id:
                continue
            if other.name == agent.name or (agent.task is not None and other.task == agent.task):
                return False
            if agent.kind == other.kind == "Lead" and other.channel == agent.channel:
                return False
        return True

    def owns_indexes(self, agent: _Agent) -> bool:
        """Collecting it would remove no other record's routing entry (tasks and threads
        are fresh per spawn, so only the name can have moved on)."""
        return self.by_name.get(agent.name, agent.id) == agent.id


# --- the daemon's moves ------------------------------------------------------------------


def _spawn(c: Choices, fleet: Fleet) -> None:
    """Spawn a lead, fork, worker or reviewer: AgentCreated, AgentStarted (and a report)."""
    kind = c.pick(["Lead", "Fork", "Worker", "Reviewer"])
    agent_id, channel, task, thread = c.uuid(), None, None, None
    icon = color = None
    if kind == "Lead":
        channel = name = c.pick(fleet.channels)
        agent_type = "midtown-project-lead" if name == "midtown" else "midtown-channel-lead"
    elif kind == "Fork":
        thread, channel = c.uuid(), c.pick(fleet.channels)
        name, agent_type = f"fork-{thread[:8]}", "midtown-channel-lead"
    elif kind == "Worker":
        name = c.pick(WORKER_NAMES)
        task, channel, agent_type = c.uuid(), f"dm-{name}", "midtown-developer"
        icon, color = c.pick([("🌊", "#3b82f6"), ("⚓", "#0ea5e9"), (None, None)])
        fleet.emit("TaskCreated", id=task, subject=f"task {next(fleet._serial)}",
                   channel=c.pick(fleet.channels), blocked_by=[],
                   agent_type=None, agent_name=None, icon=None, color=None, parent=None,
                   thread_id=None, message_id=None)  # fmt: skip
    else:
        author = c.pick(AUTHORS)
        name, agent_type = f"{author}-reviewer", "midtown-code-reviewer"
        fleet.emit("PrOpened", number=2300 + next(fleet._serial), branch=f"fix/{author}",
                   github_author=author)  # fmt: skip
    agent = _Agent(agent_id, name, "Worker" if kind == "Reviewer" else kind, channel, task, thread)
    if not fleet.can_run(agent):
        return
    fleet.emit("AgentCreated", id=agent_id, name=name, kind=agent.kind, agent_type=agent_type,
               provider=c.pick(["ClaudeCode", "Codex"]), channel=channel,
               task_id=task, bound_thread_id=thread, icon=icon, color=color)  # fmt: skip
    fleet.agents[agent_id] = agent
    fleet.by_name[name] = agent_id
    _start(c, fleet, agent)
    if agent.kind == "Worker":
        state = "reviewing" if kind == "Reviewer" else "developing"
        fleet.emit("AgentStateReported", id=agent_id, state=state)
    if task is not None:
        fleet.emit("TaskAssigned", task_id=task, agent_id=agent_id)


def _start(c: Choices, fleet: Fleet, agent: _Agent) -> None:
    agent.session, agent.pid, agent.running, agent.stopped = c.uuid(), fleet.pid(), True, False
    fleet.emit("AgentStarted", id=agent.id, pid=agent.pid, session_id=agent.session)


def _stop(fleet: Fleet, agent: _Agent, reason: str) -> None:
    agent.pid, agent.running, agent.stopped = None, False, True
    fleet.emit("AgentStopped", id=agent.id, reason=reason)


def _resume(fleet: Fleet, agent: _Agent) -> None:
    agent.pid, agent.running, agent.stopped = fleet.pid(), True, False
    fleet.emit("AgentResumed", id=agent.id, pid=agent.pid)


def _resumable(fleet: Fleet) -> list[_Agent]:
    return [
        a for a in fleet.live()
        if a.stopped and not a.running and a.session is not None and fleet.can_run(a)
    ]  # fmt: skip


_SAYINGS = (
    "Running the test suite now.",
    "Opened PR #{n}: fix replay of AgentSessionNotFound",
    "I pushed a fix for the flaky resume test; CI is green locally.",
    "Reviewing the diff: the running set is updated but stopped_at is not.",
    "Can someone look at the reviewer that keeps restarting?",
)


def _chat(c: Choices, fleet: Fleet) -> None:
    """What most of a real log is: people and agents posting, and the odd mention."""
    live = list(fleet.agents.values())[-20:]
    if live and c.number(0, 19) == 0:
        fleet.emit("MentionRouted", message_id=c.uuid(), target_agent=c.pick(live).id)
        return
    agent = c.pick(live) if live and c.number(0, 3) else None
    content = " ".join(c.pick(_SAYINGS) for _ in range(c.number(1, 12))).replace(
        "{n}", str(2300 + c.number(0, 99))
    )
    fields: dict[str, Any] = {
        "id": c.uuid(),
        "channel": (agent.channel or f"dm-{agent.name}") if agent else c.pick(fleet.channels),
        "sender": agent.name if agent else "btucker",
        "content": content,
        "thread_id": agent.thread if agent else None,
    }
    if agent is not None:
        fields["auto_output"] = True
    fleet.emit("MessagePosted", **fields)


def _move(c: Choices, fleet: Fleet) -> None:
    """One thing the daemon does, chosen among those that break no rule."""
    if c.number(0, 99) < fleet.chatter:
        _chat(c, fleet)
        return
    running, resumable = fleet.running(), _resumable(fleet)
    collectable = [
        a for a in fleet.live() if a.stopped and a.kind != "Lead" and fleet.owns_indexes(a)
    ]
    lost = [
        a for a in running
        if fleet.semantics == "proposed" and fleet.by_name.get(a.name) == a.id
        and fleet.not_found[a.name] < 2  # a third one is a resume loop
    ]  # fmt: skip
    room = fleet.max_agents is None or len(fleet.agents) < fleet.max_agents
    moves = ["spawn", "message"] if room else ["message"]
    moves += ["stop", "report", "report"] if running else []
    moves += ["resume"] if resumable else []
    moves += ["restart"] if running and c.number(0, 19) == 0 else []  # restarts are rare
    moves += ["collect"] if collectable else []
    moves += ["session-not-found"] if lost else []
    moves += ["rename"] if c.number(0, 9) == 0 else []  # renames are rare
    move = c.pick(moves)
    if move == "spawn":
        _spawn(c, fleet)
    elif move == "message":
        _chat(c, fleet)
    elif move == "stop":
        _stop(fleet, c.pick(running), c.pick(STOP_REASONS))
    elif move == "report":
        agent = c.pick(running)
        fleet.emit("AgentStateReported", id=agent.id, state=c.pick(["idle", "developing"]))
    elif move == "resume":
        _resume(fleet, c.pick(resumable))
    elif move == "restart":
        for agent in running:  # reconcile: every running agent's process is gone
            _stop(fleet, agent, RESTART)
        for agent in running:
            if agent.session is not None and fleet.can_run(agent):
                _resume(fleet, agent)
    elif move == "collect":
        agent = c.pick(collectable)
        agent.gc = True
        fleet.by_name.pop(agent.name, None)
        fleet.emit("AgentGarbageCollected", id=agent.id)
    elif move == "session-not-found":  # proposed: a stop that also clears the session
        agent = c.pick(lost)
        agent.session, agent.pid, agent.running, agent.stopped = None, None, False, True
        fleet.not_found[agent.name] += 1
        fleet.emit("AgentSessionNotFound", name=agent.name)
    else:
        _rename(c, fleet)


def _rename(c: Choices, fleet: Fleet) -> None:
    old = c.pick(fleet.channels)
    new = f"{old.split('-v')[0]}-v{next(fleet._serial)}"
    fleet.channels[fleet.channels.index(old)] = new
    for agent in fleet.agents.values():
        if agent.channel == old and not agent.gc:
            agent.channel = new  # a lead keeps its name and now leads the renamed channel
    fleet.emit("ChannelRenamed", old_name=old, new_name=new)


# --- faults ------------------------------------------------------------------------------


def _inject(c: Choices, fleet: Fleet) -> None:
    """Write one line that breaks exactly one rule (unless none applies now)."""
    live, running = fleet.live(), fleet.running()
    stopped = [a for a in live if a.stopped and not a.running]
    options = ["unknown-agent", "unknown-name", "dangling-agent-ref"]
    options += ["start-while-running", "resume-while-running", "gc-running"] if running else []
    options += ["stop-not-running", "pid-zero"] if stopped else []
    options += ["pid-reuse"] if stopped and any(a.pid for a in running) else []
    options += ["duplicate-id"] if [a for a in stopped if fleet.by_name.get(a.name) == a.id] else []
    options += ["event-after-gc"] if any(a.gc for a in fleet.agents.values()) else []
    options += ["gc-lead"] if [a for a in stopped if a.kind == "Lead"] else []
    rule = c.pick(options)
    if rule == "unknown-agent":
        fleet.fault(rule, "AgentStopped", id=c.uuid(), reason="process exited")
    elif rule == "unknown-name":
        fleet.fault(rule, "AgentSessionNotFound", name=f"ghost-{next(fleet._serial)}")
    elif rule == "dangling-agent-ref":
        fleet.fault(rule, "MentionRouted", message_id=c.uuid(), target_agent=c.uuid())
    elif rule in ("start-while-running", "resume-while-running"):
        agent = c.pick(running)
        agent.pid = fleet.pid()
        if rule == "start-while-running":
            fleet.fault(rule, "AgentStarted", id=agent.id, pid=agent.pid, session_id=agent.session)
        else:
            fleet.fault(rule, "AgentResumed", id=agent.id, pid=agent.pid)
    elif rule == "gc-running":
        workers = [a for a in running if a.kind != "Lead" and fleet.owns_indexes(a)]
        if not workers:
            return
        agent = c.pick(workers)
        agent.gc, agent.running = True, False
        fleet.by_name.pop(agent.name, None)
        fleet.fault(rule, "AgentGarbageCollected", id=agent.id)
    elif rule == "stop-not-running":
        agent = c.pick(stopped)
        fleet.fault(rule, "AgentStopped", id=agent.id, reason="process exited")
    elif rule in ("pid-zero", "pid-reuse"):
        candidates = [a for a in stopped if a.session is not None and fleet.can_run(a)]
        if not candidates:
            return
        agent = c.pick(candidates)
        holders = [a.pid for a in running if a.pid]
        agent.pid = 0 if rule == "pid-zero" else c.pick(holders)
        agent.running, agent.stopped = True, False
        fleet.fault(rule, "AgentResumed", id=agent.id, pid=agent.pid)
    elif rule == "duplicate-id":
        agent = c.pick([a for a in stopped if fleet.by_name.get(a.name) == a.id])
        agent.session, agent.pid, agent.stopped = None, None, False
        fleet.fault(rule, "AgentCreated", id=agent.id, name=agent.name, kind=agent.kind,
                    agent_type="midtown-developer", provider="ClaudeCode", channel=agent.channel,
                    task_id=agent.task, bound_thread_id=agent.thread, icon=None,
                    color=None)  # fmt: skip
        if fleet.can_run(agent):
            _start(c, fleet, agent)
    elif rule == "event-after-gc":
        agent = c.pick([a for a in fleet.agents.values() if a.gc])
        fleet.fault(rule, "AgentStateReported", id=agent.id, state="idle")
    elif rule == "gc-lead":
        leads = [a for a in stopped if a.kind == "Lead" and fleet.owns_indexes(a)]
        if not leads:
            return
        agent = c.pick(leads)
        agent.gc = True
        fleet.by_name.pop(agent.name, None)
        fleet.fault(rule, "AgentGarbageCollected", id=agent.id)


def run(c: Choices, fleet: Fleet, moves: int, faulty: set[int], parse_error: bool) -> None:
    for step in range(moves):
        if step in faulty:
            _inject(c, fleet)
        _move(c, fleet)
    if parse_error:
        fleet.fault("parse-error")


def generate(
    seed: int,
    *,
    events: int = 1000,
    agents: int | None = None,
    faults: bool = False,
    semantics: str = "d11b83e",
) -> GeneratedLog:
    """A log of ``events`` lines, the same for the same arguments, with no size limit.

    ``agents`` caps how many agent records are created; with ``faults``, about one move in
    fifty injects a fault (and the last line may be malformed).
    """
    c = Seeded(random.Random(seed))
    fleet = Fleet(semantics=semantics, max_agents=agents, chatter=80)
    while len(fleet.lines) < events:
        if faults and c.number(0, 49) == 0:
            _inject(c, fleet)
        _move(c, fleet)
    del fleet.lines[events:]
    kept = [fault for fault in fleet.faults if fault.line <= events]
    if faults and c.number(0, 3) == 0:
        fleet.lines[-1:] = []
        kept = [fault for fault in kept if fault.line < events]
        fleet.faults = kept
        fleet.fault("parse-error")
        kept = fleet.faults
    return GeneratedLog(tuple(fleet.lines), tuple(kept))
