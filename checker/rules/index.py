"""Index rules: records that share what must be unique while they run (a pid, a task, a
thread, a channel, a name), routing entries a collection removes from a newer record, forks
that no thread can reach or that take a thread over from another record.

:class:`SharedValues` keeps, for the values these rules compare, which records hold them,
so each check looks at the few records sharing a value instead of the whole index.
"""

from __future__ import annotations

from typing import Any

from lifecheck.checker.reading import events as ev
from lifecheck.checker.reading.agents import AgentIndex, AgentRecord
from lifecheck.checker.rules.findings import short_id
from lifecheck.checker.rules.reporting import Report, who

_SHARED_FIELDS = ("name", "task_id", "bound_thread_id", "channel")


class SharedValues:
    """Records by shared value and by pid, and the rules that compare them."""

    __slots__ = ("_index", "_pids", "_report", "_sharing")

    def __init__(self, index: AgentIndex, report: Report) -> None:
        self._index, self._report = index, report
        self._sharing: dict[tuple[str, str | None], set[str]] = {}  # (field, value) -> ids
        self._pids: dict[int, set[str]] = {}
        for record in index.by_id.values():
            self.share(record, add=True)
            self.track_pid(record.id, None, record.pid)

    # --- bookkeeping ------------------------------------------------------------------

    def share(
        self, record: AgentRecord, *, add: bool, fields: tuple[str, ...] = _SHARED_FIELDS
    ) -> None:
        """Index (or unindex) ``record`` by the fields the duplicate rules compare."""
        for field in fields:
            key = (field, getattr(record, field))
            if add:
                self._sharing.setdefault(key, set()).add(record.id)
            elif (ids := self._sharing.get(key)) is not None:
                ids.discard(record.id)
                if not ids:
                    del self._sharing[key]

    def track_pid(self, agent_id: str, old: int | None, new: int | None) -> None:
        """Keep the pid holders current; a pid nobody holds is forgotten, so memory grows
        with the agents, not with the restarts in the log."""
        if old == new:
            return
        if old is not None:
            holders = self._pids[old]
            holders.discard(agent_id)
            if not holders:
                del self._pids[old]
        if new is not None:
            self._pids.setdefault(new, set()).add(agent_id)

    def running(self, field: str, value: str | None) -> list[str]:
        """Ids of running records whose ``field`` is ``value``, sorted."""
        return sorted(self._sharing.get((field, value), set()) & self._index.running)

    def size(self) -> tuple[int, int]:
        """How many (field, value) keys and pids are indexed (memory stays with the agents)."""
        return len(self._sharing), len(self._pids)

    # --- rules ------------------------------------------------------------------------

    def check_created(self, line: int, event: ev.AgentCreated) -> None:
        """``fork-without-thread`` and ``fork-thread-rebound``, before ``event`` is applied."""
        if event.kind != "Fork":
            return
        thread = event.bound_thread_id
        if thread is None:
            message = "a Fork created with no bound_thread_id: no thread can reach it"
            self._report("fork-without-thread", line, event.id, event.name, message)
            return
        index = self._index
        owner = index.by_thread.get(thread)
        if owner is None or owner == event.id:
            return
        old = index.by_id.get(owner)
        if old is not None and not old.gc:
            holder = who(index, owner)
            self._report("fork-thread-rebound", line, event.id, event.name,
                         f"a Fork created for thread {thread} while by_thread[{thread}] names "
                         f"{holder}: the daemon rebinds the thread to the new fork and {holder} "
                         "loses it", related=(owner,))  # fmt: skip

    def check_new_pid(self, line: int, record: AgentRecord, event: Any) -> None:
        """``pid-zero`` and ``pid-reuse`` for a start or resume with ``event.pid``."""
        pid: int = event.pid
        kind = type(event).__name__
        if pid == 0:
            self._report("pid-zero", line, record.id, record.name,
                         f"{kind} with pid 0: kill -0 0 always succeeds, so the daemon never "
                         "reconciles this agent")  # fmt: skip
            return
        holders = self._pids.get(pid)
        if not holders or (len(holders) == 1 and record.id in holders):
            return
        index = self._index
        for other in sorted(holders - {record.id}):
            holder = index.by_id[other]
            if holder.gc:
                continue
            if other in index.running:
                status = "running"
            elif not holder.stopped_at:
                status = "in limbo"
            else:
                continue
            self._report("pid-reuse", line, record.id, record.name,
                         f"{kind} with pid {pid}, which {who(index, other)} still holds ({status})",
                         related=(other,))  # fmt: skip

    def check_duplicates(self, line: int, record: AgentRecord, before: str) -> None:
        """The ``duplicate-running-*`` rules, after a start or resume of ``record``."""
        others, report, index = self._others_running, self._report, self._index
        reported: set[str] = set()
        # One finding per other Worker on the task, but one per event for a Fork's thread and
        # a Lead's channel: docs/rules.md says "one finding per other record" for the first
        # only.
        if record.kind == "Worker" and record.task_id is not None:
            for other in others(record, "task_id", record.task_id, "Worker"):
                reported.add(other)
                report("duplicate-running-worker-task", line, record.id, record.name,
                       f"a second Worker is running for task {record.task_id}: "
                       f"{who(index, other)} is running too", related=(other,),
                       before=before)  # fmt: skip
        if record.kind == "Fork" and record.bound_thread_id is not None:
            forks = others(record, "bound_thread_id", record.bound_thread_id, "Fork")
            if forks:
                reported.update(forks)
                report("duplicate-running-fork-thread", line, record.id, record.name,
                       f"a second Fork is running for thread {record.bound_thread_id}: "
                       f"{_some(index, forks)} {'is' if len(forks) == 1 else 'are'} running "
                       "too", related=tuple(forks), before=before)  # fmt: skip
        if record.kind == "Lead" and record.channel is not None:
            leads = others(record, "channel", record.channel, "Lead")
            if leads:
                reported.update(leads)
                report("duplicate-running-lead-channel", line, record.id, record.name,
                       f"a second Lead is running in channel {record.channel}: "
                       f"{', '.join(who(index, i) for i in leads)} is running too",
                       related=tuple(leads), before=before)  # fmt: skip
        same_name = [i for i in others(record, "name", record.name) if i not in reported]
        if same_name:
            report("duplicate-running-name", line, record.id, record.name,
                   f"{len(same_name)} other running record{'s' if len(same_name) > 1 else ''} "
                   f"named {record.name}: {', '.join(map(short_id, same_name))}",
                   related=tuple(same_name), before=before)  # fmt: skip

    def _others_running(
        self, record: AgentRecord, field: str, value: str | None, kind: str | None = None
    ) -> list[str]:
        """Ids of the other running records (of ``kind``) whose ``field`` is ``value``."""
        sharing = self._sharing.get((field, value))
        if sharing is None or len(sharing) < 2:
            return []  # the usual case, made cheap: nobody else has this value
        others = sharing & self._index.running
        others.discard(record.id)
        if not others:
            return []
        by_id = self._index.by_id
        return sorted(i for i in others if kind is None or by_id[i].kind == kind)

    def check_index_clobber(self, line: int, record: AgentRecord) -> None:
        """``gc-index-clobber``, before ``record`` is collected."""
        index = self._index
        clobbered = {
            f"{label}[{key}]": owner
            for label, mapping, key in (
                ("by_name", index.by_name, record.name),
                ("by_task", index.by_task, record.task_id),
                ("by_thread", index.by_thread, record.bound_thread_id),
            )
            if key is not None and (owner := mapping.get(key, record.id)) != record.id
        }
        if clobbered:
            owners = sorted(set(clobbered.values()))
            self._report("gc-index-clobber", line, record.id, record.name,
                         f"collecting it removes {', '.join(clobbered)}, which point to "
                         f"{', '.join(who(index, i) for i in owners)}",
                         related=tuple(owners))  # fmt: skip

    def check_renamed(self, line: int, event: ev.ChannelRenamed) -> list[str]:
        """``duplicate-running-lead-channel`` for the Leads a rename moves; returns the ids
        listed under the old name (whose channel the rename sets)."""
        index = self._index
        # The projection sets the channel of every record listed under the old name, even
        # when the name does not change (a record re-created elsewhere may still be listed).
        listed = list(index.by_channel.get(event.old_name, ()))
        moved = listed if event.old_name != event.new_name else []
        resident = [
            i for i in self.running("channel", event.new_name)
            if i not in moved and index.by_id[i].kind == "Lead"
        ]  # fmt: skip
        for agent_id in dict.fromkeys(moved):  # a list may name a record twice
            record = index.by_id.get(agent_id)
            if record is None or record.kind != "Lead" or agent_id not in index.running:
                continue
            if resident:
                self._report("duplicate-running-lead-channel", line, agent_id, record.name,
                              f"ChannelRenamed moves this running Lead into {event.new_name}, "
                              f"where {', '.join(who(index, i) for i in resident)} is already "
                              "running", related=tuple(resident))  # fmt: skip
        return listed


#: Other records a message names before it only counts the rest (the revised contract, §4
#: "Size").
_NAMED = 5


def _some(index: AgentIndex, ids: list[str]) -> str:
    """``name (short id)`` of the first :data:`_NAMED` records, then how many more."""
    named = ", ".join(who(index, i) for i in ids[:_NAMED])
    return named if len(ids) <= _NAMED else f"{named} and {len(ids) - _NAMED} more"
