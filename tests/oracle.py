"""Independent reference implementation ("oracle") of the lifecheck rule catalogue.

Written from the shared contract only (``rules.md`` and ``midtown.md`` in ../shared, before
their later revision), never from ``checker/``, for differential testing of the real checker.
That contract is what docs/rules.md and docs/midtown-format.md now state in the repository.
The two fork rules (``duplicate-running-fork-thread``, ``fork-thread-rebound``) and the
``duplicate-running-name`` exclusion they extend are from the revised rules.md §4.
Deliberately simple and slow: every state rule rescans every record.

Public API::

    check_lines(lines, path, semantics="d11b83e") -> {"events", "agents", "findings"}

Whole log files and event-store directories (§1-2 of the revised contract) are in
``tests/oracle_store.py``, on top of ``check_lines``.

Places where that rules.md can be read more than one way are marked with ``# AMBIGUITY:``;
docs/rules.md states the reading lifecheck chose.
"""

from __future__ import annotations

import calendar
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

SEMANTICS = ("d11b83e", "3d1b4c5d", "proposed")

SEVERITY: dict[str, str] = {
    "parse-error": "error",
    "recovery-fails": "error",
    "snapshot-inconsistent": "warning",
    "stale-snapshot-chosen": "error",
    "unknown-agent": "error",
    "duplicate-id": "error",
    "fork-without-thread": "error",
    "event-after-gc": "error",
    "start-while-running": "error",
    "resume-while-running": "error",
    "resume-without-session": "error",
    "stale-session-resumed": "error",
    "pid-zero": "error",
    "pid-reuse": "warning",
    "duplicate-running-worker-task": "error",
    "duplicate-running-fork-thread": "error",
    "fork-thread-rebound": "warning",
    "duplicate-running-lead-channel": "error",
    "duplicate-running-name": "warning",
    "stop-not-running": "warning",
    "gc-running": "error",
    "gc-lead": "error",
    "gc-not-stopped": "error",
    "gc-index-clobber": "warning",
    "unknown-name": "warning",
    "session-not-found-ambiguous": "error",
    "session-not-found-misattributed": "error",
    "stale-pid": "warning",
    "running-without-session": "error",
    "resume-loop": "error",
    "zombie-running": "error",
    "limbo-unresolved": "error",
    "started-without-session": "info",
    "dangling-agent-ref": "info",
}

# ---------------------------------------------------------------------------------------------
# §1 Reading: the DomainEvent schema (midtown.md §1.1)
# ---------------------------------------------------------------------------------------------

S, OS, U32, U64, BOOL, BOOL_DEFAULT_FALSE = "S", "OS", "u32", "u64", "bool", "bool=false"
VEC_S, OPT_LIST, DATETIME, VALUE = "Vec<String>", "Option<Vec<_>>", "DateTime<Utc>", "Value"
KIND = ("Lead", "Fork", "Worker")
PROVIDER = ("ClaudeCode", "Codex")
PROCESS_STATUS = ("Running", "Stopped", "Dead")
CI_STATUS = ("Pending", "Running", "Passed", "Failed")
REVIEW_STATE = ("None", "Pending", "Approved", "ChangesRequested")

FieldType = str | tuple[str, ...]  # a tuple is an enum: its allowed names

