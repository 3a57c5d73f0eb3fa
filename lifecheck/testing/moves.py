"""The daemon's moves: what Midtown does to a :class:`~lifecheck.testing.fleet.Fleet`.

It spawns leads, forks, workers and reviewers, stops, resumes, restarts, collects and
renames the way Midtown does, reuses names the way Midtown reuses them, and interleaves the
messages that make up most of a real log. No move breaks a rule of the fleet's semantics.
"""

from __future__ import annotations

from typing import Any

from lifecheck.testing.fleet import (
    AUTHORS,
    RESTART,
    STOP_REASONS,
    WORKER_NAMES,
    Agent,
    Choices,
    Fleet,
)


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
        return
    fleet.emit("AgentCreated", id=agent_id, name=name, kind=agent.kind, agent_type=agent_type,
               provider=c.pick(["ClaudeCode", "Codex"]), channel=channel,
               task_id=task, bound_thread_id=thread, icon=icon, color=color)  # fmt: skip
    fleet.agents[agent_id] = agent
    fleet.by_name[name] = agent_id
    if thread is not None:
        fleet.by_thread[thread] = agent_id
    start(c, fleet, agent)
    if agent.kind == "Worker":
        state = "reviewing" if kind == "Reviewer" else "developing"
        fleet.emit("AgentStateReported", id=agent_id, state=state)
    if task is not None:
        fleet.emit("TaskAssigned", task_id=task, agent_id=agent_id)


def start(c: Choices, fleet: Fleet, agent: Agent) -> None:
    agent.session, agent.pid, agent.running, agent.stopped = c.uuid(), fleet.pid(), True, False
    fleet.emit("AgentStarted", id=agent.id, pid=agent.pid, session_id=agent.session)


def _stop(fleet: Fleet, agent: Agent, reason: str) -> None:
    agent.pid, agent.running, agent.stopped = None, False, True
    fleet.emit("AgentStopped", id=agent.id, reason=reason)


def _resume(fleet: Fleet, agent: Agent) -> None:
    agent.pid, agent.running, agent.stopped = fleet.pid(), True, False
    fleet.emit("AgentResumed", id=agent.id, pid=agent.pid)


def _resumable(fleet: Fleet) -> list[Agent]:
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


def move(c: Choices, fleet: Fleet) -> None:
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
        and not fleet.clashes(a)  # two forks on a thread (a fault) share a name
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
        fleet.collect(agent)
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
    new = f"{old.split('-v')[0]}-v{fleet.serial()}"
    fleet.channels[fleet.channels.index(old)] = new
    for agent in fleet.agents.values():
        if agent.channel == old and not agent.gc:
            agent.channel = new  # a lead keeps its name and now leads the renamed channel
    fleet.emit("ChannelRenamed", old_name=old, new_name=new)
