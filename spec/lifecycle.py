"""The Midtown agent lifecycle, as one table.

A record's state is read off six facts the daemon's agent index holds for it; each event
that targets a record moves it along one transition. Forbidden (state, event) pairs carry
rules of the catalogue (:mod:`lifecheck.spec.catalogue`; ``docs/rules.md``), and so do the
two forbidden states the daemon really produces (:meth:`Spec.carriers` lists them). Only
``AgentSessionNotFound`` differs between daemon versions.
"""

from __future__ import annotations

from lifecheck.spec.catalogue import RuleId
from lifecheck.spec.model import Condition, Spec, State, Transition, when

#: Daemon versions: PR #2330's head, the version before it, and the fix Midtown should make.
D11B83E, PRE_FIX, PROPOSED = "d11b83e", "3d1b4c5d", "proposed"
SEMANTICS = (D11B83E, PRE_FIX, PROPOSED)

#: Facts about a record (invariants and guards) and about an event (guards only).
RECORD_FACTS = ("collected", "running", "has_session", "has_pid", "stopped_at", "is_lead")
EVENT_FACTS = ("event_has_session",)

EVENTS = (
    "AgentCreated",
    "AgentStarted",
    "AgentResumed",
    "AgentStopped",
    "AgentSessionNotFound",
    "AgentGarbageCollected",
    "AgentStateReported",
    "AgentStopFailed",
)

CREATED, RUNNING, STOPPED, COLLECTED = "created", "running", "stopped", "garbage-collected"
SESSIONLESS, LIMBO = "running-without-session", "limbo"

_live = Condition("collected", holds=False)

STATES = (
    State(
        name=CREATED,
        description="created, never started: no pid, not running, no stopped_at",
        invariants=(_live, *when(running=False, has_pid=False, stopped_at=False)),
    ),
    State(
        name=RUNNING,
        description="in the running set with a session to resume",
        invariants=(_live, *when(running=True, has_session=True)),
    ),
    State(
        name=STOPPED,
        description="out of the running set with stopped_at set",
        invariants=(_live, *when(running=False, stopped_at=True)),
    ),
    State(
        name=COLLECTED,
        description="garbage-collected: kept in by_id, gone from routing",
        invariants=when(collected=True),
    ),
    State(
        name=SESSIONLESS,
        description="in the running set with no session: nothing to resume, a crash loop",
        invariants=(_live, *when(running=True, has_session=False)),
        rule="running-without-session",
    ),
    State(
        name=LIMBO,
        description="neither running nor stopped: a stale pid and no stopped_at",
        invariants=(_live, *when(running=False, has_pid=True, stopped_at=False)),
        rule="stale-pid",
    ),
)

_NOT_RUNNING = (CREATED, STOPPED, LIMBO)
_RUNNING = (RUNNING, SESSIONLESS)
_LIVE = (*_NOT_RUNNING, *_RUNNING)


def _each(
    sources: tuple[str, ...],
    event: str,
    target: str,
    *,
    guard: tuple[Condition, ...] = (),
    rules: tuple[RuleId, ...] = (),
    entry_rule: RuleId | None = None,
    semantics: frozenset[str] = frozenset(),
) -> list[Transition]:
    """The same transition from each of ``sources``."""
    return [
        Transition(source=source, event=event, target=target, guard=guard, rules=rules,
                   entry_rule=entry_rule, semantics=semantics)
        for source in sources
    ]  # fmt: skip


def _recreated() -> list[Transition]:
    """``AgentCreated`` for an id in use replaces the record but keeps it in ``running``."""
    rule: tuple[RuleId, ...] = ("duplicate-id",)
    return [
        *_each(_NOT_RUNNING, "AgentCreated", CREATED, rules=rule),
        *_each(_RUNNING, "AgentCreated", SESSIONLESS, rules=rule),
        Transition(source=COLLECTED, event="AgentCreated", target=SESSIONLESS,
                   guard=when(running=True), rules=rule),
        Transition(source=COLLECTED, event="AgentCreated", target=CREATED,
                   guard=when(running=False), rules=rule),
    ]  # fmt: skip


def _started() -> list[Transition]:
    with_session, without = when(event_has_session=True), when(event_has_session=False)
    legacy: RuleId = "started-without-session"
    twice: tuple[RuleId, ...] = ("start-while-running",)
    after_gc: RuleId = "event-after-gc"
    return [
        *_each(_NOT_RUNNING, "AgentStarted", RUNNING, guard=with_session),
        *_each(_NOT_RUNNING, "AgentStarted", SESSIONLESS, guard=without, entry_rule=legacy),
        *_each(_RUNNING, "AgentStarted", RUNNING, guard=with_session, rules=twice),
        *_each(_RUNNING, "AgentStarted", SESSIONLESS, guard=without, rules=twice,
               entry_rule=legacy),
        Transition(source=COLLECTED, event="AgentStarted", target=COLLECTED,
                   guard=when(running=True), rules=(after_gc, *twice)),
        Transition(source=COLLECTED, event="AgentStarted", target=COLLECTED,
                   guard=when(running=False), rules=(after_gc,)),
    ]  # fmt: skip


