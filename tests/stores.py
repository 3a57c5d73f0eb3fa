"""Hypothesis strategies for small event-store directories: snapshot names that sort in
tricky ways, snapshots that contradict themselves or do not deserialize, and logs (tests
only). A store is a dict from file name to bytes."""

from __future__ import annotations

import json

from hypothesis import strategies as st

from tests.logs import CHANNELS, IDS, NAMES, PIDS, SESSIONS, TASKS, THREADS, logs

SNAPSHOT_NAMES = [
    "snapshot-0002.json", "snapshot-9999.json", "snapshot-10000.json", "snapshot-42.json",
    "snapshot-0042.json", "snapshot-backup.json", "snapshot-+7.json", "snapshot-.json",
    "snapshot-18446744073709551616.json",
]  # fmt: skip
LOG_NAMES = [
    "log-0000.jsonl", "log-0002.jsonl", "log-9999.jsonl", "log-10000.jsonl", "log-0042.jsonl",
    "log-0007.jsonl",
]  # fmt: skip
#: Ids that no record has: routing entries naming them contradict the index.
STRANGERS = ["x1", "x2"]
_KINDS = ["Lead", "Fork", "Worker"]
_TIME = "2026-04-05T09:00:00Z"


@st.composite
def _record(draw: st.DrawFn, agent_id: str) -> dict[str, object]:
    pick = lambda values: draw(st.sampled_from(values))
    return {
        "id": agent_id, "name": pick(NAMES), "kind": pick(_KINDS),
        "agent_type": "midtown-code-reviewer", "provider": "ClaudeCode",
        "channel": pick(CHANNELS), "task_id": pick(TASKS), "bound_thread_id": pick(THREADS),
        "session_id": pick(SESSIONS), "pid": pick([None, *PIDS]),
        "started_at": _TIME, "stopped_at": pick([None, _TIME]), "icon": None, "color": None,
        "reported_state": None, "state_reported_at": None, "gc": draw(st.booleans()),
    }  # fmt: skip


@st.composite
def _index(draw: st.DrawFn) -> dict[str, object]:
    """An agent index, consistent or not: a record may sit under another id's key, and
    routing entries may name ids that no record has."""
    keys = draw(st.lists(st.sampled_from(IDS), unique=True, max_size=4))
    by_id = {}
    for key in keys:
        own = draw(st.sampled_from([key] * 4 + IDS + STRANGERS))  # mostly its own key
        by_id[key] = draw(_record(own))
    # Entries name the records, or (a contradiction) ids no record has: some of them the
    # log may create later, some never.
    known = keys + draw(st.lists(st.sampled_from(IDS + STRANGERS), max_size=2)) or STRANGERS
    some = lambda: draw(st.lists(st.sampled_from(known), max_size=3))
    route = lambda values: {
        value: draw(st.sampled_from(known)) for value in draw(st.lists(st.sampled_from(values)))
    }
    return {
        "by_id": by_id,
        "by_name": route(NAMES),
        "by_task": route([t for t in TASKS if t]),
        "by_channel": {c: some() for c in draw(st.lists(st.sampled_from(["midtown", "backend"])))},
        "by_thread": route([t for t in THREADS if t]),
        "running": some(),
    }


def _corrupt(draw: st.DrawFn, text: bytes, document: dict[str, object]) -> bytes:
    """One way for the daemon not to deserialize a snapshot, or none."""
    how = draw(st.sampled_from(
        ["none"] * 6 + ["cut", "byte", "drop", "type", "work", "empty", "field"]
    ))  # fmt: skip
    agents = document["agents"]
    assert isinstance(agents, dict)
    if how == "cut":
        return text[: draw(st.integers(0, len(text) - 2))]
    if how == "byte":
        at = draw(st.integers(0, len(text)))
        return text[:at] + b"\xff" + text[at:]
    if how == "drop":
        agents.pop(draw(st.sampled_from(sorted(agents))))
    elif how == "type":
        agents["running"] = {"a": 1} if draw(st.booleans()) else "x"
    elif how == "work":
        document["work"] = []
    elif how == "field" and isinstance(by_id := agents["by_id"], dict) and by_id:
        # a record's field of the wrong type: serde stops at its line
        record = draw(st.sampled_from(list(by_id.values())))
        field, bad = draw(
            st.sampled_from(
                [
                    ("pid", "x"),
                    ("pid", -1),
                    ("kind", "Robot"),
                    ("name", None),
                    ("gc", "no"),
                    ("stopped_at", 3),
                ]
            )
        )
        record[field] = bad
    elif how == "empty":
        return b""
    return json.dumps(document, indent=2).encode()


@st.composite
def stores(draw: st.DrawFn) -> dict[str, bytes]:
    """A store directory's files: up to three snapshots and three logs, at least one file."""
    names = draw(st.lists(st.sampled_from(SNAPSHOT_NAMES), unique=True, max_size=3))
    log_names = draw(st.lists(st.sampled_from(LOG_NAMES), unique=True, max_size=3,
                              min_size=0 if names else 1))  # fmt: skip
    files: dict[str, bytes] = {}
    for name in names:
        document: dict[str, object] = {"agents": draw(_index()), "work": {}, "channels": {}}
        if draw(st.booleans()):
            document["reminders"] = draw(st.sampled_from([[], {}]))
        text = json.dumps(document, indent=2).encode()
        files[name] = _corrupt(draw, text, document)
    for name in log_names:
        files[name] = b"".join(line + b"\n" for line in draw(logs(faults=False)))
    return files
