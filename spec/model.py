"""The vocabulary of a lifecycle spec: conditions, states, transitions and the spec itself.

A spec is frozen data. States are conjunctions of conditions over a record's facts (its
invariants); transitions are guarded by conjunctions of conditions over record and event
facts. Building a :class:`Spec` checks its tables (see :mod:`lifecheck.spec.wellformed`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from lifecheck.spec.catalogue import RuleId
from lifecheck.spec.conditions import (
    Condition,
    Conjunction,
    assignments,
    describe,
    satisfied,
    when,
)
from lifecheck.spec.wellformed import check_tables

# Condition and its helpers live in spec.conditions; they are re-exported from here.
__all__ = [
    "Condition",
    "Conjunction",
    "Spec",
    "State",
    "Transition",
    "assignments",
    "describe",
    "satisfied",
    "when",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class State:
    """A lifecycle state: the record facts that hold in it, and its rule if forbidden."""

    name: str
    description: str
    invariants: Conjunction
    rule: RuleId | None = None

    @property
    def forbidden(self) -> bool:
        """Whether the daemon must never put a record in this state."""
        return self.rule is not None


@dataclass(frozen=True, slots=True, kw_only=True)
class Transition:
    """What ``event`` does to a record in ``source`` when ``guard`` holds.

    ``rules`` is non-empty when the (state, event) pair is forbidden: the daemon still
    applies the event and the checker reports these rules. ``entry_rule`` replaces the
    target state's rule when this transition enters a forbidden state. ``semantics``
    limits the transition to some daemon versions (empty: every version).
    """

    source: str
    event: str
    target: str
    guard: Conjunction = ()
    rules: tuple[RuleId, ...] = ()
    entry_rule: RuleId | None = None
    semantics: frozenset[str] = frozenset()

    @property
    def forbidden(self) -> bool:
        """Whether taking this transition is itself a violation."""
        return bool(self.rules)

    def applies_to(self, semantics: str) -> bool:
        """Whether this transition exists in daemon version ``semantics``."""
        return not self.semantics or semantics in self.semantics

    def __str__(self) -> str:
        guard = f" [{describe(self.guard)}]" if self.guard else ""
        return f"{self.source} --{self.event}{guard}--> {self.target}"


@dataclass(frozen=True, slots=True, kw_only=True)
class Spec:
    """A complete lifecycle: states, events, facts, transitions per daemon version.

    Construction runs the table checks of :mod:`lifecheck.spec.wellformed` and raises
    :class:`~lifecheck.spec.wellformed.InvalidSpec` naming every offender;
    :func:`~lifecheck.spec.validate.validate` adds the graph checks.
    """

    name: str
    states: tuple[State, ...]
    events: tuple[str, ...]
    record_facts: tuple[str, ...]
    event_facts: tuple[str, ...]
    transitions: tuple[Transition, ...]
    initial: str
    creation: str  # the event that creates a record, in ``initial``: not a transition
    terminal: str
    semantics: tuple[str, ...]
    _by_name: dict[str, State] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_name", {state.name: state for state in self.states})
        check_tables(self)

    def state(self, name: str) -> State:
        """The state called ``name``."""
        return self._by_name[name]

    def transitions_for(self, semantics: str) -> tuple[Transition, ...]:
        """The transitions of daemon version ``semantics``, in table order."""
        return tuple(t for t in self.transitions if t.applies_to(semantics))

    def rule_on_entry(self, transition: Transition) -> RuleId | None:
        """The rule reported when ``transition`` moves a record into a forbidden state.

        The transition's ``entry_rule`` if it has one, else the target state's rule; ``None``
        when the target is allowed or is the source (staying in a state is no entry).
        """
        target = self.state(transition.target)
        if target.rule is None or transition.target == transition.source:
            return None
        return transition.entry_rule or target.rule

    def carriers(self, rule: RuleId) -> tuple[Transition | State, ...]:
        """The transitions and states of the table that carry ``rule``, in table order.

        A transition carries the rules of its forbidden (state, event) pair and its
        ``entry_rule``; a forbidden state carries its own rule. Rules checked outside the
        table (catalogue families other than ``transition`` and ``state``) have none.
        """
        transitions = [t for t in self.transitions if rule in t.rules or t.entry_rule == rule]
        states = [state for state in self.states if state.rule == rule]
        return (*transitions, *states)

    def classify(self, facts: Mapping[str, bool]) -> State:
        """The one state whose invariants hold for a record with these facts."""
        for state in self.states:
            if satisfied(state.invariants, facts):
                return state
        raise ValueError(f"no state holds for {dict(facts)}")
