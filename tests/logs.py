"""Hypothesis strategies for small, collision-heavy Midtown logs (tests only)."""

from __future__ import annotations

import json

from hypothesis import strategies as st

IDS = [f"{n:08x}-0000-4000-8000-000000000000" for n in range(1, 6)]
NAMES = ["btucker-reviewer", "btucker-reviewer", "midtown", "swift-river"]
TASKS = [None, "task-1", "task-2"]
CHANNELS = [None, "midtown", "backend"]
THREADS = [None, "thread-1", "thread-2"]
SESSIONS = [None, "sess-a", "sess-b", "sess-c"]
PIDS = [0, 4242, 4343, 4444]


def _line(variant: str, **fields: object) -> bytes:
    return json.dumps({variant: fields}, separators=(",", ":")).encode()


_KINDS = ["Lead", "Fork", "Worker"]


@st.composite
def _event(draw: st.DrawFn, created: list[str]) -> bytes:
    """One agent-heavy event, usually about an agent already created."""
    known = created and draw(st.integers(0, 9)) > 0
    i = draw(st.sampled_from(created if known else IDS))
    op = draw(st.sampled_from([
        "create", "create", "start", "start", "resume", "resume", "stop", "stop", "snf", "snf",
        "gc", "report", "stop-failed", "rename", "assign", "mention", "spawn-failed", "fork",
    ]))  # fmt: skip
    pick = lambda values: draw(st.sampled_from(values))
    if op in ("create", "fork"):
        # "fork": a Fork on a thread, often a new record, so that running forks share threads.
        fork = op == "fork"
        i = draw(st.sampled_from(IDS)) if fork else i
        created.append(i)
        return _line("AgentCreated", id=i, name=pick(NAMES), kind="Fork" if fork else pick(_KINDS),
                     agent_type="midtown-code-reviewer", provider="ClaudeCode",
                     channel=pick(CHANNELS), task_id=pick(TASKS),
                     bound_thread_id=pick(THREADS[1:] if fork else THREADS), icon=None,
                     color=None)  # fmt: skip
    if op == "start":
        return _line("AgentStarted", id=i, pid=pick(PIDS), session_id=pick(SESSIONS))
    if op == "resume":
        return _line("AgentResumed", id=i, pid=pick(PIDS))
    if op == "stop":
        return _line("AgentStopped", id=i, reason="process exited")
    if op == "snf":
        return _line("AgentSessionNotFound", name=pick([*NAMES, "ghost"]))
    if op == "gc":
        return _line("AgentGarbageCollected", id=i)
    if op == "report":
        return _line("AgentStateReported", id=i, state="idle")
    if op == "stop-failed":
        return _line("AgentStopFailed", id=i, reason="kill failed")
    if op == "rename":
        return _line("ChannelRenamed", old_name=pick(["midtown", "backend"]),
                     new_name=pick(["midtown", "backend", "ops"]))  # fmt: skip
    if op == "assign":
        return _line("TaskAssigned", task_id="task-1", agent_id=i)
    if op == "mention":
        return _line("MentionRouted", message_id="m", target_agent=i)
    return _line("AgentSpawnFailed", name=pick(NAMES), agent_type="t", reason="resume failed")


malformed = st.sampled_from([
    b'{"AgentResumed":{"id":"x"}}',
    b'{"AgentStarted":{"id":"x","pid":"12"}}',
    b'{"Unknown":{}}',
    b'{"broken":',
    b"\xff\xfe junk",
    b"",
    b"   ",
])  # fmt: skip


@st.composite
def logs(draw: st.DrawFn, *, faults: bool = True) -> list[bytes]:
    """A list of physical lines; with ``faults``, sometimes a malformed or blank one."""
    created: list[str] = []
    lines = [draw(_event(created)) for _ in range(draw(st.integers(1, 40)))]
    if faults and draw(st.booleans()):
        lines.insert(draw(st.integers(0, len(lines))), draw(malformed))
    return lines
