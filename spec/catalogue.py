"""The rule catalogue: every rule's id, severity, family, summary and help, once.

Everything that names a rule derives from this table: the spec (:mod:`lifecheck.spec.model`
types its rule fields with :data:`RuleId`), the replay and its messages, the SARIF and JUnit
reports, the README's rule table and ``docs/rules.md`` (both checked against
:func:`markdown_table` by the tests). ``docs/rules.md`` states what each rule means in full.
Which spec transitions and states carry a rule: :meth:`lifecheck.spec.model.Spec.carriers`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from difflib import get_close_matches
from enum import StrEnum
from typing import Literal, get_args


class Severity(StrEnum):
    """How bad a finding is; errors and warnings fail a check, infos never do."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Family(StrEnum):
    """Where a rule is checked.

    ``reading``: a line the daemon cannot parse. ``transition``: a forbidden (state, event)
    pair of the spec's table. ``state``: an event moved a record into a forbidden state of
    the spec. ``index``: the replayed agent index around one event (ids, pids, routing keys
    that running records share). ``name``: ``AgentSessionNotFound``, which is keyed by name.
    ``end``: the state the replay ends in. ``store``: the daemon's recovery of the input as
    a whole: the snapshot it takes, whether it can read that snapshot and the log at all,
    and what the snapshot's index says.
    """

    READING = "reading"
    TRANSITION = "transition"
    STATE = "state"
    INDEX = "index"
    NAME = "name"
    END = "end"
    STORE = "store"


