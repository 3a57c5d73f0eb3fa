"""Reference rules: an event that names an agent id the log never created."""

from __future__ import annotations

from typing import Any

from lifecheck.checker.reading import events as ev
from lifecheck.checker.reading.agents import AgentIndex
from lifecheck.checker.reading.echo import capped
from lifecheck.checker.rules.reporting import Report


def report_unknown_agent(report: Report, line: int, event: Any) -> None:
    """``unknown-agent``: an id-keyed agent event for an id never created (not applied)."""
    report("unknown-agent", line, event.id, None,
           f"{type(event).__name__} names agent {capped(event.id)}, which was never created; "
           "the daemon ignores it")  # fmt: skip


def check_reference(index: AgentIndex, report: Report, line: int, event: Any) -> None:
    """``dangling-agent-ref``: a non-agent event names an agent id never created."""
    agent_id = getattr(event, ev.AGENT_REFERENCES[type(event)])
    if agent_id not in index.by_id:
        message = f"{type(event).__name__} names agent {capped(agent_id)}, which was never created"
        report("dangling-agent-ref", line, agent_id, None, message)