def _resumed() -> list[Transition]:
    no_session: tuple[RuleId, ...] = ("resume-without-session",)
    twice: tuple[RuleId, ...] = ("resume-while-running",)
    after_gc: RuleId = "event-after-gc"
    return [
        *_each(_NOT_RUNNING, "AgentResumed", RUNNING, guard=when(has_session=True)),
        *_each(_NOT_RUNNING, "AgentResumed", SESSIONLESS, guard=when(has_session=False),
               rules=no_session),
        Transition(source=RUNNING, event="AgentResumed", target=RUNNING, rules=twice),
        Transition(source=SESSIONLESS, event="AgentResumed", target=SESSIONLESS, rules=twice),
        Transition(source=COLLECTED, event="AgentResumed", target=COLLECTED,
                   guard=when(running=True), rules=(after_gc, *twice)),
        Transition(source=COLLECTED, event="AgentResumed", target=COLLECTED,
                   guard=when(running=False, has_session=True), rules=(after_gc,)),
        Transition(source=COLLECTED, event="AgentResumed", target=COLLECTED,
                   guard=when(running=False, has_session=False), rules=(after_gc, *no_session)),
    ]  # fmt: skip


def _stopped() -> list[Transition]:
    return [
        *_each((CREATED, STOPPED), "AgentStopped", STOPPED, rules=("stop-not-running",)),
        *_each((LIMBO, *_RUNNING), "AgentStopped", STOPPED),
        Transition(source=COLLECTED, event="AgentStopped", target=COLLECTED,
                   rules=("event-after-gc",)),
    ]  # fmt: skip


def _collected() -> list[Transition]:
    lead, worker = when(is_lead=True), when(is_lead=False)
    gc = "AgentGarbageCollected"
    transitions = [
        Transition(source=STOPPED, event=gc, target=COLLECTED, guard=worker),
        Transition(source=STOPPED, event=gc, target=COLLECTED, guard=lead, rules=("gc-lead",)),
        Transition(source=COLLECTED, event=gc, target=COLLECTED, rules=("event-after-gc",)),
    ]
    checks: tuple[tuple[tuple[str, ...], RuleId], ...] = (
        (_RUNNING, "gc-running"),
        ((CREATED, LIMBO), "gc-not-stopped"),
    )
    for sources, rule in checks:
        transitions += _each(sources, gc, COLLECTED, guard=worker, rules=(rule,))
        transitions += _each(sources, gc, COLLECTED, guard=lead, rules=(rule, "gc-lead"))
    return transitions


def _reported() -> list[Transition]:
    """``AgentStateReported`` and ``AgentStopFailed`` change no lifecycle fact."""
    return [
        transition
        for event in ("AgentStateReported", "AgentStopFailed")
        for transition in (
            *(Transition(source=s, event=event, target=s) for s in _LIVE),
            Transition(source=COLLECTED, event=event, target=COLLECTED, rules=("event-after-gc",)),
        )
    ]


def _session_not_found() -> list[Transition]:
    """``AgentSessionNotFound`` clears the session of ``by_name[name]``; versions differ."""
    snf = "AgentSessionNotFound"
    daemon, fixed = frozenset({D11B83E, PRE_FIX}), frozenset({D11B83E})
    transitions = [
        Transition(source=COLLECTED, event=snf, target=COLLECTED),
        *(Transition(source=s, event=snf, target=s, semantics=daemon) for s in _NOT_RUNNING),
    ]
    # d11b83e also takes it out of `running`, leaving pid and stopped_at as they were.
    for source in _RUNNING:
        transitions += [
            Transition(source=source, event=snf, target=LIMBO, semantics=fixed,
                       guard=when(has_pid=True, stopped_at=False)),
            Transition(source=source, event=snf, target=CREATED, semantics=fixed,
                       guard=when(has_pid=False, stopped_at=False)),
            Transition(source=source, event=snf, target=STOPPED, semantics=fixed,
                       guard=when(stopped_at=True)),
        ]  # fmt: skip
    # 3d1b4c5d leaves it running without a session: PR #2330's crash loop.
    transitions += _each(_RUNNING, snf, SESSIONLESS, semantics=frozenset({PRE_FIX}))
    # proposed: a stop that also clears the session.
    transitions += _each(_LIVE, snf, STOPPED, semantics=frozenset({PROPOSED}))
    return transitions


LIFECYCLE = Spec(
    name="midtown-agent",
    states=STATES,
    events=EVENTS,
    record_facts=RECORD_FACTS,
    event_facts=EVENT_FACTS,
    transitions=(
        *_recreated(),
        *_started(),
        *_resumed(),
        *_stopped(),
        *_collected(),
        *_reported(),
        *_session_not_found(),
    ),
    initial=CREATED,
    creation="AgentCreated",
    terminal=COLLECTED,
    semantics=SEMANTICS,
)