# AMBIGUITY: `number` is typed u64 only in PrOpened; it is taken as u64 in every Pr* variant.
# AMBIGUITY: PrUpdated.ci_status / review_state are taken as the CiStatus / ReviewState enums.
# AMBIGUITY: WorktreeCreated.path (PathBuf) is a JSON string; a "?" field is Option<String>.
VARIANTS: dict[str, dict[str, FieldType]] = {
    "AgentCreated": {
        "id": S,
        "name": S,
        "kind": KIND,
        "agent_type": S,
        "provider": PROVIDER,
        "channel": OS,
        "task_id": OS,
        "bound_thread_id": OS,
        "icon": OS,
        "color": OS,
    },
    "AgentStarted": {"id": S, "pid": U32, "session_id": OS},
    "AgentStopped": {"id": S, "reason": S},
    "AgentResumed": {"id": S, "pid": U32},
    "AgentGarbageCollected": {"id": S},
    "AgentStateReported": {"id": S, "state": S},
    "AgentSpawnFailed": {"name": S, "agent_type": S, "reason": S},
    "AgentStopFailed": {"id": S, "reason": S},
    "AgentSessionNotFound": {"name": S},
    "ChannelRenamed": {"old_name": S, "new_name": S},
    "TaskAssigned": {"task_id": S, "agent_id": S},
    "MessagePosted": {
        "id": S,
        "channel": S,
        "sender": S,
        "content": S,
        "thread_id": OS,
        "tool_data": OPT_LIST,
        "auto_output": BOOL_DEFAULT_FALSE,
    },
    "MentionRouted": {"message_id": S, "target_agent": S},
    "ProcessHealthChecked": {"agent_id": S, "status": PROCESS_STATUS},
    "UsageLimitHit": {"agent_id": S, "reset_at": DATETIME},
    "AuthErrorDetected": {"agent_id": S},
    "TaskCreated": {
        "id": S,
        "subject": S,
        "channel": S,
        "blocked_by": VEC_S,
        "agent_type": OS,
        "agent_name": OS,
        "icon": OS,
        "color": OS,
        "parent": OS,
        "thread_id": OS,
        "message_id": OS,
    },
    "TaskUpdated": {"task_id": S, "thread_id": OS, "message_id": OS},
    "TaskCompleted": {"task_id": S},
    "TaskReset": {"task_id": S, "reason": S},
    "TaskUnblocked": {"task_id": S},
    "PrOpened": {"number": U64, "branch": S, "github_author": S},  # alias "author"
    "PrUpdated": {"number": U64, "ci_status": CI_STATUS, "review_state": REVIEW_STATE},
    "PrMerged": {"number": U64, "branch": S},
    "PrClosed": {"number": U64},
    "PrReviewRequested": {"number": U64},
    "PrLinkedToTask": {"number": U64, "task_id": S},
    "WorktreeCreated": {"id": S, "path": S, "task_id": OS},
    "WorktreeRemoved": {"id": S},
    "ReminderCreated": {"id": S, "trigger": S, "message": S, "cron_expr": OS},
    "ReminderCancelled": {"id": S},
    "WorkflowStateSet": {"channel": S, "key": S, "state": S},
    "ChannelLeadDrivenSet": {"channel": S, "lead_driven": BOOL},
    "ChannelDirectorySet": {"channel": S, "directory": OS},
    "ChannelArchived": {"channel": S},
    "ChannelUnarchived": {"channel": S},
    "ChannelCreated": {"channel": S},
    "ConfigUpdated": {"key": S, "value": VALUE},
}
ALIASES: dict[str, dict[str, str]] = {"PrOpened": {"author": "github_author"}}

ID_KEYED = (
    "AgentStarted",
    "AgentStopped",
    "AgentResumed",
    "AgentGarbageCollected",
    "AgentStateReported",
    "AgentStopFailed",
)
DANGLING_REF_FIELD = {
    "TaskAssigned": "agent_id",
    "MentionRouted": "target_agent",
    "ProcessHealthChecked": "agent_id",
    "UsageLimitHit": "agent_id",
    "AuthErrorDetected": "agent_id",
}

# AMBIGUITY: "whitespace-only" uses Unicode White_Space (what Rust's str::trim strips), not
# only ASCII whitespace; such a line is blank and skipped.
UNICODE_WHITESPACE = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)

# AMBIGUITY: RFC 3339 read strictly per its ABNF: "T"/"t" separator (no space), "Z"/"z" or
# +hh:mm/-hh:mm, optional fraction of 1+ digits, seconds 00-60 (leap second), real dates only.
RFC3339 = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]+)?"
    r"(?:[Zz]|[+-]([0-9]{2}):([0-9]{2}))"
)


class Malformed(Exception):
    """A line that the daemon's serde would fail to parse."""


class JsonObject(dict[str, Any]):
    """A decoded JSON object that remembers its key count and which keys were repeated."""

    npairs: int = 0
    dups: frozenset[str] = frozenset()


