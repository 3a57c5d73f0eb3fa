"""The daemon's moves: what Midtown does to a :class:`~lifecheck.testing.fleet.Fleet`.

It spawns leads, forks, workers and reviewers, stops, resumes, restarts, collects and
renames the way Midtown does, reuses names the way Midtown reuses them, and interleaves the
messages that make up most of a real log. How often it makes each move is the fleet's
:class:`~lifecheck.testing.mixes.Mix`. No move breaks a rule of the fleet's semantics,
except in a mix that ``leaks`` (a daemon never restarted).
"""

from __future__ import annotations

import random
from collections.abc import Callable

from lifecheck.testing.fleet import (
    AUTHORS,
    RESTART,
    STOP_REASONS,
    WORKER_NAMES,
    Agent,
    Choices,
    Fleet,
)

KINDS = ("Lead", "Fork", "Worker", "Reviewer")


def _spawn(c: Choices, fleet: Fleet) -> bool:
    """Spawn a lead, fork, worker or reviewer: AgentCreated, AgentStarted (and a report).

    A channel's lead is spawned once, then resumed; a name, task or thread already running
    leaves the new task or PR waiting (the daemon would spawn its agent later)."""
    if not fleet.room():
        return False
    leaderless = [channel for channel in fleet.channels if channel not in fleet.leads]
    kind = c.pick(KINDS if leaderless else KINDS[1:])
    agent_id, channel, task, thread = c.uuid(), None, None, None
    icon = color = None
    if kind == "Lead":
        channel = name = c.pick(leaderless)
        agent_type = "midtown-project-lead" if name == "midtown" else "midtown-channel-lead"
    elif kind == "Fork":
        thread, channel = c.uuid(), c.pick(fleet.channels)
        name, agent_type = f"fork-{thread[:8]}", "midtown-channel-lead"
    elif kind == "Worker":
        name = c.pick(WORKER_NAMES)
        task, channel, agent_type = c.uuid(), f"dm-{name}", "midtown-developer"
        icon, color = c.pick([("🌊", "#3b82f6"), ("⚓", "#0ea5e9"), (None, None)])
        fleet.emit("TaskCreated", id=task, subject=f"task {fleet.serial()}",
                   channel=c.pick(fleet.channels), blocked_by=[],
                   agent_type=None, agent_name=None, icon=None, color=None, parent=None,
                   thread_id=None, message_id=None)  # fmt: skip
    else:
        author = c.pick(AUTHORS)
        name, agent_type = f"{author}-reviewer", "midtown-code-reviewer"
        fleet.emit("PrOpened", number=2300 + fleet.serial(), branch=f"fix/{author}",
                   github_author=author)  # fmt: skip
    agent = Agent(agent_id, name, "Worker" if kind == "Reviewer" else kind, channel, task, thread)
    if not fleet.can_run(agent):
        return True
    fleet.emit("AgentCreated", id=agent_id, name=name, kind=agent.kind, agent_type=agent_type,
               provider=c.pick(["ClaudeCode", "Codex"]), channel=channel,
               task_id=task, bound_thread_id=thread, icon=icon, color=color)  # fmt: skip
    fleet.add(agent)
    start(c, fleet, agent)
    if agent.kind == "Worker":
        state = "reviewing" if kind == "Reviewer" else "developing"
        fleet.emit("AgentStateReported", id=agent_id, state=state)
    if task is not None:
        fleet.emit("TaskAssigned", task_id=task, agent_id=agent_id)
    return True


def start(c: Choices, fleet: Fleet, agent: Agent) -> None:
    agent.session = c.uuid()
    fleet.run(agent, fleet.pid(c))
    fleet.emit("AgentStarted", id=agent.id, pid=agent.pid, session_id=agent.session)


def _halt(fleet: Fleet, agent: Agent, reason: str) -> None:
    fleet.halt(agent)
    fleet.emit("AgentStopped", id=agent.id, reason=reason)


def _resume(c: Choices, fleet: Fleet, agent: Agent) -> None:
    fleet.run(agent, fleet.pid(c))
    fleet.emit("AgentResumed", id=agent.id, pid=agent.pid)


def _stop(c: Choices, fleet: Fleet) -> bool:
    running = fleet.running()
    if running:
        _halt(fleet, c.pick(running), c.pick(STOP_REASONS))
    return bool(running)


def _report(c: Choices, fleet: Fleet) -> bool:
    running = fleet.running()
    if running:
        agent = c.pick(running)
        fleet.emit("AgentStateReported", id=agent.id, state=c.pick(["idle", "developing"]))
    return bool(running)


def _resume_one(c: Choices, fleet: Fleet) -> bool:
    resumable = [a for a in fleet.stopped() if a.session is not None and fleet.can_run(a)]
    if resumable:
        _resume(c, fleet, c.pick(resumable))
    return bool(resumable)


