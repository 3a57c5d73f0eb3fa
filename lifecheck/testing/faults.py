"""Faults: single lines that break exactly one rule, written into a fleet's log."""

from __future__ import annotations

from lifecheck.testing.fleet import Agent, Choices, Fleet
from lifecheck.testing.moves import start

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
    "duplicate-running-fork-thread",
    "fork-thread-rebound",
    "stop-not-running",
    "gc-running",
    "gc-lead",
    "unknown-name",
    "dangling-agent-ref",
)


def inject(c: Choices, fleet: Fleet) -> None:
    """Write one line that breaks exactly one rule (unless none applies now)."""
    live, running, stopped = fleet.live(), fleet.running(), fleet.stopped()
    # Running records that share nothing with another (forks can, after a rebound fault).
    alone = [a for a in running if not fleet.clashes(a)]
    owners = [a for a in stopped if fleet.by_name.get(a.name) == a.id and fleet.owns_indexes(a)]
    forks = [a for a in live if a.thread is not None and fleet.by_thread.get(a.thread) == a.id]
    shadowed = [
        a for a in stopped
        if a.session is not None and fleet.clashes(a) == {"duplicate-running-fork-thread"}
    ]  # fmt: skip
    options = ["unknown-agent", "unknown-name", "dangling-agent-ref"]
    options += ["start-while-running", "resume-while-running"] if alone else []
    options += ["gc-running"] if running else []
    options += ["stop-not-running", "pid-zero"] if stopped else []
    options += ["pid-reuse"] if stopped and any(a.pid for a in running) else []
    options += ["duplicate-id"] if owners else []
    options += ["fork-thread-rebound"] if forks and fleet.room() else []
    options += ["duplicate-running-fork-thread"] if shadowed else []
    options += ["event-after-gc"] if fleet.collected else []
    options += ["gc-lead"] if [a for a in stopped if a.kind == "Lead"] else []
    rule = c.pick(options)
    if rule == "unknown-agent":
        fleet.fault(rule, "AgentStopped", id=c.uuid(), reason="process exited")
    elif rule == "unknown-name":
        fleet.fault(rule, "AgentSessionNotFound", name=f"ghost-{fleet.serial()}")
    elif rule == "dangling-agent-ref":
        fleet.fault(rule, "MentionRouted", message_id=c.uuid(), target_agent=c.uuid())
    elif rule in ("start-while-running", "resume-while-running"):
        agent = c.pick(alone)
        fleet.run(agent, fleet.pid(c))
        if rule == "start-while-running":
            fleet.fault(rule, "AgentStarted", id=agent.id, pid=agent.pid, session_id=agent.session)
        else:
            fleet.fault(rule, "AgentResumed", id=agent.id, pid=agent.pid)
    elif rule == "gc-running":
        workers = [a for a in running if a.kind != "Lead" and fleet.owns_indexes(a)]
        if not workers:
            return
        agent = c.pick(workers)
        fleet.collect(agent)
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
        fleet.run(agent, 0 if rule == "pid-zero" else c.pick(holders))
        fleet.fault(rule, "AgentResumed", id=agent.id, pid=agent.pid)
    elif rule == "duplicate-id":
        agent = c.pick(owners)
        fleet.add(agent)
        fleet.fault(rule, "AgentCreated", id=agent.id, name=agent.name, kind=agent.kind,
                    agent_type="midtown-developer", provider="ClaudeCode", channel=agent.channel,
                    task_id=agent.task, bound_thread_id=agent.thread, icon=None,
                    color=None)  # fmt: skip
        if fleet.can_run(agent):
            start(c, fleet, agent)
        else:  # never to be started: the model need not follow it
            fleet.forget(agent)
    elif rule == "event-after-gc":
        agent = c.pick(fleet.collected)
        fleet.fault(rule, "AgentStateReported", id=agent.id, state="idle")
    elif rule == "gc-lead":
        leads = [a for a in stopped if a.kind == "Lead" and fleet.owns_indexes(a)]
        if not leads:
            return
        agent = c.pick(leads)
        fleet.collect(agent)
        fleet.fault(rule, "AgentGarbageCollected", id=agent.id)
    elif rule == "fork-thread-rebound":
        _spawn_fork_for_taken_thread(c, fleet, c.pick(forks))
    elif rule == "duplicate-running-fork-thread":
        agent = c.pick(shadowed)
        fleet.run(agent, fleet.pid(c))
        fleet.fault(rule, "AgentResumed", id=agent.id, pid=agent.pid)


def _spawn_fork_for_taken_thread(c: Choices, fleet: Fleet, old: Agent) -> None:
    """Midtown's recurring fork bug (PRs #1663, #1782, #1949): a fresh Fork spawned for a
    thread that has one. Its creation takes the thread over; if the old fork is running, its
    start makes two forks run for the thread."""
    assert old.thread is not None
    agent = Agent(c.uuid(), f"fork-{old.thread[:8]}", "Fork", old.channel, None, old.thread)
    fleet.fault("fork-thread-rebound", "AgentCreated", id=agent.id, name=agent.name,
                kind="Fork", agent_type="midtown-channel-lead", provider="ClaudeCode",
                channel=agent.channel, task_id=None, bound_thread_id=agent.thread, icon=None,
                color=None)  # fmt: skip
    fleet.add(agent)
    clashes = fleet.clashes(agent)
    if not clashes:
        start(c, fleet, agent)
    elif clashes == {"duplicate-running-fork-thread"}:
        agent.session = c.uuid()
        fleet.run(agent, fleet.pid(c))
        fleet.fault("duplicate-running-fork-thread", "AgentStarted", id=agent.id,
                    pid=agent.pid, session_id=agent.session)  # fmt: skip
    else:  # never to be started: the model need not follow it
        fleet.forget(agent)
