"""The replay core: events one at a time through a projection model, every rule checked.

For each event: transition rules on the state before it (looked up in tables compiled
from the spec), then the projection model applies it, then state rules on the state
after it (docs/rules.md §4). :meth:`Replay.finish` runs the end-of-replay rules. The core does
no I/O: feed it ``(line, event)`` pairs from a file, a stream or a live log alike; each
finding is handed to ``on_finding`` as it is found. Rule checks live in
:mod:`lifecheck.checker.rules` by family; coverage and the explanation history observe the
replay (:mod:`.observers`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from lifecheck.checker.reading import events as ev
from lifecheck.checker.reading.agents import AgentIndex, AgentRecord
from lifecheck.checker.replay.history import History, story_of
from lifecheck.checker.replay.observers import Observer
from lifecheck.checker.replay.projection import PROJECTIONS, session_target
from lifecheck.checker.replay.states import FACTS, STATE_OF, STATE_RULE, entries
from lifecheck.checker.rules.findings import Finding
from lifecheck.checker.rules.fingerprints import END, STORE, Fingerprints
from lifecheck.checker.rules.index import SharedValues
from lifecheck.checker.rules.names import SessionRules
from lifecheck.checker.rules.references import check_reference, report_unknown_agent
from lifecheck.checker.rules.states import check_end, entered_message
from lifecheck.checker.rules.transitions import report_forbidden
from lifecheck.spec.catalogue import RuleId
from lifecheck.spec.lifecycle import STOPPED
from lifecheck.spec.tables import Outcome

DEFAULT_SEMANTICS = "d11b83e"


class Replay:
    """Replays one log (optionally on top of a snapshot's index) and checks every rule.

    ``path`` names the log in findings, ``snapshot_path`` the snapshot that gave ``index``;
    ``identity`` is the input (a store's directory) as fingerprints name it (by default
    ``path``).
    Findings go to ``on_finding`` (by default they are kept in :attr:`findings`);
    ``explain`` attaches evidence and an explanation to each; ``observers`` see every step.
    """

    def __init__(
        self,
        *,
        path: str,
        semantics: str = DEFAULT_SEMANTICS,
        index: AgentIndex | None = None,
        snapshot_path: str | None = None,
        observers: Sequence[Observer] = (),
        explain: bool = True,
        on_finding: Callable[[Finding], None] | None = None,
        identity: str | None = None,
    ) -> None:
        self.path = path
        self.semantics = semantics
        self.snapshot_path = snapshot_path or path
        self.index = index if index is not None else AgentIndex()
        #: False once the daemon's recovery fails on the input (:meth:`recovery_failed`).
        self.daemon_starts = True
        self.findings: list[Finding] = []
        self._emit = on_finding or self.findings.append
        self._history = History(self.path, self.snapshot_path) if explain else None
        history = () if self._history is None else (self._history,)
        watching = (*observers, *history)
        # Per hook, the bound methods of the observers that override it: the hot loop calls
        # no no-op.
        self._on_took = _hooks(watching, "took")
        self._on_created = _hooks(watching, "created")
        self._on_moved = _hooks(watching, "moved")
        self._apply = PROJECTIONS[semantics]
        self._entries = entries(semantics)
        self._last_line: dict[str, int] = {}
        self._stopped_line: dict[str, int] = {}
        self._collected_line: dict[str, int] = {}
        self._event: ev.Event | None = None  # the event being replayed, for explanations
        self._ending = False  # running the end-of-replay rules
        self._fingerprints = Fingerprints(identity or path)
        self.shared = SharedValues(self.index, self.report)
        self.sessions = SessionRules(self.index, self.report)
        on_loaded = _hooks(watching, "loaded")
        for record in self.index.by_id.values():  # a snapshot's records
            for loaded in on_loaded:
                loaded(record.id, self.state(record))
        self._handlers: dict[type[ev.Event], Callable[[int, Any], None]] = {
            ev.AgentCreated: self._created,
            ev.AgentSessionNotFound: self._session_not_found,
            ev.ChannelRenamed: self._channel_renamed,
            **dict.fromkeys(ev.ID_KEYED, self._record_event),
            # Id-keyed events the projection ignores: only transition rules can fire.
            **{kind: self._inert_event for kind in ev.ID_KEYED if kind not in self._apply.steps},
            **dict.fromkeys(ev.AGENT_REFERENCES, self._reference),
        }

    # --- driving ----------------------------------------------------------------------

    @property
    def wanted(self) -> frozenset[type[ev.Event]]:
        """The event types some rule reads; a reader may skip decoding the others."""
        return frozenset(self._handlers)

    def tap(self, listener: Callable[[Finding], None]) -> None:
        """Also hand each finding, as it is found, to ``listener``."""
        emit = self._emit

        def both(finding: Finding) -> None:
            emit(finding)
            listener(finding)

        self._emit = both

    def feed(self, line: int, event: ev.Event) -> None:
        """Replay one event at ``line``."""
        handler = self._handlers.get(type(event))
        if handler is not None:
            self._event = event
            handler(line, event)

    def run(self, events: Iterable[tuple[int, ev.Event]]) -> None:
        """Replay ``(line, event)`` pairs in order."""
        handlers = self._handlers
        for line, event in events:
            handler = handlers.get(type(event))
            if handler is not None:
                self._event = event
                handler(line, event)

    def stopped_at_bad_line(self, line: int, reason: str, dropped: int) -> None:
        """Report the line where the daemon's recovery (and so this replay) stops."""
        later = "no later line" if dropped == 0 else f"{dropped} later line{'s' * (dropped != 1)}"
        self.report("parse-error", line, None, None,
                    f"{reason}; replay stops here ({later} would be dropped by the "
                    "daemon's recovery)", dropped=dropped, subject=reason)  # fmt: skip

    def recovery_failed(self, path: str, line: int | None, message: str) -> None:
        """The daemon's recovery fails on this input, so the daemon will not start
        (docs/rules.md §1-2): ``recovery-fails`` at ``path:line`` is then the one finding.

        What was replayed is forgotten: the index is emptied and the findings kept are
        dropped (an ``on_finding`` caller should drop those it was handed); feed nothing
        more. :meth:`finish` then runs no end-of-replay rule.
        """
        self.daemon_starts = False
        self.findings.clear()
        self.index = AgentIndex()
        self._event = None  # the finding is about the file, not about an event
        self.report("recovery-fails", line, None, None, message, path=path)

    def finish(self) -> list[Finding]:
        """Run the end-of-replay rules; return every finding kept, sorted."""
        if not self.daemon_starts:
            return sorted(self.findings, key=Finding.sort_key)
        self._ending = True
        check_end(
            self.index,
            self.report,
            state=self.state,
            failed_sessions=self.sessions.failed,
            last_line=self._last_line,
            log=self.path,
            snapshot=self.snapshot_path,
        )
        return sorted(self.findings, key=Finding.sort_key)

    def state(self, record: AgentRecord) -> str:
        """The spec state ``record`` is in."""
        return STATE_OF[
            (record.gc, record.id in self.index.running, record.session_id is not None,
             record.pid is not None, record.stopped_at)
        ]  # fmt: skip

    def outcome(self, record: AgentRecord, event: Any, state: str | None = None) -> Outcome:
        """What the spec's table does with ``event`` for ``record`` in ``state`` (by default
        the state it is in)."""
        entry = self._entries[type(event)][state or self.state(record)]
        if not entry.facts:  # most pairs: no guard fact matters
            return entry.outcomes[()]
        running = self.index.running
        return entry.outcomes[tuple(FACTS[fact](record, event, running) for fact in entry.facts)]

    # --- events -----------------------------------------------------------------------

    def _created(self, line: int, event: ev.AgentCreated) -> None:
        old = self.index.by_id.get(event.id)
        before, outcome = None, None
        if old is not None:
            before = self.state(old)
            outcome = self.outcome(old, event, before)
            self._forbidden(line, old, event, before, outcome, name=event.name)
        self.shared.check_created(line, event)
        self._apply(self.index, event)
        record = self.index.by_id[event.id]
        self.shared.resync(record)
        self._stopped_line.pop(record.id, None)
        self._collected_line.pop(record.id, None)
        self._entered(line, record, event, before, outcome)

    def _inert_event(self, line: int, event: Any) -> None:
        """An id-keyed event the projection ignores: the spec keeps its record in place."""
        record = self.index.by_id.get(event.id)
        if record is None:
            report_unknown_agent(self.report, line, event)
            return
        before = self.state(record)
        outcome = self.outcome(record, event, before)
        self._forbidden(line, record, event, before, outcome)
        self._last_line[record.id] = line
        for took in self._on_took:
            took(line, record.id, outcome)

    def _record_event(self, line: int, event: Any) -> None:
        record = self.index.by_id.get(event.id)
        if record is None:
            report_unknown_agent(self.report, line, event)
            return
        kind = type(event)
        before = self.state(record)
        outcome = self.outcome(record, event, before)
        self._forbidden(line, record, event, before, outcome)
        started = kind is ev.AgentStarted or kind is ev.AgentResumed
        if started:
            self.shared.check_new_pid(line, record, event)
            if kind is ev.AgentResumed:
                self.sessions.check_resumed(line, record, before)
        elif kind is ev.AgentGarbageCollected:
            self.shared.check_index_clobber(line, record)
        self._apply.steps[kind](self.index, event)
        self.shared.resync(record)
        if started:
            self.shared.check_duplicates(line, record, before)
        elif kind is ev.AgentGarbageCollected:
            self._collected_line.setdefault(record.id, line)
        self._entered(line, record, event, before, outcome)

    def _session_not_found(self, line: int, event: ev.AgentSessionNotFound) -> None:
        index = self.index
        target = session_target(index, event.name)
        self.sessions.check_not_found(line, event, target, self.shared.live_named(event.name))
        if target is None:
            return
        before = self.state(target)
        outcome = self.outcome(target, event, before)
        self._apply(index, event)
        self.shared.resync(target)
        self._entered(line, target, event, before, outcome)

    def _channel_renamed(self, line: int, event: ev.ChannelRenamed) -> None:
        index, shared = self.index, self.shared
        listed = shared.check_renamed(line, event)
        self._apply(index, event)
        running, by_id = index.running, index.by_id
        for agent_id in listed:  # only a running Lead is listed by its channel
            if agent_id in running and (record := by_id.get(agent_id)) and record.kind == "Lead":
                shared.resync(record)

    def _reference(self, line: int, event: Any) -> None:
        check_reference(self.index, self.report, line, event)

    # --- rules around one event -------------------------------------------------------

    def _forbidden(
        self,
        line: int,
        record: AgentRecord,
        event: ev.Event,
        before: str,
        outcome: Outcome,
        *,
        name: str | None = None,
    ) -> None:
        """The transition rules of a forbidden (state, event) pair, if it is one."""
        if outcome.rules:
            report_forbidden(self.report, line, record, event, before, outcome, name=name,
                             collected_line=self._collected_line.get(record.id),
                             stopped_line=self._stopped_line.get(record.id))  # fmt: skip

    def _entered(
        self,
        line: int,
        record: AgentRecord,
        event: ev.Event,
        before: str | None,
        outcome: Outcome | None,
    ) -> None:
        """Tell the observers, and report a forbidden state the event moved the record into."""
        self._last_line[record.id] = line
        after = self.state(record)
        if outcome is not None:
            for took in self._on_took:
                took(line, record.id, outcome)
        kind = type(event).__name__
        if kind == "AgentCreated":
            for created in self._on_created:
                created(record.id, line)
        if after == before:
            return
        for moved in self._on_moved:
            moved(line, record.id, kind, before, after)
        if after == STOPPED:
            self._stopped_line[record.id] = line
        state_rule = STATE_RULE[after]
        if state_rule is None:
            return
        rule = outcome.entry_rule if outcome is not None and outcome.target == after else None
        rule = rule or state_rule
        self.report(rule, line, record.id, record.name, entered_message(rule, kind, record),
                    before=before, after=after)  # fmt: skip

    # --- findings ---------------------------------------------------------------------

    def running_named(self, name: str) -> list[str]:
        """Ids of the first running records called ``name`` (at most 20)."""
        return self.shared.running_named(name)

    def report(
        self,
        rule: RuleId,
        line: int | None,
        agent_id: str | None,
        agent_name: str | None,
        message: str,
        *,
        path: str | None = None,
        related: tuple[str, ...] = (),
        related_count: int | None = None,
        before: str | None = None,
        after: str | None = None,
        dropped: int | None = None,
        subject: str | None = None,
    ) -> None:
        """Hand one finding out, with its evidence and explanation when explaining, and
        its fingerprint. ``related_count`` is how many records ``related`` stands for (all
        of them by default); ``subject`` is what the fingerprint hashes instead of the event
        being replayed (:mod:`..rules.fingerprints`)."""
        path = path or self.path
        about: ev.Event | bytes | str = (
            subject if subject is not None else END if self._ending
            else STORE if self._event is None else self._event
        )  # fmt: skip
        story = None
        if self._history is not None and rule != "parse-error":
            by_id = self.index.by_id
            record = by_id.get(agent_id) if agent_id else None
            story = story_of(
                self._history, lambda i: r.name if (r := by_id.get(i)) else None,
                agent_id=agent_id, related=related,
                event=None if self._event is None else type(self._event).__name__,
                session_gone_at=self.sessions.gone_at(record.session_id) if record else None,
            )  # fmt: skip
        self._emit(
            Finding(
                rule=rule,
                path=path,
                line=line,
                agent_id=agent_id,
                agent_name=agent_name,
                message=message,
                related=related,
                related_count=len(related) if related_count is None else related_count,
                before=before,
                after=after,
                dropped=dropped,
                story=story,
                fingerprint=self._fingerprints.next(rule, agent_id or agent_name, about),
            )
        )


def _hooks(observers: Sequence[Observer], hook: str) -> tuple[Callable[..., None], ...]:
    """The bound ``hook`` methods of the observers that override it."""
    default = getattr(Observer, hook)
    return tuple(getattr(o, hook) for o in observers if getattr(type(o), hook) is not default)