def _restart(c: Choices, fleet: Fleet) -> bool:
    """The daemon restarts; its reconcile finds every running agent's process gone, stops
    each, then resumes each that has a session."""
    running = fleet.running()
    for agent in running:
        _halt(fleet, agent, RESTART)
    for agent in running:
        if agent.session is not None and fleet.can_run(agent):
            _resume(c, fleet, agent)
    return bool(running)


def _collect(c: Choices, fleet: Fleet) -> bool:
    collectable = [a for a in fleet.stopped() if a.kind != "Lead" and fleet.owns_indexes(a)]
    if collectable:
        agent = c.pick(collectable)
        fleet.collect(agent)
        fleet.emit("AgentGarbageCollected", id=agent.id)
    return bool(collectable)


def _session_not_found(c: Choices, fleet: Fleet) -> bool:
    """A worker's resumed session has no conversation: under ``proposed`` a stop that also
    clears the session; a daemon that leaks leaves the record in limbo (or running, before
    PR #2330) and never touches it again."""
    if fleet.semantics != "proposed" and not fleet.mix.leaks:
        return False
    lost = [
        a for a in fleet.running()
        if a.kind == "Worker" and fleet.by_name.get(a.name) == a.id
        and (fleet.mix.leaks or fleet.not_found[a.name] < 2)  # a third is a resume loop
        and fleet.can_run(a)  # two running with the name would make it ambiguous
    ]  # fmt: skip
    if not lost:
        return False
    agent = c.pick(lost)
    fleet.not_found[agent.name] += 1
    fleet.emit("AgentSessionNotFound", name=agent.name)
    if fleet.semantics == "proposed":
        agent.session = None
        fleet.halt(agent)
    else:
        fleet.forget(agent)
    return True


def _crash(c: Choices, fleet: Fleet) -> bool:
    """An agent dies and the daemon, never restarted, does not notice: its record stays
    running, and the OS hands its pid out again."""
    running = fleet.running()
    if running:
        fleet.forget(c.pick(running))
    return bool(running)


def _rename(c: Choices, fleet: Fleet) -> bool:
    old = c.pick(fleet.channels)
    new = f"{old.split('-v')[0]}-v{fleet.serial()}"
    fleet.rename(old, new)
    fleet.emit("ChannelRenamed", old_name=old, new_name=new)
    return True


def _spawn_failed(c: Choices, fleet: Fleet) -> bool:
    fleet.emit("AgentSpawnFailed", name=f"{c.pick(AUTHORS)}-reviewer",
               agent_type="midtown-code-reviewer",
               reason=c.pick(["resume failed: exit 1", "no session_id for resume"]))  # fmt: skip
    return True


def _stop_failed(c: Choices, fleet: Fleet) -> bool:
    running = fleet.running()
    if running:
        fleet.emit("AgentStopFailed", id=c.pick(running).id, reason="kill failed: ESRCH")
    return bool(running)


_SAYINGS = (
    "Running the test suite now.",
    "Opened PR #{n}: fix replay of AgentSessionNotFound",
    "I pushed a fix for the flaky resume test; CI is green locally.",
    "Reviewing the diff: the running set is updated but stopped_at is not.",
    "Can someone look at the reviewer that keeps restarting?",
)


def _contents() -> tuple[str, ...]:
    """Messages of one to twelve sayings, made once (the same for every log)."""
    rng = random.Random(0)
    return tuple(
        " ".join(rng.choice(_SAYINGS) for _ in range(rng.randint(1, 12))).replace(
            "{n}", str(2300 + rng.randint(0, 99))
        )
        for _ in range(512)
    )


_CONTENTS = _contents()


def _chat(c: Choices, fleet: Fleet) -> bool:
    """What most of a real log is: people and agents posting, and the odd mention."""
    recent = fleet.recent
    if recent and c.number(0, 19) == 0:
        fleet.emit("MentionRouted", message_id=c.uuid(), target_agent=c.pick(recent).id)
        return True
    if recent and c.number(0, 3):
        agent = c.pick(recent)
        fleet.emit("MessagePosted", id=c.uuid(), channel=agent.channel or f"dm-{agent.name}",
                   sender=agent.name, content=c.pick(_CONTENTS), thread_id=agent.thread,
                   auto_output=True)  # fmt: skip
    else:
        fleet.emit("MessagePosted", id=c.uuid(), channel=c.pick(fleet.channels),
                   sender="btucker", content=c.pick(_CONTENTS), thread_id=None)  # fmt: skip
    return True


_MOVES: dict[str, Callable[[Choices, Fleet], bool]] = {
    "spawn": _spawn, "message": _chat, "stop": _stop, "report": _report,
    "resume": _resume_one, "restart": _restart, "collect": _collect,
    "session-not-found": _session_not_found, "rename": _rename, "crash": _crash,
    "spawn-failed": _spawn_failed, "stop-failed": _stop_failed,
}  # fmt: skip


def move(c: Choices, fleet: Fleet) -> None:
    """One thing the daemon does, chosen by the mix (a message when it cannot be made)."""
    if not _MOVES[c.pick(fleet.mix.roster)](c, fleet):
        _chat(c, fleet)
