"""Writing an agent index as the daemon's ``snapshot-NNNN.json`` (``Projections``, pretty)."""

from __future__ import annotations

import json
from typing import Any

from lifecheck.checker.reading.agents import AgentIndex, AgentRecord

#: Replays stamp times with the clock; a written snapshot uses one fixed time for them all.
EPOCH = "2026-01-01T00:00:00Z"


def _agent(record: AgentRecord, now: str) -> dict[str, Any]:
    started = record.pid is not None or record.stopped_at
    return {
        "id": record.id, "name": record.name, "kind": record.kind,
        "agent_type": record.agent_type, "provider": record.provider,
        "channel": record.channel, "task_id": record.task_id,
        "bound_thread_id": record.bound_thread_id, "session_id": record.session_id,
        "pid": record.pid, "started_at": now if started else None,
        "stopped_at": now if record.stopped_at else None, "icon": None, "color": None,
        "reported_state": None, "state_reported_at": None, "gc": record.gc,
    }  # fmt: skip


def snapshot_bytes(index: AgentIndex, now: str = EPOCH) -> bytes:
    """``index`` as ``serde_json::to_string_pretty(&Projections)`` writes it.

    Only ``agents`` carries data; the other projections are empty, and every timestamp
    is ``now`` (the log has none; see docs/midtown-format.md §1).
    """
    projections = {
        "agents": {
            "by_id": {agent_id: _agent(r, now) for agent_id, r in index.by_id.items()},
            "by_name": index.by_name,
            "by_task": index.by_task,
            "by_channel": {
                channel: [i for i, times in ids.items() for _ in range(times)]
                for channel, ids in index.by_channel.items()
            },
            "by_thread": index.by_thread,
            "running": sorted(index.running),
        },
        "work": {
            "tasks": {}, "prs": {}, "pending_tasks": [], "in_progress_tasks": [],
            "open_prs": [], "needing_review": [], "blocked": [], "children": {},
        },
        "channels": {"channels": {}, "read_state": {}},
        "reminders": {},
    }  # fmt: skip
    return json.dumps(projections, indent=2, ensure_ascii=False).encode()