def _object_hook(pairs: list[tuple[str, Any]]) -> JsonObject:
    obj = JsonObject(pairs)
    keys = [k for k, _ in pairs]
    obj.npairs = len(keys)
    obj.dups = frozenset(k for k in keys if keys.count(k) > 1)
    return obj


def _reject_constant(name: str) -> Any:
    raise Malformed(f"{name} is not JSON")


def _parse_int(text: str) -> int | float:
    # AMBIGUITY: serde_json reads "-0" as the float -0.0, so "-0" is not a valid u32/u64.
    value = int(text)
    return -0.0 if value == 0 and text.startswith("-") else value


def _lone_surrogate(s: str) -> bool:
    return any("\ud800" <= ch <= "\udfff" for ch in s)


def _check_value(v: Any) -> None:
    # AMBIGUITY: for a field that serde actually deserializes as String or serde_json::Value,
    # a lone \uD800-style surrogate escape and a float overflowing f64 (1e400) are malformed;
    # in ignored unknown keys (and in tool_data, whose element type is unknown) they are not
    # inspected, as serde_json's IgnoredAny does not inspect them either.
    if isinstance(v, str) and _lone_surrogate(v):
        raise Malformed("lone surrogate in string")
    if isinstance(v, float) and v in (float("inf"), float("-inf")):
        raise Malformed("number out of range")
    if isinstance(v, list):
        for item in v:
            _check_value(item)
    if isinstance(v, dict):
        for key, item in v.items():
            _check_value(key)
            _check_value(item)


def _is_rfc3339(s: str) -> bool:
    m = RFC3339.fullmatch(s)
    if m is None:
        return False
    year, month, day, hour, minute, second = (int(g) for g in m.groups()[:6])
    if not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(year or 2000, month)[1]:
        return False  # (year 0 is a leap year in the proleptic calendar, like 2000)
    if hour > 23 or minute > 59 or second > 60:
        return False
    off_h, off_m = m.group(8), m.group(9)
    return off_h is None or (int(off_h) <= 23 and int(off_m) <= 59)


def _check_field(name: str, ftype: FieldType, present: bool, v: Any) -> Any:
    """Return the field's value after serde's rules, or raise Malformed."""
    if ftype in (OS, OPT_LIST) and (not present or v is None):
        return None
    if ftype == BOOL_DEFAULT_FALSE and not present:
        return False
    if not present:
        raise Malformed(f"missing field `{name}`")
    ok: bool
    if isinstance(ftype, tuple):
        ok = isinstance(v, str) and v in ftype
    elif ftype in (S, OS):
        ok = isinstance(v, str) and not _lone_surrogate(v)
    elif ftype == U32:
        ok = type(v) is int and 0 <= v < 2**32
    elif ftype == U64:
        ok = type(v) is int and 0 <= v < 2**64
    elif ftype in (BOOL, BOOL_DEFAULT_FALSE):
        ok = isinstance(v, bool)  # so an explicit null auto_output is malformed
    elif ftype == VEC_S:
        ok = isinstance(v, list) and all(isinstance(x, str) and not _lone_surrogate(x) for x in v)
    elif ftype == OPT_LIST:
        ok = isinstance(v, list)
    elif ftype == DATETIME:
        ok = isinstance(v, str) and _is_rfc3339(v)
    elif ftype == VALUE:
        _check_value(v)  # any JSON, null included; a missing `value` is still malformed
        ok = True
    else:  # pragma: no cover - schema typo
        raise AssertionError(ftype)
    if not ok:
        raise Malformed(f"invalid type for field `{name}`")
    return v


