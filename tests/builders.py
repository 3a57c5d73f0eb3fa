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
