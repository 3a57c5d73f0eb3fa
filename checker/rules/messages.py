"""One-sentence messages for the rules of the ``transition`` family (the spec's table).

:data:`TRANSITION_MESSAGES` has one entry per rule of that family of the catalogue (a test
keeps them in step); the other families' checks write their own messages.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from lifecheck.checker.reading.agents import AgentRecord
from lifecheck.checker.rules.findings import short_id
from lifecheck.spec.catalogue import RuleId


@dataclass(frozen=True, slots=True)
class Context:
    """What a transition message may mention: the event, the record, and notable lines."""

    event: str
    record: AgentRecord
    collected_line: int | None
    stopped_line: int | None


def lines_ago(what: str, line: int | None) -> str:
    """``" (collected at line 12)"``, or nothing when the line is unknown."""
    return "" if line is None else f" ({what} at line {line})"


def _pid(record: AgentRecord) -> str:
    return "no pid" if record.pid is None else f"pid {record.pid}"


def _stop_not_running(c: Context) -> str:
    if c.record.stopped_at:
        stopped = lines_ago("stopped", c.stopped_line)
        return f"AgentStopped for a record that is already stopped{stopped}"
    return "AgentStopped for a record that was never started"


#: The message of each ``transition`` rule, from what the event did to which record.
TRANSITION_MESSAGES: Mapping[RuleId, Callable[[Context], str]] = {
    "duplicate-id": lambda c: (
        f"AgentCreated reuses the id of {c.record.name} ({short_id(c.record.id)}); "
        "the daemon replaces that record"
    ),
    "event-after-gc": lambda c: (
        f"{c.event} for a garbage-collected record"
        f"{lines_ago('collected', c.collected_line)}; the daemon applies it anyway"
    ),
    "start-while-running": lambda c: (
        f"AgentStarted for a record already running ({_pid(c.record)})"
    ),
    "resume-while-running": lambda c: (
        f"AgentResumed for a record already running ({_pid(c.record)})"
    ),
    "resume-without-session": lambda c: (
        "AgentResumed for a record with no session to resume; it comes back running without one"
    ),
    "stop-not-running": _stop_not_running,
    "gc-running": lambda c: f"AgentGarbageCollected for a record still running ({_pid(c.record)})",
    "gc-lead": lambda c: "AgentGarbageCollected for a Lead; leads are never collected",
    "gc-not-stopped": lambda c: (
        "AgentGarbageCollected for a record that has no stopped_at, so it never stopped"
    ),
}


def transition_message(rule: RuleId, context: Context) -> str:
    """The message for a rule the transition table reports."""
    return TRANSITION_MESSAGES[rule](context)
