"""State rules (an event moved a record into a forbidden state) and end-of-replay rules."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping

from lifecheck.checker.reading.agents import AgentIndex, AgentRecord
from lifecheck.checker.rules.findings import short_id
from lifecheck.checker.rules.reporting import Report
from lifecheck.spec.catalogue import RuleId
from lifecheck.spec.lifecycle import LIMBO


def entered_message(rule: RuleId, event: str, record: AgentRecord) -> str:
    """The message of a state rule: what ``event`` left ``record`` as."""
    if rule == "stale-pid":
        return (f"{event} took it out of running but kept pid {record.pid} and set no "
                "stopped_at: it is neither running nor stopped")  # fmt: skip
    if rule == "started-without-session":
        return "AgentStarted with no session_id (an old daemon): nothing can resume it"
    return f"{event} left it running with no session: nothing can resume it"


def check_end(
    index: AgentIndex,
    report: Report,
    *,
    state: Callable[[AgentRecord], str],
    failed_sessions: Collection[str],
    last_line: Mapping[str, int],
    log: str,
    snapshot: str,
) -> None:
    """``zombie-running`` and ``limbo-unresolved`` on the state at the end of the replay.

    A finding's line is the last line applied to the record; a record only the snapshot
    holds is reported at the snapshot, with no line.
    """
    for record in index.by_id.values():
        if record.gc:
            continue
        line = last_line.get(record.id)
        path = log if line is not None else snapshot
        if record.id in index.running and record.session_id in failed_sessions:
            report("zombie-running", line, record.id, record.name,
                   f"still running at the end of the log on session "
                   f"{short_id(record.session_id or '')}, which hit "
                   "'No conversation found'", path=path, before="running")  # fmt: skip
        if state(record) == LIMBO:
            report("limbo-unresolved", line, record.id, record.name,
                   f"still in limbo at the end of the log (pid {record.pid}, no "
                   "stopped_at): the daemon will neither resume nor collect it", path=path,
                   before=LIMBO)  # fmt: skip
