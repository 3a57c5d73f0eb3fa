"""The replay engine: events in order through a projection model, every rule checked.

For each event: transition rules on the state before it (looked up in tables compiled
from the spec), then the projection model applies it, then state rules on the state
after it. End-of-replay rules run in :meth:`Replay.finish` (rules.md §4).
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from functools import cache
from typing import Any, BinaryIO

from lifecheck.checker.reading import events as ev
from lifecheck.checker.reading.reader import LogReader, Malformed
from lifecheck.checker.reading.segments import read_parallel
from lifecheck.checker.replay.history import History, explain
from lifecheck.checker.replay.projection import PROJECTIONS, AgentIndex, AgentRecord, session_target
from lifecheck.checker.rules.findings import Finding, short_id
from lifecheck.checker.rules.messages import Context, transition_message
from lifecheck.spec import LIFECYCLE
from lifecheck.spec.catalogue import RuleId
from lifecheck.spec.lifecycle import LIMBO, STOPPED
from lifecheck.spec.model import Transition
from lifecheck.spec.tables import Entry, Outcome, compile_table

DEFAULT_SEMANTICS = "d11b83e"


@cache
def entries(semantics: str) -> dict[type[ev.Event], dict[str, Entry]]:
    """The spec compiled for ``semantics``, keyed for the hot loop (event type, then state),
    once per process."""
    compiled = compile_table(LIFECYCLE, semantics)
    return {
        ev.EVENT_TYPES[name]: {state: row[name] for state, row in compiled.items()}
        for name in LIFECYCLE.events
    }


def _state_lookup() -> dict[tuple[bool, ...], str]:
    """The spec state for each combination of the facts :meth:`Replay.state` reads."""
    keys = ("collected", "running", "has_session", "has_pid", "stopped_at")
    return {
        values: LIFECYCLE.classify(dict(zip(keys, values, strict=True)) | {"is_lead": False}).name
        for values in itertools.product((False, True), repeat=len(keys))
    }


_STATE_OF = _state_lookup()
_RULE_OF = {state.name: state.rule for state in LIFECYCLE.states}

FactOf = Callable[[AgentRecord, Any, set[str]], bool]
_FACTS: dict[str, FactOf] = {
    "collected": lambda record, event, running: record.gc,
    "running": lambda record, event, running: record.id in running,
    "has_session": lambda record, event, running: record.session_id is not None,
    "has_pid": lambda record, event, running: record.pid is not None,
    "stopped_at": lambda record, event, running: record.stopped_at,
    "is_lead": lambda record, event, running: record.kind == "Lead",
    "event_has_session": lambda record, event, running: event.session_id is not None,
}


class Replay:
    """Replays one log (optionally on top of a snapshot's index) and collects findings."""

    def __init__(
        self,
        *,
        path: str,
        semantics: str = DEFAULT_SEMANTICS,
        index: AgentIndex | None = None,
        snapshot_path: str | None = None,
        record_steps: bool = False,
    ) -> None:
        """``record_steps`` keeps every record's (line, transition) path in :attr:`steps`."""
        self.path = path
        self.semantics = semantics
        self.snapshot_path = snapshot_path or path
        self.index = index if index is not None else AgentIndex()
        self.findings: list[Finding] = []
        self.events = 0
        self._taken: defaultdict[Outcome, int] = defaultdict(int)  # table outcomes taken
        self.entered: Counter[str] = Counter()  # states records moved into
        self.steps: dict[str, list[tuple[int, Transition]]] | None = {} if record_steps else None
        self._apply = PROJECTIONS[semantics]
        self._entries = entries(semantics)
        self._last_line: dict[str, int] = {}
        self._stopped_line: dict[str, int] = {}
        self._collected_line: dict[str, int] = {}
        self._sharing: dict[tuple[str, str | None], set[str]] = {}  # (field, value) -> ids
        self._pids: dict[int, set[str]] = {}
        self._failed_sessions: dict[str, int] = {}  # session -> the line that says it is gone
        self._not_found: Counter[str] = Counter()
        self._history = History(self.path, self.snapshot_path)
        self._event: ev.Event | None = None  # the event being replayed, for explanations
        for record in self.index.by_id.values():
            self._share(record, add=True)
            self._track_pid(record.id, None, record.pid)
            self._history.loaded(record.id, self.state(record))
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

    def read(
        self,
        source: BinaryIO | Iterable[bytes],
        *,
        exact: bool = False,
        progress: Callable[[int], None] | None = None,
    ) -> None:
        """Replay a log (a binary file or its lines) up to its first malformed line.

        Every line is validated, but only the events some rule looks at are decoded into
        the replay; ``exact`` and ``progress`` are passed to :class:`LogReader`.
        """
        reader = LogReader(source, self._handlers.keys(), exact=exact, progress=progress)
        self.run(reader)
        self._read(reader.events, reader.malformed)

    def read_segments(
        self,
        path: str,
        cuts: list[int],
        *,
        jobs: int,
        exact: bool = False,
        progress: Callable[[int], None] | None = None,
    ) -> None:
        """Like :meth:`read`, validating the segments between ``cuts`` in ``jobs`` processes."""
        wanted = frozenset(self._handlers)
        self._read(
            *read_parallel(path, cuts, wanted, self.run, jobs=jobs, exact=exact, progress=progress)
        )

    def _read(self, events: int, malformed: Malformed | None) -> None:
        """Count what a read found, and report the line where it stopped, if any."""
        self.events += events
        if malformed is not None:
            self.stopped_at_bad_line(malformed)

    def run(self, events: Iterable[tuple[int, ev.Event]]) -> None:
        """Replay ``(line, event)`` pairs in order (not counted in :attr:`events`)."""
        handlers = self._handlers
        for line, event in events:
            handler = handlers.get(type(event))
            if handler is not None:
                self._event = event
                handler(line, event)

    @property
    def taken(self) -> Counter[Transition]:
        """How often the log took each spec transition."""
        taken: Counter[Transition] = Counter()
        for outcome, count in self._taken.items():
            taken[outcome.transition] += count
        return taken

    def stopped_at_bad_line(self, malformed: Malformed) -> None:
        """Report the line where the daemon's recovery (and so this replay) stops."""
        later = (
            "no later line"
            if malformed.dropped == 0
            else (f"{malformed.dropped} later line{'s' if malformed.dropped != 1 else ''}")
        )
        self._add("parse-error", malformed.line, None, None,
                  f"{malformed.reason}; replay stops here ({later} would be dropped by the "
                  "daemon's recovery)", dropped=malformed.dropped)  # fmt: skip

    def finish(self) -> list[Finding]:
        """Run the end-of-replay rules and return every finding, sorted."""
        for record in self.index.by_id.values():
            if record.gc:
                continue
            line = self._last_line.get(record.id)
            path = self.path if line is not None else self.snapshot_path
            if record.id in self.index.running and record.session_id in self._failed_sessions:
                self._add("zombie-running", line, record.id, record.name,
                          f"still running at the end of the log on session "
                          f"{short_id(record.session_id or '')}, which hit "
                          "'No conversation found'", path=path, before="running")  # fmt: skip
            if self.state(record) == LIMBO:
                self._add("limbo-unresolved", line, record.id, record.name,
                          f"still in limbo at the end of the log (pid {record.pid}, no "
                          "stopped_at): the daemon will neither resume nor collect it", path=path,
                          before=LIMBO)  # fmt: skip
        return sorted(self.findings, key=Finding.sort_key)

    def state(self, record: AgentRecord) -> str:
        """The spec state ``record`` is in."""
        return _STATE_OF[
            (record.gc, record.id in self.index.running, record.session_id is not None,
             record.pid is not None, record.stopped_at)
        ]  # fmt: skip

    # --- events -----------------------------------------------------------------------

    def _created(self, line: int, event: ev.AgentCreated) -> None:
        old = self.index.by_id.get(event.id)
        before, outcome, old_pid = None, None, None
        if old is not None:
            before, old_pid = self.state(old), old.pid
            outcome = self._outcome(before, ev.AgentCreated, old, event)
            self._share(old, add=False)
            self._transition_rules(line, old, event, before, outcome, name=event.name)
        if event.kind == "Fork" and event.bound_thread_id is None:
            self._add("fork-without-thread", line, event.id, event.name,
                      "a Fork created with no bound_thread_id: no thread can reach it")  # fmt: skip
        self._apply(self.index, event)
        record = self.index.by_id[event.id]
        self._share(record, add=True)
        self._track_pid(record.id, old_pid, record.pid)
        self._stopped_line.pop(record.id, None)
        self._collected_line.pop(record.id, None)
        self._entered(line, record, event, before, outcome)

    def _inert_event(self, line: int, event: Any) -> None:
        """An id-keyed event the projection ignores: the spec keeps its record in place."""
        record = self.index.by_id.get(event.id)
        if record is None:
            self._unknown_agent(line, event)
            return
        before = self.state(record)
        outcome = self._outcome(before, type(event), record, event)
        if outcome.rules:
            self._transition_rules(line, record, event, before, outcome)
        self._last_line[record.id] = line
        self._took(line, record.id, outcome)

    def _took(self, line: int, agent_id: str, outcome: Outcome) -> None:
        """Count the table outcome (and keep the step when asked to)."""
        self._taken[outcome] += 1
        if self.steps is not None:
            self.steps.setdefault(agent_id, []).append((line, outcome.transition))

    def _unknown_agent(self, line: int, event: Any) -> None:
        self._add("unknown-agent", line, event.id, None,
                  f"{type(event).__name__} names agent {event.id}, which was never created; "
                  "the daemon ignores it")  # fmt: skip

    def _record_event(self, line: int, event: Any) -> None:
        record = self.index.by_id.get(event.id)
        if record is None:
            self._unknown_agent(line, event)
            return
        kind = type(event)
        before = self.state(record)
        outcome = self._outcome(before, kind, record, event)
        if outcome.rules:
            self._transition_rules(line, record, event, before, outcome)
        old_pid = record.pid
        started = kind is ev.AgentStarted or kind is ev.AgentResumed
        if started:
            self._check_new_pid(line, record, event)
            if kind is ev.AgentResumed and record.session_id in self._failed_sessions:
                self._add("stale-session-resumed", line, record.id, record.name,
                          f"AgentResumed of session {short_id(record.session_id or '')}, which "
                          "already hit 'No conversation found'", before=before)  # fmt: skip
        elif kind is ev.AgentGarbageCollected:
            self._check_index_clobber(line, record)
        self._apply.steps[kind](self.index, event)
        self._track_pid(record.id, old_pid, record.pid)
        if started:
            self._check_duplicates(line, record, before)
        elif kind is ev.AgentGarbageCollected:
            self._collected_line.setdefault(record.id, line)
        self._entered(line, record, event, before, outcome)

    def _session_not_found(self, line: int, event: ev.AgentSessionNotFound) -> None:
        name, index = event.name, self.index
        target = session_target(index, name)
        running = [i for i in self._running("name", name) if not index.by_id[i].gc]
        if target is None:
            self._add("unknown-name", line, None, name,
                      f"AgentSessionNotFound for {name}, which names no record; "
                      "the daemon ignores it")  # fmt: skip
        cleared = "no session" if target is None else f"the session of {short_id(target.id)}"
        if len(running) > 1:
            self._add("session-not-found-ambiguous", line, None, name,
                      f"AgentSessionNotFound for {name} while {len(running)} records with that "
                      f"name are running ({', '.join(map(short_id, running))}); the daemon "
                      f"clears {cleared}", related=tuple(running))  # fmt: skip
        elif len(running) == 1:
            failed = index.by_id[running[0]]
            if target is None or failed.id != target.id:
                self._add("session-not-found-misattributed", line, failed.id, name,
                          f"the failed session is that of {short_id(failed.id)}, the only "
                          f"running {name}, but the daemon clears {cleared}",
                          related=() if target is None else (target.id,))  # fmt: skip
            if failed.session_id is not None:
                self._failed_sessions.setdefault(failed.session_id, line)
        self._not_found[name] += 1
        if self._not_found[name] == 3:
            self._add("resume-loop", line, None, name,
                      f"the 3rd AgentSessionNotFound for {name}: resume keeps failing")  # fmt: skip
        if target is None:
            return
        before, old_pid = self.state(target), target.pid
        outcome = self._outcome(before, ev.AgentSessionNotFound, target, event)
        self._apply(index, event)
        self._track_pid(target.id, old_pid, target.pid)
        self._entered(line, target, event, before, outcome)

    def _channel_renamed(self, line: int, event: ev.ChannelRenamed) -> None:
        index = self.index
        # The projection sets the channel of every record listed under the old name, even
        # when the name does not change (a record re-created elsewhere may still be listed).
        listed = list(index.by_channel.get(event.old_name, ()))
        moved = listed if event.old_name != event.new_name else []
        resident = [
            i for i in self._running("channel", event.new_name)
            if i not in moved and index.by_id[i].kind == "Lead"
        ]  # fmt: skip
        for agent_id in moved:
            record = index.by_id.get(agent_id)
            if record is None or record.kind != "Lead" or agent_id not in index.running:
                continue
            if resident:
                self._add("duplicate-running-lead-channel", line, agent_id, record.name,
                          f"ChannelRenamed moves this running Lead into {event.new_name}, where "
                          f"{', '.join(map(self._who, resident))} is already running",
                          related=tuple(resident))  # fmt: skip
        for agent_id in listed:
            if (record := index.by_id.get(agent_id)) is not None:
                self._share(record, add=False, fields=("channel",))
        self._apply(index, event)
        for agent_id in listed:
            if (record := index.by_id.get(agent_id)) is not None:
                self._share(record, add=True, fields=("channel",))

    def _reference(self, line: int, event: Any) -> None:
        agent_id = getattr(event, ev.AGENT_REFERENCES[type(event)])
        if agent_id not in self.index.by_id:
            self._add("dangling-agent-ref", line, agent_id, None,
                      f"{type(event).__name__} names agent {agent_id}, which was never "
                      "created")  # fmt: skip

    # --- rules around one event -------------------------------------------------------

    def _outcome(
        self, state: str, kind: type[ev.Event], record: AgentRecord, event: Any
    ) -> Outcome:
        entry = self._entries[kind][state]
        if not entry.facts:  # most pairs: no guard fact matters
            return entry.outcomes[()]
        running = self.index.running
        return entry.outcomes[tuple(_FACTS[fact](record, event, running) for fact in entry.facts)]

    def _transition_rules(
        self,
        line: int,
        record: AgentRecord,
        event: ev.Event,
        before: str,
        outcome: Outcome,
        *,
        name: str | None = None,
    ) -> None:
        """Report the rules of a forbidden (state, event) pair; ``name`` overrides the record's."""
        if not outcome.rules:
            return
        context = Context(
            event=type(event).__name__,
            record=record,
            collected_line=self._collected_line.get(record.id),
            stopped_line=self._stopped_line.get(record.id),
        )
        for rule in outcome.rules:
            self._add(rule, line, record.id, name or record.name,
                      transition_message(rule, context), before=before,
                      after=outcome.target)  # fmt: skip

    def _entered(
        self,
        line: int,
        record: AgentRecord,
        event: ev.Event,
        before: str | None,
        outcome: Outcome | None,
    ) -> None:
        """Record the line, and report a forbidden state the event moved the record into."""
        self._last_line[record.id] = line
        after = self.state(record)
        if outcome is not None:
            self._took(line, record.id, outcome)
        created = type(event) is ev.AgentCreated
        if created:
            self._history.created(record.id, line)
        if after == before:
            return
        if not created:
            self._history.moved(record.id, line, type(event).__name__, after)
        self.entered[after] += 1
        if after == STOPPED:
            self._stopped_line[record.id] = line
        state_rule = _RULE_OF[after]
        if state_rule is None:
            return
        rule = outcome.entry_rule if outcome is not None and outcome.target == after else None
        rule = rule or state_rule
        kind = type(event).__name__
        if rule == "stale-pid":
            message = (f"{kind} took it out of running but kept pid {record.pid} and set no "
                       "stopped_at: it is neither running nor stopped")  # fmt: skip
        elif rule == "started-without-session":
            message = "AgentStarted with no session_id (an old daemon): nothing can resume it"
        else:
            message = f"{kind} left it running with no session: nothing can resume it"
        self._add(rule, line, record.id, record.name, message, before=before, after=after)

    def _check_new_pid(self, line: int, record: AgentRecord, event: Any) -> None:
        pid: int = event.pid
        kind = type(event).__name__
        if pid == 0:
            self._add("pid-zero", line, record.id, record.name,
                      f"{kind} with pid 0: kill -0 0 always succeeds, so the daemon never "
                      "reconciles this agent")  # fmt: skip
            return
        holders = self._pids.get(pid)
        if not holders or (len(holders) == 1 and record.id in holders):
            return
        for other in sorted(holders - {record.id}):
            holder = self.index.by_id[other]
            if holder.gc:
                continue
            if other in self.index.running:
                status = "running"
            elif not holder.stopped_at:
                status = "in limbo"
            else:
                continue
            self._add("pid-reuse", line, record.id, record.name,
                      f"{kind} with pid {pid}, which {self._who(other)} still holds ({status})",
                      related=(other,))  # fmt: skip

    def _check_duplicates(self, line: int, record: AgentRecord, before: str) -> None:
        others = self._others_running
        reported: set[str] = set()
        # One finding per other Worker on the task, but one per event for a Lead's channel:
        # rules.md says "one finding per other record" for the first only.
        if record.kind == "Worker" and record.task_id is not None:
            for other in others(record, "task_id", record.task_id, "Worker"):
                reported.add(other)
                self._add("duplicate-running-worker-task", line, record.id, record.name,
                          f"a second Worker is running for task {record.task_id}: "
                          f"{self._who(other)} is running too", related=(other,),
                          before=before)  # fmt: skip
        if record.kind == "Lead" and record.channel is not None:
            leads = others(record, "channel", record.channel, "Lead")
            if leads:
                reported.update(leads)
                self._add("duplicate-running-lead-channel", line, record.id, record.name,
                          f"a second Lead is running in channel {record.channel}: "
                          f"{', '.join(map(self._who, leads))} is running too",
                          related=tuple(leads), before=before)  # fmt: skip
        same_name = [i for i in others(record, "name", record.name) if i not in reported]
        if same_name:
            self._add("duplicate-running-name", line, record.id, record.name,
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
        others = sharing & self.index.running
        others.discard(record.id)
        if not others:
            return []
        by_id = self.index.by_id
        return sorted(i for i in others if kind is None or by_id[i].kind == kind)

    def _check_index_clobber(self, line: int, record: AgentRecord) -> None:
        index = self.index
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
            self._add("gc-index-clobber", line, record.id, record.name,
                      f"collecting it removes {', '.join(clobbered)}, which point to "
                      f"{', '.join(map(self._who, owners))}", related=tuple(owners))  # fmt: skip

    # --- bookkeeping ------------------------------------------------------------------

    _SHARED_FIELDS = ("name", "task_id", "channel")

    def _share(
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

    def running_named(self, name: str) -> list[str]:
        """Ids of the running records called ``name``, sorted."""
        return self._running("name", name)

    def _running(self, field: str, value: str | None) -> list[str]:
        """Ids of running records whose ``field`` is ``value``, sorted."""
        return sorted(self._sharing.get((field, value), set()) & self.index.running)

    def _track_pid(self, agent_id: str, old: int | None, new: int | None) -> None:
        """Keep :attr:`_pids` (pid -> holders) current; a pid nobody holds is forgotten, so
        memory grows with the agents, not with the restarts in the log."""
        if old == new:
            return
        if old is not None:
            holders = self._pids[old]
            holders.discard(agent_id)
            if not holders:
                del self._pids[old]
        if new is not None:
            self._pids.setdefault(new, set()).add(agent_id)

    def _who(self, agent_id: str) -> str:
        record = self.index.by_id.get(agent_id)
        name = record.name if record is not None else "?"
        return f"{name} ({short_id(agent_id)})"

    def _add(
        self,
        rule: RuleId,
        line: int | None,
        agent_id: str | None,
        agent_name: str | None,
        message: str,
        *,
        path: str | None = None,
        related: tuple[str, ...] = (),
        before: str | None = None,
        after: str | None = None,
        dropped: int | None = None,
    ) -> None:
        record = self.index.by_id.get(agent_id) if agent_id else None
        session = record.session_id if record is not None else None
        event = None if self._event is None else type(self._event).__name__
        evidence, explanation = ((), None) if rule == "parse-error" else explain(
            rule=rule, line=line, event=event, agent_id=agent_id, related=related,
            message=message, history=self._history, who=self._who, path=path or self.path,
            session_gone_at=self._failed_sessions.get(session) if session else None,
        )  # fmt: skip
        self.findings.append(
            Finding(
                rule=rule,
                path=path or self.path,
                line=line,
                agent_id=agent_id,
                agent_name=agent_name,
                message=message,
                related=related,
                before=before,
                after=after,
                dropped=dropped,
                evidence=evidence,
                explanation=explanation,
            )
        )
