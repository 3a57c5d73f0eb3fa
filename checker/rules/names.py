"""Name-level rules: ``AgentSessionNotFound`` is keyed by a name, not an id.

The daemon clears the session of ``by_name[name]``; these rules say when that is nobody,
the wrong record or one of several, count failures per name (``resume-loop``) and keep the
sessions known to be dead (``stale-session-resumed``, ``zombie-running``).
"""

from __future__ import annotations

from collections import Counter

from lifecheck.checker.reading import events as ev
from lifecheck.checker.reading.agents import AgentIndex, AgentRecord
from lifecheck.checker.reading.echo import capped, more
from lifecheck.checker.rules.findings import short_id
from lifecheck.checker.rules.reporting import Report


class SessionRules:
    """The sessions that hit 'No conversation found', and the rules about them."""

    __slots__ = ("_index", "_not_found", "_report", "failed")

    def __init__(self, index: AgentIndex, report: Report) -> None:
        self._index, self._report = index, report
        #: session id -> the line that says it is gone
        self.failed: dict[str, int] = {}
        self._not_found: Counter[str] = Counter()

    def check_not_found(
        self, line: int, event: ev.AgentSessionNotFound, target: AgentRecord | None,
        running: tuple[list[str], int],
    ) -> None:  # fmt: skip
        """The rules of one ``AgentSessionNotFound``, before it is applied to ``target``
        (``by_name[name]``); ``running`` holds the first running, not collected records with
        the name and how many there are."""
        name, index, report = event.name, self._index, self._report
        said = capped(name)
        first, count = running
        if name not in index.by_name:  # (an entry naming no record is a snapshot's doing)
            report("unknown-name", line, None, name,
                   f"AgentSessionNotFound for {said}, which names no record; "
                   "the daemon ignores it")  # fmt: skip
        cleared = "no session" if target is None else f"the session of {short_id(target.id)}"
        if count > 1:
            shown = more([short_id(i) for i in first], count)
            report("session-not-found-ambiguous", line, None, name,
                   f"AgentSessionNotFound for {said} while {count} records with that name are "
                   f"running ({shown}); the daemon clears {cleared}", related=tuple(first),
                   related_count=count)  # fmt: skip
        elif count == 1:
            failed = index.by_id[first[0]]
            if target is None or failed.id != target.id:
                report("session-not-found-misattributed", line, failed.id, name,
                       f"the failed session is that of {short_id(failed.id)}, the only "
                       f"running {said}, but the daemon clears {cleared}",
                       related=() if target is None else (target.id,))  # fmt: skip
            if failed.session_id is not None:
                self.failed.setdefault(failed.session_id, line)
        self._not_found[name] += 1
        if self._not_found[name] == 3:
            report("resume-loop", line, None, name,
                   f"the 3rd AgentSessionNotFound for {said}: resume keeps failing")  # fmt: skip

    def check_resumed(self, line: int, record: AgentRecord, before: str) -> None:
        """``stale-session-resumed``, before ``record`` is resumed."""
        if record.session_id in self.failed:
            self._report("stale-session-resumed", line, record.id, record.name,
                         f"AgentResumed of session {short_id(record.session_id or '')}, which "
                         "already hit 'No conversation found'", before=before)  # fmt: skip

    def gone_at(self, session_id: str | None) -> int | None:
        """The line where ``session_id`` hit 'No conversation found', if it did."""
        return self.failed.get(session_id) if session_id is not None else None
