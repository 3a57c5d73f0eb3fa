"""Tiny builders for Midtown log lines in the daemon's exact on-disk format (tests only)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from lifecheck.checker.check import read_log
from lifecheck.checker.replay.engine import Replay
from lifecheck.checker.rules.findings import Finding


def line(variant: str, **fields: object) -> bytes:
    """One externally tagged event, compact as serde_json writes it."""
    return json.dumps({variant: fields}, separators=(",", ":"), ensure_ascii=False).encode()


def created(
    agent_id: str,
    name: str = "btucker-reviewer",
    kind: str = "Worker",
    *,
    task: str | None = None,
    channel: str | None = None,
    thread: str | None = None,
) -> bytes:
    return line("AgentCreated", id=agent_id, name=name, kind=kind,
                agent_type="midtown-code-reviewer", provider="ClaudeCode", channel=channel,
                task_id=task, bound_thread_id=thread, icon=None, color=None)  # fmt: skip


def started(agent_id: str, pid: int = 4100, session: str | None = "sess-1") -> bytes:
    return line("AgentStarted", id=agent_id, pid=pid, session_id=session)


def stopped(agent_id: str, reason: str = "process exited") -> bytes:
    return line("AgentStopped", id=agent_id, reason=reason)


def resumed(agent_id: str, pid: int = 5100) -> bytes:
    return line("AgentResumed", id=agent_id, pid=pid)


def collected(agent_id: str) -> bytes:
    return line("AgentGarbageCollected", id=agent_id)


def not_found(name: str = "btucker-reviewer") -> bytes:
    return line("AgentSessionNotFound", name=name)


def replay(lines: list[bytes], semantics: str = "d11b83e") -> list[Finding]:
    """Every finding for a log given as physical lines."""
    run = Replay(path="log.jsonl", semantics=semantics)
    read_log(run, lines)
    return run.finish()


def rules_at(lines: list[bytes], semantics: str = "d11b83e") -> set[tuple[str, int | None]]:
    """``(rule, line)`` of every finding."""
    return {(f.rule, f.line) for f in replay(lines, semantics)}


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``lifecheck ARGS`` as a subprocess from the repository root, output as text."""
    code = "from lifecheck.checker.commands.cli import main; main()"
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          cwd=Path(__file__).parents[1], env=env, check=False)  # fmt: skip


def snapshot_agent(
    agent_id: str, name: str = "btucker-reviewer", **fields: object
) -> dict[str, object]:
    """One ``Agent`` record as a snapshot holds it: stopped, with a session, unless told."""
    record: dict[str, object] = {
        "id": agent_id, "name": name, "kind": "Worker", "agent_type": "midtown-code-reviewer",
        "provider": "ClaudeCode", "channel": None, "task_id": None, "bound_thread_id": None,
        "session_id": "sess-1", "pid": None, "started_at": "2026-04-05T09:00:00Z",
        "stopped_at": "2026-04-05T10:00:00Z", "icon": None, "color": None,
        "reported_state": None, "state_reported_at": None, "gc": False,
    }  # fmt: skip
    return record | fields


def snapshot(
    agents: list[dict[str, object]], running: list[str] | None = None, **index: object
) -> bytes:
    """A ``snapshot-NNNN.json`` (pretty, as the daemon writes it) holding ``agents``, keyed by
    their ids and named in ``by_name``; ``index`` replaces any map of the agent index."""
    maps: dict[str, object] = {
        "by_id": {a["id"]: a for a in agents},
        "by_name": {a["name"]: a["id"] for a in agents},
        "by_task": {}, "by_channel": {}, "by_thread": {}, "running": running or [],
    }  # fmt: skip
    document = {"agents": maps | index, "work": {}, "channels": {}}
    return json.dumps(document, indent=2).encode()


def store(directory: Path, files: dict[str, bytes | list[bytes]]) -> Path:
    """Write an event-store directory: a file's bytes, or a log's lines."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        data = content if isinstance(content, bytes) else b"".join(x + b"\n" for x in content)
        (directory / name).write_bytes(data)
    return directory
