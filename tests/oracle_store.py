"""Independent reference implementation of reading whole logs and event-store directories.

Written from the revised shared contract (``../shared/docs/rules.md`` §1-2 and ``midtown.md``
§2), never from ``checker/``, on top of :func:`tests.oracle.check_lines`. Public API::

    check_log(data, path, semantics="d11b83e") -> {"events", "agents", "findings"}
    check_store(directory, semantics="d11b83e") -> the same, for an event-store directory

Places where the contract can be read more than one way are marked ``# AMBIGUITY:``.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from typing import Any

from tests.oracle import (
    KIND,
    PROVIDER,
    SEVERITY,
    Finding,
    JsonObject,
    Malformed,
    State,
    _is_rfc3339,
    _lone_surrogate,
    _object_hook,
    _reject_constant,
    check_lines,
)

# ---------------------------------------------------------------------------------------------
# §1-2 (revised contract, ../shared/docs/rules.md): whole files and event-store directories
# ---------------------------------------------------------------------------------------------


def _lines_in(data: bytes) -> int:
    """How many lines a file has: a final newline ends the last line, it starts none."""
    return 0 if not data else data[:-1].count(b"\n") + 1


def _line_of_byte(data: bytes, offset: int) -> int:
    return data[:offset].count(b"\n") + 1


def _recovery_fails(path: str, line: int | None) -> dict[str, Any]:
    finding = {
        "rule": "recovery-fails",
        "severity": SEVERITY["recovery-fails"],
        "path": path,
        "line": line,
        "agent_id": None,
        "agent_name": None,
    }
    return {"events": 0, "agents": 0, "findings": [finding]}


def check_log(
    data: bytes,
    path: str,
    semantics: str = "d11b83e",
    *,
    initial: State | None = None,
    snapshot: str | None = None,
) -> dict[str, Any]:
    """A whole log file: not UTF-8 anywhere is recovery-fails at the line of the first bad
    byte, and nothing else; otherwise its lines, split on \\n."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return _recovery_fails(path, _line_of_byte(data, exc.start))
    return check_lines(data.split(b"\n"), path, semantics, initial=initial, snapshot=snapshot)


def _u64(text: str) -> int:
    """Rust's `str::parse::<u64>`, or 0 when it fails (rules.md §2)."""
    digits = text[1:] if text.startswith("+") else text
    if not digits or any(ch not in "0123456789" for ch in digits):
        return 0
    value = int(digits)
    return value if value < 2**64 else 0