def parse_line(raw: bytes) -> tuple[str, dict[str, Any]] | None:
    """None for a blank line, (variant, fields) for an event; raise Malformed otherwise."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Malformed("invalid UTF-8") from exc
    if text.strip(UNICODE_WHITESPACE) == "":
        return None
    try:
        doc = json.loads(
            text,
            object_pairs_hook=_object_hook,
            parse_int=_parse_int,
            parse_constant=_reject_constant,
        )
    # AMBIGUITY: anything Python's json cannot decode (including integers over 4300 digits and
    # nesting deep enough for RecursionError) is malformed; serde_json's own nesting limit of
    # 128 is not modelled.
    except (ValueError, RecursionError) as exc:
        raise Malformed(f"invalid JSON: {exc}") from exc
    # AMBIGUITY: `{"X":{..},"X":{..}}` (the same key twice) counts as "two keys".
    if not isinstance(doc, JsonObject) or doc.npairs != 1:
        raise Malformed("not a JSON object with exactly one key")
    variant, body = next(iter(doc.items()))
    if variant not in VARIANTS:
        raise Malformed(f"unknown variant `{variant}`")
    # The brief: the variant's value must be an object; serde's sequence form is not accepted.
    if not isinstance(body, JsonObject):
        raise Malformed("variant value is not an object")
    schema, aliases = VARIANTS[variant], ALIASES.get(variant, {})
    # AMBIGUITY: a known field (or alias) given twice in the body is malformed, as serde's
    # derived Deserialize reports "duplicate field"; repeated unknown keys are ignored.
    seen: dict[str, Any] = {}
    for key in body:
        canonical = aliases.get(key, key)
        if canonical not in schema:
            continue  # unknown extra keys are ignored
        if key in body.dups or canonical in seen:
            raise Malformed(f"duplicate field `{canonical}`")  # includes author + github_author
        seen[canonical] = body[key]
    fields = {
        name: _check_field(name, ftype, name in seen, seen.get(name))
        for name, ftype in schema.items()
    }
    return variant, fields


# ---------------------------------------------------------------------------------------------
# §3 Projection state and §4 rules
# ---------------------------------------------------------------------------------------------


@dataclass
class State:
    by_id: dict[str, dict[str, Any]] = field(default_factory=dict)
    by_name: dict[str, str] = field(default_factory=dict)
    by_task: dict[str, str] = field(default_factory=dict)
    by_channel: dict[str, list[str]] = field(default_factory=dict)
    by_thread: dict[str, str] = field(default_factory=dict)
    running: set[str] = field(default_factory=set)
    failed_sessions: set[str] = field(default_factory=set)
    not_found_count: dict[str, int] = field(default_factory=dict)


def in_limbo(st: State, aid: str) -> bool:
    r = st.by_id[aid]
    return not r["gc"] and aid not in st.running and r["pid"] is not None and not r["stopped"]


def running_records(st: State) -> list[str]:
    """The running ids that name a record: a snapshot's running set may also hold ids that
    name none (rules.md §2), which no rule about running records counts."""
    return [a for a in st.running if a in st.by_id]


def sessionless_running(st: State, aid: str) -> bool:
    r = st.by_id[aid]
    return not r["gc"] and aid in st.running and r["session_id"] is None


Finding = dict[str, Any]
Add = Callable[[str, int | None, str | None, str | None], None]  # adds one finding


def check_lines(
    lines: list[bytes],
    path: str,
    semantics: str = "d11b83e",
    *,
    initial: State | None = None,
    snapshot: str | None = None,
) -> dict[str, Any]:
    """``initial``: the state a store's snapshot (at path ``snapshot``) gives, if any."""
    if semantics not in SEMANTICS:
        raise ValueError(f"unknown semantics {semantics!r}")
    st = initial if initial is not None else State()
    findings: list[Finding] = []

    def add(
        rule: str,
        line: int | None,
        agent_id: str | None,
        agent_name: str | None,
        at: str | None = None,
    ) -> None:
        findings.append(
            {
                "rule": rule,
                "severity": SEVERITY[rule],
                "path": at or path,
                "line": line,
                "agent_id": agent_id,
                "agent_name": agent_name,
            }
        )

    # rules.md §1: a byte that is not UTF-8 anywhere in the file (even after a malformed
    # line) makes read_to_string fail: recovery-fails at its line, and nothing else.
    for index, raw in enumerate(lines):
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            add("recovery-fails", index + 1, None, None)
            return {"events": 0, "agents": 0, "findings": findings}

    events = 0
    for index, raw in enumerate(lines):
        line = index + 1
        try:
            parsed = parse_line(raw)
        except Malformed:
            add("parse-error", line, None, None)
            break  # replay stops at the first malformed line
        if parsed is None:
            continue
        events += 1
        variant, f = parsed
        _step(st, variant, f, line, semantics, add)

    # End-of-replay rules, on the state at the last good line.
    for aid, r in st.by_id.items():
        at = snapshot if r["last_line"] is None else None  # only the snapshot holds it
        if not r["gc"] and aid in st.running and r["session_id"] in st.failed_sessions:
            add("zombie-running", r["last_line"], aid, r["name"], at)
        if in_limbo(st, aid):
            add("limbo-unresolved", r["last_line"], aid, r["name"], at)

    findings.sort(
        key=lambda x: (
            x["path"],
            x["line"] if x["line"] is not None else -1,
            x["rule"],
            x["agent_id"] or "",
            x["agent_name"] or "",
        )
    )
    return {"events": events, "agents": len(st.by_id), "findings": findings}


