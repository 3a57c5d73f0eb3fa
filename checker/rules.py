"""The rule catalogue (rules.md §4): every rule id, its severity and what it means."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    """How bad a finding is; errors and warnings fail a check, infos never do."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule of the catalogue."""

    id: str
    severity: Severity
    summary: str


_E, _W, _I = Severity.ERROR, Severity.WARNING, Severity.INFO

RULES: dict[str, Rule] = {
    rule.id: rule
    for rule in (
        Rule("parse-error", _E, "a line is not a valid DomainEvent; replay stops there"),
        Rule("unknown-agent", _E, "an id-keyed agent event names an id never created"),
        Rule("duplicate-id", _E, "AgentCreated reuses an id that already exists"),
        Rule("fork-without-thread", _E, "a Fork is created with no bound_thread_id"),
        Rule("event-after-gc", _E, "an id-keyed agent event targets a garbage-collected record"),
        Rule("start-while-running", _E, "AgentStarted for a record already running"),
        Rule("resume-while-running", _E, "AgentResumed for a record already running"),
        Rule("resume-without-session", _E, "AgentResumed for a stopped record with no session"),
        Rule("stale-session-resumed", _E, "AgentResumed of a session known to be gone"),
        Rule("pid-zero", _E, "AgentStarted or AgentResumed with pid 0"),
        Rule("pid-reuse", _W, "a new pid is still held by another running or limbo record"),
        Rule("duplicate-running-worker-task", _E, "two running Workers share a task"),
        Rule("duplicate-running-lead-channel", _E, "two running Leads share a channel"),
        Rule("duplicate-running-name", _W, "two running records share a name"),
        Rule("stop-not-running", _W, "AgentStopped for a record neither running nor in limbo"),
        Rule("gc-running", _E, "AgentGarbageCollected for a running record"),
        Rule("gc-lead", _E, "AgentGarbageCollected for a Lead (leads are never collected)"),
        Rule("gc-not-stopped", _E, "AgentGarbageCollected for a record with no stopped_at"),
        Rule("gc-index-clobber", _W, "collecting a record removes a newer record's index entries"),
        Rule("unknown-name", _W, "AgentSessionNotFound names no record"),
        Rule("session-not-found-ambiguous", _E, "AgentSessionNotFound while same-name records run"),
        Rule("session-not-found-misattributed", _E, "AgentSessionNotFound hits the wrong record"),
        Rule("stale-pid", _W, "a record is left in limbo: not running, stale pid, no stopped_at"),
        Rule("running-without-session", _E, "a record is left running with no session"),
        Rule("resume-loop", _E, "the 3rd AgentSessionNotFound for one name"),
        Rule("zombie-running", _E, "at the end, a record runs on a session known to be dead"),
        Rule("limbo-unresolved", _E, "at the end, a record is still in limbo"),
        Rule("started-without-session", _I, "AgentStarted with a null session_id (old daemons)"),
        Rule("dangling-agent-ref", _I, "a non-agent event names an agent id never created"),
    )
}  # fmt: skip
