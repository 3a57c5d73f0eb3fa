"""A minimal failing input for every rule of the catalogue: what ``lifecheck rules RULE``
shows, and the triggering traces of tests/test_rules.py (which checks each one).

A log rule's example is one log, ``log.jsonl``; a store rule's is the files of an
event-store directory (snapshots, logs), since only a store has snapshots to choose from.
Checking an example gives its rule and, where no smaller input can avoid them, the rules
of :attr:`Example.also`, and nothing else.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

from lifecheck.spec.catalogue import RULES, RuleId
from lifecheck.spec.lifecycle import PRE_FIX

#: The name of a log rule's one file.
LOG = "log.jsonl"


@dataclass(frozen=True, slots=True)
class Example:
    """An input that gives one rule: file name -> text, under ``semantics`` (``None``:
    the default); ``also``: the other rules it cannot help giving."""

    files: Mapping[str, str]
    semantics: str | None = None
    also: tuple[RuleId, ...] = ()

    @property
    def is_store(self) -> bool:
        """Whether this is a store directory's files rather than one log."""
        return set(self.files) != {LOG}


def _event(variant: str, **fields: object) -> str:
    """One externally tagged event, compact as serde_json writes it."""
    return json.dumps({variant: fields}, separators=(",", ":"))


def _created(
    agent_id: str, name: str = "btucker-reviewer", kind: str = "Worker", **fields: object
) -> str:
    routes = {"channel": None, "task_id": None, "bound_thread_id": None} | fields
    return _event("AgentCreated", id=agent_id, name=name, kind=kind,
                  agent_type="midtown-code-reviewer", provider="ClaudeCode", **routes,
                  icon=None, color=None)  # fmt: skip


def _started(agent_id: str, pid: int = 4100, session: str | None = "sess-1") -> str:
    return _event("AgentStarted", id=agent_id, pid=pid, session_id=session)


def _stopped(agent_id: str) -> str:
    return _event("AgentStopped", id=agent_id, reason="process exited")


def _resumed(agent_id: str, pid: int = 5100) -> str:
    return _event("AgentResumed", id=agent_id, pid=pid)


def _collected(agent_id: str) -> str:
    return _event("AgentGarbageCollected", id=agent_id)


def _not_found(name: str = "btucker-reviewer") -> str:
    return _event("AgentSessionNotFound", name=name)


def _log(*lines: str, semantics: str | None = None, also: tuple[RuleId, ...] = ()) -> Example:
    return Example({LOG: "".join(f"{line}\n" for line in lines)}, semantics, also)


def _snapshot(by_id: Mapping[str, str] | None = None) -> str:
    """A snapshot (compact; the daemon writes it indented, both read alike) whose by_id maps
    each key to a stopped Worker record with that id, reached by name through its key."""
    records = {key: _record(agent_id) for key, agent_id in (by_id or {}).items()}
    index = {"by_id": records, "by_name": {r["name"]: key for key, r in records.items()},
             "by_task": {}, "by_channel": {}, "by_thread": {}, "running": []}  # fmt: skip
    return json.dumps({"agents": index, "work": {}, "channels": {}}, separators=(",", ":")) + "\n"


def _record(agent_id: str) -> dict[str, object]:
    return {
        "id": agent_id, "name": "btucker-reviewer", "kind": "Worker",
        "agent_type": "midtown-code-reviewer", "provider": "ClaudeCode", "channel": None,
        "task_id": None, "bound_thread_id": None, "session_id": "sess-1", "pid": None,
        "started_at": "2026-04-05T09:00:00Z", "stopped_at": "2026-04-05T10:00:00Z",
        "icon": None, "color": None, "reported_state": None, "state_reported_at": None,
        "gc": False,
    }  # fmt: skip


A, B = "a1", "b2"
_LEAD = {"name": "midtown", "kind": "Lead", "channel": "midtown"}
_FORK = {"name": "fork-t1", "kind": "Fork", "bound_thread_id": "t1"}
_TWO_RUNNING = (_created(A), _started(A, session="s-a"), _created(B),
                _started(B, pid=4200, session="s-b"))  # fmt: skip