def _step(st: State, variant: str, f: dict[str, Any], line: int, semantics: str, add: Add) -> None:
    """Transition rules on the state before, apply, state rules on the state after."""
    aid: str | None = f.get("id") if variant in ID_KEYED or variant == "AgentCreated" else None

    # AMBIGUITY: "never created" (unknown-agent, dangling-agent-ref) means not created by any
    # earlier line; a later AgentCreated does not matter.
    if variant in ID_KEYED and aid not in st.by_id:
        add("unknown-agent", line, aid, None)  # not applied; no other rule for this line
        return

    limbo_before = {a for a in st.by_id if in_limbo(st, a)}
    slr_before = {a for a in st.by_id if sessionless_running(st, a)}
    not_found_target: str | None = None

    # ---- transition rules (state before the event) ----
    if variant == "AgentCreated":
        assert aid is not None
        # AMBIGUITY: duplicate-id's agent_name is the name in the new AgentCreated.
        if aid in st.by_id:
            add("duplicate-id", line, aid, f["name"])
        if f["kind"] == "Fork" and f["bound_thread_id"] is None:
            add("fork-without-thread", line, aid, f["name"])
        # fork-thread-rebound (revised rules.md): by_thread[T] as it is before this event.
        # AMBIGUITY: "another" record is another id; one that by_thread names but by_id does
        # not hold is no record, so it does not count.
        if f["kind"] == "Fork" and f["bound_thread_id"] is not None:
            holder = st.by_thread.get(f["bound_thread_id"])
            if holder not in (None, aid) and holder in st.by_id and not st.by_id[holder]["gc"]:
                add("fork-thread-rebound", line, aid, f["name"])
    elif variant in ID_KEYED:
        assert aid is not None
        r = st.by_id[aid]
        name = r["name"]
        running = aid in st.running
        if r["gc"]:
            add("event-after-gc", line, aid, name)  # repeated GC lines included
        if variant == "AgentStarted" and running:
            add("start-while-running", line, aid, name)
        if variant == "AgentResumed":
            if running:
                add("resume-while-running", line, aid, name)
            if not running and r["session_id"] is None:
                add("resume-without-session", line, aid, name)
            if r["session_id"] is not None and r["session_id"] in st.failed_sessions:
                add("stale-session-resumed", line, aid, name)
        if variant in ("AgentStarted", "AgentResumed"):
            pid = f["pid"]
            if pid == 0:
                add("pid-zero", line, aid, name)
            else:
                # pid-reuse (revised rules.md): one finding per event.
                if any(
                    other != aid
                    and not o["gc"]
                    and o["pid"] == pid
                    and (other in st.running or in_limbo(st, other))
                    for other, o in st.by_id.items()
                ):
                    add("pid-reuse", line, aid, name)
        if variant == "AgentStopped" and not r["gc"] and not running and not in_limbo(st, aid):
            add("stop-not-running", line, aid, name)
        if variant == "AgentGarbageCollected":
            if not r["gc"]:
                if running:
                    add("gc-running", line, aid, name)
                if r["kind"] == "Lead":
                    add("gc-lead", line, aid, name)
                if not running and not r["stopped"]:
                    add("gc-not-stopped", line, aid, name)
            # AMBIGUITY: gc-index-clobber is checked for already-GC'd records too (the removals
            # run again), and gives one finding per event however many maps are clobbered.
            clobbered = [
                index.get(key) not in (None, aid)
                for index, key in (
                    (st.by_name, name),
                    (st.by_task, r["task_id"]),
                    (st.by_thread, r["bound_thread_id"]),
                )
                if key is not None
            ]
            if any(clobbered):
                add("gc-index-clobber", line, aid, name)
    elif variant == "AgentSessionNotFound":
        name = f["name"]
        not_found_target = st.by_name.get(name)
        if not_found_target is None:
            add("unknown-name", line, None, name)
        candidates = [
            a for a, o in st.by_id.items() if not o["gc"] and a in st.running and o["name"] == name
        ]
        if len(candidates) > 1:
            add("session-not-found-ambiguous", line, None, name)
        elif len(candidates) == 1:
            (cand,) = candidates
            # AMBIGUITY: with no by_name entry at all, R != by_name[name] holds, so
            # misattributed fires as well as unknown-name.
            if cand != not_found_target:
                add("session-not-found-misattributed", line, cand, name)
            if st.by_id[cand]["session_id"] is not None:
                st.failed_sessions.add(st.by_id[cand]["session_id"])
        # AMBIGUITY: every AgentSessionNotFound counts toward resume-loop, including ones whose
        # name is unknown; the finding is on the line of the 3rd one.
        st.not_found_count[name] = st.not_found_count.get(name, 0) + 1
        if st.not_found_count[name] == 3:
            add("resume-loop", line, None, name)
    elif variant == "ChannelRenamed":
        _check_rename(st, f["old_name"], f["new_name"], line, add)
    elif variant in DANGLING_REF_FIELD:
        # AMBIGUITY: MentionRouted.target_agent is compared with agent ids, like the others.
        ref = f[DANGLING_REF_FIELD[variant]]
        if ref not in st.by_id:
            add("dangling-agent-ref", line, ref, None)

    # ---- apply ----
    _apply(st, variant, f, semantics, not_found_target)
    if aid is not None:
        st.by_id[aid]["last_line"] = line
    if not_found_target in st.by_id:  # a snapshot's by_name entry may name no record
        st.by_id[not_found_target]["last_line"] = line

    # ---- state rules (state after the event) ----
    # AMBIGUITY: "moved into" compares records by id before/after the event, so a record
    # replaced by a duplicate AgentCreated that was already sessionless-running is not "moved".
    for a, r in st.by_id.items():
        if a not in limbo_before and in_limbo(st, a):
            add("stale-pid", line, a, r["name"])
        if a not in slr_before and sessionless_running(st, a):
            # AMBIGUITY: started-without-session needs the AgentStarted to *move* the record
            # into sessionless-running; a null-session start of an already sessionless-running
            # record reports neither rule.
            if variant == "AgentStarted" and a == aid and f["session_id"] is None:
                add("started-without-session", line, a, r["name"])
            else:
                add("running-without-session", line, a, r["name"])
    if variant in ("AgentStarted", "AgentResumed"):
        assert aid is not None
        _check_duplicates_after_start(st, aid, line, add)