def _utf8_name(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class BadSnapshot(Exception):
    """The daemon's serde would not deserialize the snapshot as `Projections`."""


OPTIONAL_STRINGS = (
    "channel",
    "task_id",
    "bound_thread_id",
    "session_id",
    "icon",
    "color",
    "reported_state",
)
OPTIONAL_TIMES = ("started_at", "stopped_at", "state_reported_at")


def _known(obj: Any, fields: tuple[str, ...]) -> JsonObject:
    # AMBIGUITY: a repeated known field is serde's "duplicate field" error; a repeated key of a
    # map (by_id, by_name, ...) keeps its last value, as serde's HashMap does.
    if not isinstance(obj, JsonObject):
        raise BadSnapshot("not an object")
    if obj.dups & set(fields):
        raise BadSnapshot("duplicate field")
    return obj


def _string(v: Any) -> bool:
    return isinstance(v, str) and not _lone_surrogate(v)


def _agent_record(v: Any) -> dict[str, Any]:
    r = _known(
        v,
        (
            "id",
            "name",
            "kind",
            "agent_type",
            "provider",
            "pid",
            "gc",
            *OPTIONAL_STRINGS,
            *OPTIONAL_TIMES,
        ),
    )
    for name in ("id", "name", "agent_type"):
        if not _string(r.get(name)):
            raise BadSnapshot(f"{name} missing or not a string")
    if r.get("kind") not in KIND or r.get("provider") not in PROVIDER:
        raise BadSnapshot("kind or provider")
    for name in OPTIONAL_STRINGS:
        if r.get(name) is not None and not _string(r[name]):
            raise BadSnapshot(name)
    for name in OPTIONAL_TIMES:
        if r.get(name) is not None and not (isinstance(r[name], str) and _is_rfc3339(r[name])):
            raise BadSnapshot(name)
    pid = r.get("pid")
    if pid is not None and not (type(pid) is int and 0 <= pid < 2**32):
        raise BadSnapshot("pid")
    if "gc" in r and not isinstance(r["gc"], bool):
        raise BadSnapshot("gc")
    return r


def _string_map(v: Any) -> dict[str, str]:
    if not isinstance(v, JsonObject) or not all(_string(x) for x in v.values()):
        raise BadSnapshot("not a map of strings")
    return dict(v)


def _string_list(v: Any) -> list[str]:
    if not isinstance(v, list) or not all(_string(x) for x in v):
        raise BadSnapshot("not a list of strings")
    return v


def _projections(doc: Any) -> JsonObject:
    """The agent index of a `Projections` document, or BadSnapshot (rules.md §2)."""
    top = _known(doc, ("agents", "work", "channels", "reminders"))
    # AMBIGUITY: "its other parts JSON objects": `work` and `channels` are required objects;
    # `reminders` has a serde default and was a Vec in the version midtown.md read, so a list
    # is accepted as well as an object; any other key is ignored.
    for name in ("agents", "work", "channels"):
        if not isinstance(top.get(name), JsonObject):
            raise BadSnapshot(f"{name} missing or not an object")
    if "reminders" in top and not isinstance(top["reminders"], (JsonObject, list)):
        raise BadSnapshot("reminders")
    agents = _known(
        top["agents"], ("by_id", "by_name", "by_task", "by_channel", "by_thread", "running")
    )
    missing = {"by_id", "by_name", "by_task", "by_channel", "by_thread", "running"} - set(agents)
    if missing:
        raise BadSnapshot(f"missing {sorted(missing)}")
    if not isinstance(agents["by_id"], JsonObject):
        raise BadSnapshot("by_id")
    for record in agents["by_id"].values():
        _agent_record(record)
    for name in ("by_name", "by_task", "by_thread"):
        _string_map(agents[name])
    if not isinstance(agents["by_channel"], JsonObject):
        raise BadSnapshot("by_channel")
    for ids in agents["by_channel"].values():
        _string_list(ids)
    _string_list(agents["running"])
    return agents


# Where serde stops on a snapshot of the wrong shape: the text parsed again with offsets, and
# checked in the order serde reads it. A node is (start, end, value): an object's value is
# ("{", [(key, node)]), an array's ("[", [node]), a scalar's its Python value.
_WS = re.compile(r"[ \t\n\r]*")
_SCALAR = re.compile(r'"(?:[^"\\]|\\.)*"|[^,:\]}\s]+')
_Node = tuple[int, int, Any]
_Check = Callable[[_Node], "int | None"]  # the offset where serde stops, or None


def _skip_space(text: str, at: int) -> int:
    return _WS.match(text, at).end()  # type: ignore[union-attr]


def _node(text: str, at: int) -> _Node:
    start = _skip_space(text, at)
    opening = text[start]
    if opening not in "[{":
        token = _SCALAR.match(text, start)
        assert token is not None
        return start, token.end(), json.loads(token[0])
    items: list[Any] = []
    at = _skip_space(text, start + 1)
    while text[at] not in "]}":
        key = None
        if opening == "{":
            key, at = json.decoder.scanstring(text, at + 1)  # type: ignore[attr-defined]
            at = _skip_space(text, at) + 1  # past the colon
        child = _node(text, at)
        items.append((key, child) if opening == "{" else child)
        at = _skip_space(text, child[1])
        if text[at] == ",":
            at = _skip_space(text, at + 1)
    return start, at + 1, (opening, items)


def _items(node: _Node, opening: str) -> list[Any] | None:
    value = node[2]
    return value[1] if isinstance(value, tuple) and value[0] == opening else None


def _struct(fields: dict[str, _Check], required: set[str]) -> _Check:
    """An object whose known fields pass their checks, in order; a missing one stops serde
    at the object's end."""

    def check(node: _Node) -> int | None:
        members = _items(node, "{")
        if members is None:
            return node[0]
        for key, child in members:
            if key in fields and (at := fields[key](child)) is not None:
                return at
        return node[1] - 1 if required - {key for key, _ in members} else None

    return check


def _each(item: _Check, opening: str) -> _Check:
    """An object's values or an array's items, each passing ``item``."""

    def check(node: _Node) -> int | None:
        found = _items(node, opening)
        if found is None:
            return node[0]
        children = [child for _, child in found] if opening == "{" else found
        return next((at for child in children if (at := item(child)) is not None), None)

    return check


def _value(ok: Callable[[Any], bool], *, optional: bool = False) -> _Check:
    return lambda node: None if (optional and node[2] is None) or ok(node[2]) else node[0]


def _container(*openings: str) -> _Check:
    return lambda node: None if any(_items(node, o) is not None for o in openings) else node[0]


_STRING = _value(_string)
_RECORD = _struct(
    {
        "id": _STRING, "name": _STRING, "agent_type": _STRING,
        "kind": _value(lambda v: isinstance(v, str) and v in KIND),
        "provider": _value(lambda v: isinstance(v, str) and v in PROVIDER),
        "pid": _value(lambda v: type(v) is int and 0 <= v < 2**32, optional=True),
        "gc": _value(lambda v: isinstance(v, bool)),
        **{name: _value(_string, optional=True) for name in OPTIONAL_STRINGS},
        **{name: _value(lambda v: isinstance(v, str) and _is_rfc3339(v), optional=True)
           for name in OPTIONAL_TIMES},
    },
    {"id", "name", "kind", "agent_type", "provider"},
)  # fmt: skip
_INDEX = {
    "by_id": _each(_RECORD, "{"), "by_name": _each(_STRING, "{"),
    "by_task": _each(_STRING, "{"), "by_thread": _each(_STRING, "{"),
    "by_channel": _each(_each(_STRING, "["), "{"), "running": _each(_STRING, "["),
}  # fmt: skip
_PROJECTIONS = _struct(
    {"agents": _struct(_INDEX, set(_INDEX)), "work": _container("{"),
     "channels": _container("{"), "reminders": _container("{", "[")},
    {"agents", "work", "channels"},
)  # fmt: skip


def load_snapshot(data: bytes) -> tuple[State | None, int | None, list[tuple[Any, Any]]]:
    """(the state, None, contradictions) for a snapshot the daemon accepts; (None, the line
    of the error or None, []) for one it does not."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, _line_of_byte(data, exc.start), []
    try:
        doc = json.loads(text, object_pairs_hook=_object_hook, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        # The line of a syntax error, never past the last line; an empty file has none.
        return None, min(exc.lineno, _lines_in(data)) or None, []
    # AMBIGUITY: NaN and Infinity, and nesting too deep for Python, get no line.
    except (Malformed, ValueError, RecursionError):
        return None, None, []
    try:
        agents = _projections(doc)
    except BadSnapshot:
        # A wrong type: serde stops at the first wrong value in the text (at the end of an
        # object that misses a field).
        at = _PROJECTIONS(_node(text, 0))
        return None, None if at is None else text.count("\n", 0, at) + 1, []
    by_id = agents["by_id"]
    contradictions: list[tuple[Any, Any]] = [
        (key, record["name"]) for key, record in by_id.items() if record["id"] != key
    ]
    dangling = [*dict.fromkeys(agents["running"])]
    for name in ("by_name", "by_task", "by_thread"):
        dangling += agents[name].values()
    for ids in agents["by_channel"].values():
        dangling += dict.fromkeys(ids)
    contradictions += [(None, None) for agent_id in dangling if agent_id not in by_id]
    st = State(
        by_id={
            key: {
                "name": r["name"],
                "kind": r["kind"],
                "channel": r.get("channel"),
                "task_id": r.get("task_id"),
                "bound_thread_id": r.get("bound_thread_id"),
                "session_id": r.get("session_id"),
                "pid": r.get("pid"),
                "stopped": r.get("stopped_at") is not None,
                "gc": r.get("gc", False),
                "last_line": None,
            }
            for key, r in by_id.items()
        },
        by_name=dict(agents["by_name"]),
        by_task=dict(agents["by_task"]),
        by_channel={ch: list(ids) for ch, ids in agents["by_channel"].items()},
        by_thread=dict(agents["by_thread"]),
        running=set(agents["running"]),
    )
    return st, None, contradictions


def check_store(directory: str, semantics: str = "d11b83e") -> dict[str, Any]:
    """An event-store directory, as the daemon's recovery reads it (rules.md §2)."""
    names = [n for n in os.listdir(directory) if _utf8_name(n)]
    snapshots = sorted(
        (n for n in names if n.startswith("snapshot-") and n.endswith(".json")),
        key=lambda n: n.encode("utf-8"),
    )
    chosen = snapshots[-1] if snapshots else None
    sequence = _u64(chosen[len("snapshot-") : -len(".json")]) if chosen else 0
    snapshot_path = os.path.join(directory, chosen) if chosen else None
    log_path = os.path.join(directory, f"log-{sequence:04d}.jsonl")
    state, found = None, []
    if snapshot_path is not None:
        with open(snapshot_path, "rb") as f:
            state, line, contradictions = load_snapshot(f.read())
        if state is None:
            return _recovery_fails(snapshot_path, line)

        def at_snapshot(rule: str, agent_id: Any, agent_name: Any) -> Finding:
            return {
                "rule": rule,
                "severity": SEVERITY[rule],
                "path": snapshot_path,
                "line": None,
                "agent_id": agent_id,
                "agent_name": agent_name,
            }

        if any(_u64(n[len("snapshot-") : -len(".json")]) > sequence for n in snapshots):
            found.append(at_snapshot("stale-snapshot-chosen", None, None))
        found += [at_snapshot("snapshot-inconsistent", k, n) for k, n in contradictions]
    if os.path.exists(log_path):
        with open(log_path, "rb") as f:
            result = check_log(f.read(), log_path, semantics, initial=state, snapshot=snapshot_path)
        if any(x["rule"] == "recovery-fails" for x in result["findings"]):
            return result
    else:  # no events: only the end-of-replay rules, on the snapshot's state
        result = check_lines(
            [], snapshot_path or log_path, semantics, initial=state, snapshot=snapshot_path
        )
    result["findings"] = sorted(
        [*found, *result["findings"]],
        key=lambda x: (
            x["path"],
            -1 if x["line"] is None else x["line"],
            x["rule"],
            x["agent_id"] or "",
            x["agent_name"] or "",
        ),
    )
    return result