EXAMPLES: Mapping[RuleId, Example] = {
    "parse-error": _log(_created(A), '{"AgentResumed":{"id":"a1"}}'),
    "recovery-fails": Example({"snapshot-0042.json": '{\n  "agents": nul\n}\n'}),
    "snapshot-inconsistent": Example({"snapshot-0042.json": _snapshot(by_id={"k1": A})}),
    "stale-snapshot-chosen": Example(
        {"snapshot-9999.json": _snapshot(), "snapshot-10000.json": _snapshot()}
    ),
    "unknown-agent": _log(_stopped(A)),
    "duplicate-id": _log(_created(A), _created(A)),
    "fork-without-thread": _log(_created(A, "fork-1", "Fork")),
    "event-after-gc": _log(_created(A), _started(A), _stopped(A), _collected(A), _resumed(A)),
    "start-while-running": _log(_created(A), _started(A), _started(A)),
    "resume-while-running": _log(_created(A), _started(A), _resumed(A)),
    "resume-without-session": _log(
        _created(A), _resumed(A), also=("running-without-session",)
    ),
    "stale-session-resumed": _log(
        *_TWO_RUNNING, _stopped(A), _stopped(B), _resumed(A), _not_found(), _stopped(A),
        _resumed(A), _stopped(A),
        also=("duplicate-running-name", "session-not-found-misattributed"),
    ),
    "pid-zero": _log(_created(A), _started(A, pid=0)),
    "pid-reuse": _log(_created(A), _started(A, pid=7), _created(B, "other"), _started(B, pid=7)),
    "duplicate-running-worker-task": _log(
        _created(A, "w1", task_id="t1"), _started(A), _created(B, "w2", task_id="t1"),
        _started(B, pid=4200),
    ),
    "duplicate-running-fork-thread": _log(
        _created(A, **_FORK), _started(A), _created(B, **_FORK), _started(B, pid=4200),
        also=("fork-thread-rebound",),
    ),
    "fork-thread-rebound": _log(
        _created(A, **_FORK), _started(A), _stopped(A), _created(B, **_FORK)
    ),
    "duplicate-running-lead-channel": _log(
        _created(A, **_LEAD), _started(A), _created(B, **_LEAD), _started(B, pid=4200)
    ),
    "duplicate-running-name": _log(_created(A), _started(A), _created(B), _started(B, pid=4200)),
    "stop-not-running": _log(_created(A), _started(A), _stopped(A), _stopped(A)),
    "gc-running": _log(_created(A), _started(A), _collected(A)),
    "gc-lead": _log(_created(A, **_LEAD), _started(A), _stopped(A), _collected(A)),
    "gc-not-stopped": _log(_created(A), _collected(A)),
    "gc-index-clobber": _log(_created(A), _started(A), _stopped(A), _created(B), _collected(A)),
    "unknown-name": _log(_not_found("ghost")),
    "session-not-found-ambiguous": _log(
        *_TWO_RUNNING, _not_found(), _stopped(B), also=("duplicate-running-name", "stale-pid")
    ),
    "session-not-found-misattributed": _log(
        *_TWO_RUNNING, _stopped(B), _not_found(), _stopped(A), also=("duplicate-running-name",)
    ),
    "stale-pid": _log(_created(A), _started(A), _not_found(), _stopped(A)),
    "running-without-session": _log(_created(A), _started(A), _not_found(), semantics=PRE_FIX),
    "resume-loop": _log(_created(A), _started(A), _stopped(A), *[_not_found()] * 3),
    "zombie-running": _log(
        *_TWO_RUNNING, _stopped(B), _not_found(),
        also=("duplicate-running-name", "session-not-found-misattributed"),
    ),
    "limbo-unresolved": _log(_created(A), _started(A), _not_found(), also=("stale-pid",)),
    "started-without-session": _log(_created(A), _started(A, session=None)),
    "dangling-agent-ref": _log(_event("TaskAssigned", task_id="t1", agent_id=A)),
}  # fmt: skip

if list(EXAMPLES) != list(RULES):  # a plain check, so ``python -O`` keeps it
    raise ValueError("EXAMPLES must give one example per rule, in catalogue order")