def _check_rename(st: State, old: str, new: str, line: int, add: Add) -> None:
    # AMBIGUITY: "another running Lead already is" in `new` is judged before the rename, by the
    # Lead records' channel field, excluding leads moved by this same rename; renaming a
    # channel to itself moves nothing. One finding per moved running Lead.
    # AMBIGUITY: "running" in the duplicate-running-* rules means membership of the running
    # set, GC'd records included (these rules, unlike others, do not say "non-GC").
    if old == new or old not in st.by_channel:
        return
    moved = list(dict.fromkeys(st.by_channel[old]))
    for lead in moved:
        if lead not in st.by_id or lead not in st.running or st.by_id[lead]["kind"] != "Lead":
            continue
        others = [
            m
            for m in running_records(st)
            if m not in moved and st.by_id[m]["kind"] == "Lead" and st.by_id[m]["channel"] == new
        ]
        if others:
            add("duplicate-running-lead-channel", line, lead, st.by_id[lead]["name"])


def _check_duplicates_after_start(st: State, aid: str, line: int, add: Add) -> None:
    r = st.by_id[aid]
    reported: set[str] = set()
    # AMBIGUITY: a null task / null channel never matches another null one. Each rule gives
    # one finding per event (revised rules.md); the others it finds count as reported.
    for kind, unique, rule in (
        ("Worker", "task_id", "duplicate-running-worker-task"),
        ("Fork", "bound_thread_id", "duplicate-running-fork-thread"),
        ("Lead", "channel", "duplicate-running-lead-channel"),
    ):
        if r["kind"] != kind or r[unique] is None:
            continue
        others = {
            other
            for other in running_records(st)
            if other != aid
            and st.by_id[other]["kind"] == kind
            and st.by_id[other][unique] == r[unique]
        }
        if others:
            add(rule, line, aid, r["name"])
            reported |= others
    same_name = [
        other
        for other in running_records(st)
        if other != aid and other not in reported and st.by_id[other]["name"] == r["name"]
    ]
    if same_name:
        add("duplicate-running-name", line, aid, r["name"])


