"""Shrinking a recorded log to a smallest one that still gives a finding (delta debugging).

The candidates are the log's own lines, in their order; a candidate keeps the finding when
its replay (on top of the same snapshot, if any) reports the rule, for the agent if one is
given, and no error or warning the whole log does not give: each of its findings of those
severities has the rule, agent id and agent name of one of the log's (at any line). A
reproduction then shows the finding and nothing a bug report would be misled by (a
record's session dropped with the line that gave it, a limbo the log later leaves).
Zeller's ddmin removes ever smaller chunks of records (an agent's lines go together, as a
creation alone cannot), then of lines, then single lines are dropped until none can be:
the result is 1-minimal (removing any one line loses the finding or adds one).

The log is decoded once (:class:`DecodedLog`); each candidate replays its own lines'
events, and stops at the first error or warning the log does not give.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Hashable, Sequence
from dataclasses import dataclass

from lifecheck.checker.check import stopped
from lifecheck.checker.reading.agents import AgentIndex
from lifecheck.checker.reading.events import (
    AGENT_REFERENCES,
    ID_KEYED,
    AgentCreated,
    AgentSessionNotFound,
    Event,
)
from lifecheck.checker.reading.lines import is_blank
from lifecheck.checker.reading.reader import LogReader, Malformed
from lifecheck.checker.replay.engine import Replay
from lifecheck.checker.rules.findings import Finding

Keeps = Callable[[Sequence[int]], bool]

#: Lines read per reader while decoding: what is scanned again after each bad line.
_WINDOW = 1 << 14


@dataclass(frozen=True, slots=True)
class Target:
    """The finding to keep: its rule, and optionally the agent (an id or a name)."""

    rule: str
    agent: str | None = None

    def matches(self, finding: Finding) -> bool:
        """Whether ``finding`` is (one of) the finding(s) to keep."""
        return finding.rule == self.rule and (
            self.agent is None or self.agent in (finding.agent_id, finding.agent_name)
        )


def minimize(
    lines: Sequence[bytes],
    target: Target,
    semantics: str,
    snapshot: AgentIndex | None = None,
) -> list[int] | None:
    """The indices of a 1-minimal sublog of ``lines`` that still gives ``target``, or
    ``None`` when the whole log does not give it."""

    def new_replay() -> Replay:
        return Replay(
            path="log",
            semantics=semantics,
            index=None if snapshot is None else snapshot.copy(),
            explain=False,  # a throwaway replay: only which findings there are matters
        )

    def stop_at_new(finding: Finding) -> None:
        if finding.severity != "info" and _key(finding) not in known:
            raise _New

    def keeps(kept: Sequence[int]) -> bool:
        # Stopping at a new finding is right unless a later line could still make the daemon
        # not start, which forgets every finding.
        replay = new_replay()
        if log.readable:
            replay.tap(stop_at_new)
        try:
            log.replay(replay, kept)
            found = replay.finish()
        except _New:
            return False
        return any(map(target.matches, found)) and all(
            f.severity == "info" or _key(f) in known for f in found
        )

    everything = [i for i, line in enumerate(lines) if line.strip()]
    whole = new_replay()
    log = DecodedLog(lines, whole.wanted)
    log.replay(whole, everything)
    found = whole.finish()
    known = {_key(f) for f in found}
    first = [f for f in found if target.matches(f)]
    if not first:
        return None
    # On a big log most lines do not matter: try the lines about the records of the first
    # such finding up to it, then every line up to it, and the whole log if neither keeps.
    head = everything[: first[0].line or 0]
    subjects = {first[0].agent_id, ("name", first[0].agent_name), *first[0].related}
    about = [i for i in head if log.subject(i) in subjects]
    start = next((guess for guess in (about, head) if keeps(guess)), everything)
    return shrink(start, keeps, log.subject)


def _key(finding: Finding) -> tuple[str, str | None, str | None]:
    """What a candidate's finding must share with one of the log's: its rule and agent."""
    return finding.rule, finding.agent_id, finding.agent_name


class _New(Exception):
    """The candidate's replay reported an error or warning the log does not give: it can
    stop there."""


@dataclass(frozen=True, slots=True)
class _Bad:
    """A line the daemon's recovery stops at: malformed, or (``unreadable``) not UTF-8."""

    reason: str
    unreadable: bool