#: Every rule id of the catalogue, in catalogue order: a closed vocabulary that mypy checks.
RuleId = Literal[
    "parse-error",
    "recovery-fails",
    "snapshot-inconsistent",
    "stale-snapshot-chosen",
    "unknown-agent",
    "duplicate-id",
    "fork-without-thread",
    "event-after-gc",
    "start-while-running",
    "resume-while-running",
    "resume-without-session",
    "stale-session-resumed",
    "pid-zero",
    "pid-reuse",
    "duplicate-running-worker-task",
    "duplicate-running-fork-thread",
    "fork-thread-rebound",
    "duplicate-running-lead-channel",
    "duplicate-running-name",
    "stop-not-running",
    "gc-running",
    "gc-lead",
    "gc-not-stopped",
    "gc-index-clobber",
    "unknown-name",
    "session-not-found-ambiguous",
    "session-not-found-misattributed",
    "stale-pid",
    "running-without-session",
    "resume-loop",
    "zombie-running",
    "limbo-unresolved",
    "started-without-session",
    "dangling-agent-ref",
]


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule: its id, severity and family, a one-line summary, what a finding means
    (``help``) and what to do about it (``action``: one imperative sentence)."""

    id: RuleId
    severity: Severity
    family: Family
    summary: str
    help: str
    action: str


_E, _W, _I = Severity.ERROR, Severity.WARNING, Severity.INFO
_READING, _TRANSITION, _STATE = Family.READING, Family.TRANSITION, Family.STATE
_INDEX, _NAME, _END = Family.INDEX, Family.NAME, Family.END
_STORE = Family.STORE

_CATALOGUE = (
    Rule("parse-error", _E, _READING,
         "a line is not a valid DomainEvent; replay stops there",
         "The daemon's recovery stops at this line and rewrites the log without it and "
         "everything after it: a crash mid-write, or an edit by hand.",
         "Copy the log before the daemon restarts, then find what wrote this line."),
    Rule("recovery-fails", _E, _STORE,
         "a log is not UTF-8 or a snapshot does not deserialize: the daemon will not start",
         "The daemon cannot read this log (it is not valid UTF-8) or deserialize this "
         "snapshot as its Projections, so its recovery returns the error and the "
         "daemon does not start. Nothing of the input is replayed.",
         "Keep a copy, then repair or restore the file at the place the finding names."),
    Rule("snapshot-inconsistent", _W, _STORE,
         "the snapshot's agent index contradicts itself; the daemon uses it as it is",
         "A by_id key that is not its record's id, or a running, by_name, by_task, "
         "by_thread or by_channel entry naming no record. The daemon starts with the "
         "index as it is, keyed by the by_id keys, so events and lookups by the other "
         "ids reach nothing.",
         "Find what wrote or edited the snapshot, and restore one the daemon wrote."),
    Rule("stale-snapshot-chosen", _E, _STORE,
         "the daemon restarts from a snapshot older than the newest one",
         "The daemon takes the lexicographically greatest snapshot-*.json name, so "
         "snapshot-10000.json loses to snapshot-9999.json: it restarts from the older "
         "state and ignores the newer snapshot and its log.",
         "Make the daemon pick snapshots by their parsed sequence number, not by name."),
    Rule("unknown-agent", _E, _INDEX,
         "an id-keyed agent event names an id never created",
         "The daemon ignores the event. Its AgentCreated is missing: a log truncated "
         "by recovery, or a snapshot that lost the record.",
         "Find where the agent's AgentCreated went: a truncated log or a lossy "
         "snapshot."),
    Rule("duplicate-id", _E, _TRANSITION,
         "AgentCreated reuses an id that already exists",
         "The daemon replaces the record, but the running set and the routing maps "
         "keep the old one's entries.",
         "Give every AgentCreated a fresh UUID."),
    Rule("fork-without-thread", _E, _INDEX,
         "a Fork is created with no bound_thread_id",
         "No thread can route to this fork.",
         "Make the code that spawns forks pass the thread the fork is bound to."),
    Rule("event-after-gc", _E, _TRANSITION,
         "an id-keyed agent event targets a garbage-collected record",
         "Something still acts on an agent after collecting it; the daemon applies the "
         "event anyway.",
         "Stop the agent's tasks before collecting it."),
    Rule("start-while-running", _E, _TRANSITION,
         "AgentStarted for a record already running",
         "A second process was started for a running agent; the first one's pid is "
         "lost.",
         "Add an 'already running' guard to the spawn path."),
    Rule("resume-while-running", _E, _TRANSITION,
         "AgentResumed for a record already running",
         "The daemon resumed an agent it believes is running; the old pid is lost.",
         "Add an 'already running' guard to the resume path."),
    Rule("resume-without-session", _E, _TRANSITION,
         "AgentResumed for a stopped record with no session",
         "There is no session to resume, so the resumed process starts from nothing or "
         "fails.",
         "Resume only records with a session_id, and respawn the others."),
    Rule("stale-session-resumed", _E, _INDEX,
         "AgentResumed of a session known to be gone",
         "The session already hit 'No conversation found'; resuming it fails again. "
         "The proposed semantics clears it.",
         "Clear a record's session when AgentSessionNotFound is applied."),
    Rule("pid-zero", _E, _INDEX,
         "AgentStarted or AgentResumed with pid 0",
         "kill -0 0 always succeeds, so the health check never sees this agent die.",
         "Record the child's real pid in AgentStarted and AgentResumed."),
    Rule("pid-reuse", _W, _INDEX,
         "a new pid is still held by another running or limbo record",
         "Two records claim one process: signals and health checks for one hit the "
         "other.",
         "Clear a record's pid when it stops, and when it leaves limbo."),
    Rule("duplicate-running-worker-task", _E, _INDEX,
         "two running Workers share a task",
         "Two workers run the same task; by_task routes to only one of them.",
         "Stop the task's old worker before spawning a new one for it."),
    Rule("duplicate-running-fork-thread", _E, _INDEX,
         "two running Forks share a thread",
         "Two forks answer in one thread; by_thread routes to only one of them "
         "(Midtown PRs #1663, #1782, #1949).",
         "Stop the thread's fork before starting another for it."),
    Rule("fork-thread-rebound", _W, _INDEX,
         "a new Fork takes over a thread another record is bound to",
         "The daemon rebinds by_thread to the new fork and the old record loses the "
         "thread (Midtown PRs #1663, #1782, #1949).",
         "Resume the thread's fork instead of spawning a fresh one."),
    Rule("duplicate-running-lead-channel", _E, _INDEX,
         "two running Leads share a channel",
         "Two leads answer in one channel; by_channel routing is ambiguous.",
         "Stop a channel's lead before starting another (ChannelRenamed merges too)."),
    Rule("duplicate-running-name", _W, _INDEX,
         "two running records share a name",
         "by_name (and AgentSessionNotFound, which is keyed by name) reaches only the "
         "newest one.",
         "Stop or collect the old record before reusing its name."),
    Rule("stop-not-running", _W, _TRANSITION,
         "AgentStopped for a record neither running nor in limbo",
         "A second stop, or a stop of an agent never started: harmless to the index, "
         "but a sign that the daemon lost track of the process.",
         "Find where the daemon lost track of this agent's process."),
    Rule("gc-running", _E, _TRANSITION,
         "AgentGarbageCollected for a running record",
         "A running agent was collected: its process is orphaned.",
         "Stop the agent (AgentStopped) before collecting it."),
    Rule("gc-lead", _E, _TRANSITION,
         "AgentGarbageCollected for a Lead (leads are never collected)",
         "Leads must never be collected; the channel loses its lead.",
         "Leave Leads out of garbage collection."),
    Rule("gc-not-stopped", _E, _TRANSITION,
         "AgentGarbageCollected for a record with no stopped_at",
         "Collection must follow a stop; this record never stopped (or is in limbo).",
         "Collect only records that have a stopped_at."),
    Rule("gc-index-clobber", _W, _INDEX,
         "collecting a record removes a newer record's index entries",
         "The daemon removes by_name/by_task/by_thread entries without checking that "
         "they still point at the collected record, so the newer record becomes "
         "unreachable.",
         "Remove an index entry only when it points at the collected id."),
    Rule("unknown-name", _W, _NAME,
         "AgentSessionNotFound names no record",
         "The daemon ignores it; the failing session belongs to a record the index no "
         "longer reaches by name.",
         "Key AgentSessionNotFound by agent id, so that it reaches the failed record."),
    Rule("session-not-found-ambiguous", _E, _NAME,
         "AgentSessionNotFound while same-name records run",
         "The event is keyed by name, so the daemon cannot tell which record's session "
         "failed and clears by_name[name]'s.",
         "Key AgentSessionNotFound by agent id, not by name."),
    Rule("session-not-found-misattributed", _E, _NAME,
         "AgentSessionNotFound hits the wrong record",
         "The failed session is another record's, but the daemon clears "
         "by_name[name]'s: the broken one keeps running on a dead session.",
         "Key AgentSessionNotFound by agent id, not by name."),
    Rule("stale-pid", _W, _STATE,
         "a record is left in limbo: not running, stale pid, no stopped_at",
         "The event took the record out of the running set but left its pid and set no "
         "stopped_at, so the daemon will neither resume nor collect it (PR #2330). The "
         "proposed semantics makes the event a stop.",
         "Make AgentSessionNotFound stop the record (clear pid, set stopped_at)."),
    Rule("running-without-session", _E, _STATE,
         "a record is left running with no session",
         "A running record with no session cannot be resumed: on restart the daemon "
         "loops on it (the PR #2330 incident).",
         "Take the record out of the running set when its session is cleared."),
    Rule("resume-loop", _E, _NAME,
         "the 3rd AgentSessionNotFound for one name",
         "The daemon keeps resuming a session that no longer exists. The proposed "
         "semantics stops the record on the first one.",
         "Stop the record on its first AgentSessionNotFound."),
    Rule("zombie-running", _E, _END,
         "at the end, a record runs on a session known to be dead",
         "After replay the daemon believes this agent runs on a session that hit 'No "
         "conversation found'; the next restart resumes it and fails.",
         "Stop the agent (AgentStopped) before the daemon restarts."),
    Rule("limbo-unresolved", _E, _END,
         "at the end, a record is still in limbo",
         "After replay this record has a pid, no stopped_at and is not running: the "
         "daemon will never resume or collect it.",
         "Stop the record (AgentStopped) to take it out of limbo."),
    Rule("started-without-session", _I, _STATE,
         "AgentStarted with a null session_id (old daemons)",
         "Logs from daemons before session ids were recorded; such a record cannot be "
         "resumed, only respawned.",
         "Respawn such a record instead of resuming it."),
    Rule("dangling-agent-ref", _I, _INDEX,
         "a non-agent event names an agent id never created",
         "A task, mention, health check or usage event names an agent the log never "
         "created; usually history from before the log's snapshot.",
         "Ignore it if the agent predates the snapshot; else find what wrote the id."),
)  # fmt: skip


def check_catalogue(rules: Iterable[Rule]) -> None:
    """Raise :class:`ValueError` unless ``rules`` lists every :data:`RuleId` once, in order.

    Run on :data:`RULES` at import (a plain check, so ``python -O`` keeps it).
    """
    ids, expected = [rule.id for rule in rules], list(get_args(RuleId))
    if ids == expected:
        return
    problems = [
        f"{label}: {names}"
        for label, names in (
            ("missing", [i for i in expected if i not in ids]),
            ("not a RuleId", [i for i in ids if i not in expected]),
            ("listed twice", sorted({i for i in ids if ids.count(i) > 1})),
        )
        if names
    ]
    raise ValueError("; ".join(problems or ["not in RuleId's order"]))


check_catalogue(_CATALOGUE)

#: The catalogue by rule id, in catalogue order (the order of reports and tables).
RULES: Mapping[RuleId, Rule] = {rule.id: rule for rule in _CATALOGUE}


def rules_of(family: Family) -> tuple[RuleId, ...]:
    """The ids of ``family``'s rules, in catalogue order."""
    return tuple(rule.id for rule in _CATALOGUE if rule.family is family)


def closest_rule(name: str) -> RuleId | None:
    """The rule id most like ``name`` (a misspelt id), if any is close enough."""
    close = get_close_matches(name, list(RULES), n=1)
    return next((rule_id for rule_id in RULES if rule_id in close), None)


def markdown_table(*, family: bool = False) -> str:
    """The catalogue as the Markdown table of the README (``family``: that of docs/rules.md).

    One row per rule, in catalogue order: id, severity, (family,) summary; ends in a newline.
    """
    head = ["Rule", "Severity", *(["Family"] if family else []), "Fires when"]
    rows = [
        [f"`{rule.id}`", str(rule.severity), *([str(rule.family)] if family else []),
         rule.summary]
        for rule in _CATALOGUE
    ]  # fmt: skip
    rule_line = "|---" * len(head) + "|\n"
    head_line, *row_lines = (f"| {' | '.join(cells)} |\n" for cells in [head, *rows])
    return head_line + rule_line + "".join(row_lines)