def _apply(
    st: State, variant: str, f: dict[str, Any], semantics: str, not_found_target: str | None
) -> None:
    """midtown.md §3.1 (d11b83e), with rules.md §3's changes for the other semantics."""
    if variant == "AgentCreated":
        aid = f["id"]
        st.by_id[aid] = {
            "name": f["name"],
            "kind": f["kind"],
            "channel": f["channel"],
            "task_id": f["task_id"],
            "bound_thread_id": f["bound_thread_id"],
            "session_id": None,
            "pid": None,
            "stopped": False,
            "gc": False,
            "last_line": None,
        }  # `running` is left unchanged (D9)
        st.by_name[f["name"]] = aid
        if f["task_id"] is not None:
            st.by_task[f["task_id"]] = aid
        if f["channel"] is not None:
            st.by_channel.setdefault(f["channel"], []).append(aid)
        if f["bound_thread_id"] is not None:
            st.by_thread[f["bound_thread_id"]] = aid
    elif variant == "AgentStarted":
        r = st.by_id[f["id"]]
        r.update(session_id=f["session_id"], pid=f["pid"], stopped=False)
        st.running.add(f["id"])
    elif variant == "AgentResumed":
        st.by_id[f["id"]].update(pid=f["pid"], stopped=False)
        st.running.add(f["id"])
    elif variant == "AgentStopped":
        st.by_id[f["id"]].update(pid=None, stopped=True)
        st.running.discard(f["id"])
    elif variant == "AgentGarbageCollected":
        aid = f["id"]
        r = st.by_id[aid]
        r["gc"] = True
        st.running.discard(aid)
        st.by_name.pop(r["name"], None)  # removed whatever id it points to
        if r["task_id"] is not None:
            st.by_task.pop(r["task_id"], None)
        if r["bound_thread_id"] is not None:
            st.by_thread.pop(r["bound_thread_id"], None)
        if r["channel"] is not None and r["channel"] in st.by_channel:
            # AMBIGUITY: every occurrence of the id (duplicates are possible) is removed.
            rest = [x for x in st.by_channel[r["channel"]] if x != aid]
            if rest:
                st.by_channel[r["channel"]] = rest
            else:
                del st.by_channel[r["channel"]]
    elif variant == "AgentSessionNotFound" and not_found_target in st.by_id:
        r = st.by_id[not_found_target]
        r["session_id"] = None
        if semantics in ("d11b83e", "proposed"):
            st.running.discard(not_found_target)
        if semantics == "proposed":
            r.update(pid=None, stopped=True)
    elif variant == "ChannelRenamed" and f["old_name"] in st.by_channel:
        ids = st.by_channel.pop(f["old_name"])
        for x in ids:
            if x in st.by_id:
                st.by_id[x]["channel"] = f["new_name"]
        st.by_channel[f["new_name"]] = ids  # overwrites an existing list (D10)
    # AgentStateReported, AgentStopFailed, AgentSpawnFailed and every other variant: no change
    # to anything tracked here.