class DecodedLog:
    """A log's lines, each decoded once, for replaying any sublog of them (its own lines
    numbered from 1) as reading that sublog would: up to its first malformed line, or not
    at all after a line that is not UTF-8 (:func:`~lifecheck.checker.check.read_log`)."""

    def __init__(self, lines: Sequence[bytes], wanted: Collection[type[Event]]) -> None:
        self._lines = lines
        self._events: list[Event | None] = [None] * len(lines)  # those some rule reads
        self._bad: dict[int, _Bad] = {}
        start = 0
        while start < len(lines):
            window = lines[start : start + _WINDOW]
            bad = self._read(window, start, wanted)
            if bad is not None and bad.unreadable and bad.line > 1:
                # A malformed line before it does not show behind it: read up to it.
                bad = self._read(window[: bad.line - 1], start, wanted) or bad
            if bad is None:
                start += len(window)
                continue
            start += bad.line  # the bad line read alone, as any sublog holding it reads it
            self._bad[start - 1] = _Bad(bad.reason, bad.unreadable)
        #: Whether every line is UTF-8: a sublog's findings, once reported, then stand.
        self.readable = not any(bad.unreadable for bad in self._bad.values())

    def _read(
        self, window: Sequence[bytes], start: int, wanted: Collection[type[Event]]
    ) -> Malformed | None:
        reader = LogReader(window, wanted)
        events = self._events
        for line, event in reader:
            events[start + line - 1] = event
        return reader.malformed

    def subject(self, index: int) -> Hashable:
        """What the line at ``index`` is about: the agent id or name its event names, or
        the line itself."""
        event = self._events[index]
        kind = type(event)
        subject: Hashable = index
        if kind in AGENT_REFERENCES:
            subject = getattr(event, AGENT_REFERENCES[kind])
        elif isinstance(event, AgentSessionNotFound):
            subject = ("name", event.name)
        elif isinstance(event, AgentCreated) or kind in ID_KEYED:
            subject = event.id  # type: ignore[union-attr]
        return subject

    def replay(self, replay: Replay, kept: Sequence[int]) -> None:
        """Feed ``replay`` the sublog of the lines at ``kept`` (indices, in order)."""
        bad = self._bad
        first = next((n for n, i in enumerate(kept) if i in bad), None) if bad else None
        head = kept if first is None else kept[:first]
        events = map(self._events.__getitem__, head)
        replay.run((n, event) for n, event in enumerate(events, 1) if event is not None)
        if first is None:
            return
        line, why, after = first + 1, bad[kept[first]], kept[first + 1 :]
        if not why.unreadable:  # a later line that is not UTF-8 makes the whole log unreadable
            later_bad = ((n, bad[i]) for n, i in enumerate(after, line + 1) if i in bad)
            line, why = next(((n, b) for n, b in later_bad if b.unreadable), (line, why))
        if why.unreadable:
            stopped(replay, Malformed(line, why.reason, 0, unreadable=True))
        else:
            later = sum(1 for i in after if not is_blank(self._lines[i]))
            stopped(replay, Malformed(line, why.reason, later))


def shrink(items: list[int], keeps: Keeps, subject: Callable[[int], Hashable]) -> list[int]:
    """A 1-minimal sublist of ``items`` that ``keeps``: whole subjects (a record's lines)
    are dropped first, then single lines, until neither can go.

    Dropping a record's creation alone adds findings about its later lines (and so does
    dropping those alone, when they are its stop): only dropping them together can work.
    """
    while True:
        kept = drop_subjects(items, keeps, subject)
        items = one_minimal(ddmin(kept, keeps), keeps)
        if len(items) == len(kept):
            return items


def drop_subjects(items: list[int], keeps: Keeps, subject: Callable[[int], Hashable]) -> list[int]:
    """:func:`ddmin`, then :func:`one_minimal`, over the subjects of ``items``: the items
    of the subjects left."""
    groups: dict[Hashable, list[int]] = {}
    for item in items:
        groups.setdefault(subject(item), []).append(item)
    parts = list(groups.values())

    def items_of(chosen: Sequence[int]) -> list[int]:
        return sorted(item for part in chosen for item in parts[part])

    def keeps_parts(chosen: Sequence[int]) -> bool:
        return keeps(items_of(chosen))

    return items_of(one_minimal(ddmin(list(range(len(parts))), keeps_parts), keeps_parts))


def ddmin(items: list[int], keeps: Keeps) -> list[int]:
    """Zeller and Hildebrandt's ddmin: try chunks and their complements, refining."""
    parts = 2
    while len(items) >= 2:
        size = -(-len(items) // parts)  # ceiling division
        chunks = [items[i : i + size] for i in range(0, len(items), size)]
        for chunk in chunks:
            if keeps(chunk):
                items, parts = chunk, 2
                break
        else:
            for index in range(len(chunks)):
                rest = [i for j, c in enumerate(chunks) if j != index for i in c]
                if keeps(rest):
                    items, parts = rest, max(parts - 1, 2)
                    break
            else:
                if parts >= len(items):
                    break
                parts = min(len(items), 2 * parts)
    return items


def one_minimal(items: list[int], keeps: Keeps) -> list[int]:
    """Drop single items while the property holds, until none can go."""
    changed = True
    while changed:
        changed = False
        for item in list(items):
            rest = [i for i in items if i != item]
            if keeps(rest):
                items, changed = rest, True
    return items
