"""Index rules: records that share what must be unique while they run (a pid, a task, a
thread, a channel, a name), routing entries a collection removes from a newer record, forks
that no thread can reach or that take a thread over from another record.

:class:`SharedValues` keeps, for the values these rules compare, the records holding each
one, in the order they took it, and keeps them current one record at a time
(:meth:`SharedValues.resync`), so each check costs O(1) however many records share a value
(docs/rules.md §4 "Size"): a finding names the first 5 others and counts the
rest, and relates the first :data:`~lifecheck.checker.rules.reporting.RELATED`.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from itertools import islice
from typing import Any

from lifecheck.checker.reading import events as ev
from lifecheck.checker.reading.agents import AgentIndex, AgentRecord
from lifecheck.checker.reading.echo import NAMES, capped, more
from lifecheck.checker.rules.findings import short_id
from lifecheck.checker.rules.reporting import RELATED, Report, who
from lifecheck.spec.catalogue import RuleId

#: What must be unique among the running records of a kind, and how messages say it.
_UNIQUE_BY_KIND: dict[str, tuple[str, RuleId, str]] = {
    "Worker": ("task_id", "duplicate-running-worker-task", "for task"),
    "Fork": ("bound_thread_id", "duplicate-running-fork-thread", "for thread"),
    "Lead": ("channel", "duplicate-running-lead-channel", "in channel"),
}

Ids = dict[str, None]  # an ordered set: the records in the order they joined
_Place = tuple[int | None, tuple[str, str] | None, str | None, Hashable, bool]


class SharedValues:
    """The records holding each pid, unique value and name, and the rules comparing them.

    Per record it remembers where it is listed (:data:`_Place`): the pid it holds (while
    not collected and running or in limbo), and while it runs: its kind's unique value, its
    name and the group of same-name records the kind's rule already covers, and whether it
    is collected.
    """

    __slots__ = (
        "_at", "_by_unique", "_index", "_live", "_named", "_named_total", "_pids", "_report"
    )  # fmt: skip

    def __init__(self, index: AgentIndex, report: Report) -> None:
        self._index, self._report = index, report
        self._at: dict[str, _Place] = {}
        self._pids: dict[int, Ids] = {}
        self._by_unique: dict[tuple[str, str], Ids] = {}  # (field, value) of running records
        self._named: dict[str, dict[Hashable, Ids]] = {}  # running by name, then by group
        self._named_total: dict[str, int] = {}  # how many ``_named[name]`` holds
        self._live: dict[str, Ids] = {}  # running records not collected, by name
        for record in index.by_id.values():
            self.resync(record)

    # --- bookkeeping ------------------------------------------------------------------

    def resync(self, record: AgentRecord) -> None:
        """List ``record`` where it belongs now; call after every change to it."""
        running = record.id in self._index.running
        holds = record.pid is not None and not record.gc and (running or not record.stopped_at)
        pid = record.pid if holds else None
        if running:
            unique = _unique_key(record)
            place: _Place = (pid, unique, record.name, unique or record.id, not record.gc)
        else:
            place = (pid, None, None, None, False)
        old = self._at.get(record.id)
        if old == place:
            return
        agent_id = record.id
        if old is not None:
            self._unlist(agent_id, old)
        if place == (None, None, None, None, False):
            self._at.pop(agent_id, None)
            return
        self._at[agent_id] = place
        pid, unique, name, group, live = place
        if pid is not None:
            self._pids.setdefault(pid, {})[agent_id] = None
        if unique is not None:
            self._by_unique.setdefault(unique, {})[agent_id] = None
        if name is not None:
            self._named.setdefault(name, {}).setdefault(group, {})[agent_id] = None
            self._named_total[name] = self._named_total.get(name, 0) + 1
            if live:
                self._live.setdefault(name, {})[agent_id] = None

    def _unlist(self, agent_id: str, place: _Place) -> None:
        pid, unique, name, group, live = place
        if pid is not None:
            _leave(self._pids, pid, agent_id)
        if unique is not None:
            _leave(self._by_unique, unique, agent_id)
        if name is not None:
            groups = self._named[name]
            _leave(groups, group, agent_id)
            if groups:
                self._named_total[name] -= 1
            else:
                del self._named[name], self._named_total[name]
            if live:
                _leave(self._live, name, agent_id)

    def live_named(self, name: str) -> tuple[list[str], int]:
        """The first :data:`RELATED` running, not collected records called ``name``, and
        how many there are."""
        ids = self._live.get(name, {})
        return list(islice(ids, RELATED)), len(ids)

    def running_named(self, name: str) -> list[str]:
        """The first :data:`RELATED` running records called ``name``."""
        groups = self._named.get(name, {})
        return list(islice((i for ids in groups.values() for i in ids), RELATED))

    def size(self) -> tuple[int, int]:
        """How many records are listed and pids held (memory stays with the agents)."""
        return len(self._at), len(self._pids)

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
            holder, thread = who(index, owner), capped(thread)
            self._report("fork-thread-rebound", line, event.id, event.name,
                         f"a Fork created for thread {thread} while by_thread[{thread}] names "
                         f"{holder}: the daemon rebinds the thread to the new fork and {holder} "
                         "loses it", related=(owner,))  # fmt: skip

    def check_new_pid(self, line: int, record: AgentRecord, event: Any) -> None:
        """``pid-zero`` and ``pid-reuse`` for a start or resume with ``event.pid``: one
        finding, naming the records that still hold the pid."""
        pid: int = event.pid
        kind = type(event).__name__
        if pid == 0:
            self._report("pid-zero", line, record.id, record.name,
                         f"{kind} with pid 0: kill -0 0 always succeeds, so the daemon never "
                         "reconciles this agent")  # fmt: skip
            return
        holders = self._pids.get(pid)
        if not holders:
            return
        count = len(holders) - (record.id in holders)
        if not count:
            return
        others = _others(holders, record.id)
        index, running = self._index, self._index.running
        named = [
            f"{who(index, i)} ({'running' if i in running else 'in limbo'})"
            for i in others[:NAMES]
        ]  # fmt: skip
        held = (
            f"which {named[0]} still holds" if count == 1
            else f"which {count} other records still hold: {more(named, count)}"
        )  # fmt: skip
        self._report("pid-reuse", line, record.id, record.name, f"{kind} with pid {pid}, {held}",
                     related=tuple(others), related_count=count)  # fmt: skip

    def check_duplicates(self, line: int, record: AgentRecord, before: str) -> None:
        """The ``duplicate-running-*`` rules, after a start or resume of ``record``: one
        finding per rule, the name rule leaving out the records its kind's rule named."""
        index, agent_id = self._index, record.id
        place = self._at.get(agent_id)
        if place is None or place[2] is None:
            return  # not running after all (e.g. a start of a record re-created as running)
        _, unique, name, group, _ = place
        if unique is not None:
            ids = self._by_unique[unique]
            count = len(ids) - 1
            if count:
                _, rule, where = _UNIQUE_BY_KIND[record.kind]
                others = _others(ids, agent_id)
                named = [who(index, i) for i in others[:NAMES]]
                kind, value = record.kind, capped(unique[1])
                message = (
                    f"a second {kind} is running {where} {value}: {named[0]} is running too"
                    if count == 1
                    else f"{count} other {kind}s are running {where} {value}: {more(named, count)}"
                )
                self._report(rule, line, agent_id, record.name, message, related=tuple(others),
                             related_count=count, before=before)  # fmt: skip
        assert name is not None
        groups = self._named[name]
        count = self._named_total[name] - len(groups[group])
        if not count:
            return
        others = list(islice((i for g, ids in groups.items() if g != group for i in ids), RELATED))
        shown = more([short_id(i) for i in others[:NAMES]], count)
        self._report("duplicate-running-name", line, agent_id, name,
                     f"{count} other running record{'s' if count > 1 else ''} named "
                     f"{capped(name)}: {shown}", related=tuple(others), related_count=count,
                     before=before)  # fmt: skip

    def check_index_clobber(self, line: int, record: AgentRecord) -> None:
        """``gc-index-clobber``, before ``record`` is collected."""
        index = self._index
        clobbered = {
            f"{label}[{capped(key)}]": owner
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
        if event.old_name == event.new_name:
            return listed
        there = self._by_unique.get(("channel", event.new_name), {})
        count = len(there) - sum(1 for i in listed if i in there)
        if not count:
            return listed
        moving = set(listed)
        residents = list(islice((i for i in there if i not in moving), RELATED))
        named = more([who(index, i) for i in residents[:NAMES]], count)
        verb = "is" if count == 1 else "are"
        for agent_id in listed:
            record = index.by_id.get(agent_id)
            if record is None or record.kind != "Lead" or agent_id not in index.running:
                continue
            self._report("duplicate-running-lead-channel", line, agent_id, record.name,
                         f"ChannelRenamed moves this running Lead into {capped(event.new_name)}, "
                         f"where {named} {verb} already running",
                         related=tuple(residents), related_count=count)  # fmt: skip
        return listed


def _unique_key(record: AgentRecord) -> tuple[str, str] | None:
    """(field, value) that no other running record of ``record``'s kind may share."""
    unique = _UNIQUE_BY_KIND.get(record.kind)
    if unique is None:
        return None
    value = getattr(record, unique[0])
    return None if value is None else (unique[0], value)


def _leave(lists: dict[Any, Ids], key: Hashable, agent_id: str) -> None:
    ids = lists[key]
    del ids[agent_id]
    if not ids:
        del lists[key]


def _others(ids: Iterable[str], agent_id: str) -> list[str]:
    """The first :data:`RELATED` of ``ids`` other than ``agent_id``."""
    return list(islice((i for i in ids if i != agent_id), RELATED))
