"""Faults: single lines that break exactly one rule, written into a fleet's log."""

from __future__ import annotations

from lifecheck.testing.fleet import Choices, Fleet
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
    "stop-not-running",
    "gc-running",
    "gc-lead",
    "unknown-name",
    "dangling-agent-ref",
)


def inject(c: Choices, fleet: Fleet) -> None:
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
        fleet.fault(rule, "AgentSessionNotFound", name=f"ghost-{fleet.serial()}")
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
            start(c, fleet, agent)
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
