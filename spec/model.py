"""The vocabulary of a lifecycle spec: conditions, states, transitions and the spec itself.

A spec is frozen data. States are conjunctions of conditions over a record's facts (its
invariants); transitions are guarded by conjunctions of conditions over record and event
facts. Building a :class:`Spec` checks its tables (see :mod:`lifecheck.spec.validate`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from itertools import product

from lifecheck.spec.catalogue import RuleId


@dataclass(frozen=True, slots=True)
class Condition:
    """One fact and the value it must have, e.g. ``has_session`` or ``not has_session``."""

    fact: str
    holds: bool = True

    def __str__(self) -> str:
        return self.fact if self.holds else f"not {self.fact}"

    def test(self, facts: Mapping[str, bool]) -> bool:
        """Whether ``facts`` gives this fact the required value."""
        return facts[self.fact] is self.holds


Conjunction = tuple[Condition, ...]


def when(**facts: bool) -> Conjunction:
    """A conjunction from keyword arguments: ``when(has_session=False)``."""
    return tuple(Condition(fact, holds) for fact, holds in facts.items())


def satisfied(conjunction: Conjunction, facts: Mapping[str, bool]) -> bool:
    """Whether every condition of ``conjunction`` holds in ``facts``."""
    return all(condition.test(facts) for condition in conjunction)


def describe(conjunction: Conjunction) -> str:
    """``has_pid and not stopped_at``; empty for no condition."""
    return " and ".join(str(condition) for condition in conjunction)


def assignments(facts: tuple[str, ...]) -> Iterator[dict[str, bool]]:
    """Every assignment of true/false to ``facts``, in a fixed order."""
    for values in product((False, True), repeat=len(facts)):
        yield dict(zip(facts, values, strict=True))


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

    Construction runs the table checks of :mod:`lifecheck.spec.validate` and raises
    :class:`~lifecheck.spec.validate.InvalidSpec` naming every offender;
    :func:`~lifecheck.spec.validate.validate` adds the graph checks.
    """

    name: str
    states: tuple[State, ...]
    events: tuple[str, ...]
    record_facts: tuple[str, ...]
    event_facts: tuple[str, ...]
    transitions: tuple[Transition, ...]
    initial: str
    terminal: str
    semantics: tuple[str, ...]
    _by_name: dict[str, State] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        from lifecheck.spec.validate import check_tables  # here: spec.validate imports this module

        object.__setattr__(self, "_by_name", {state.name: state for state in self.states})
        check_tables(self)

    def state(self, name: str) -> State:
        """The state called ``name``."""
        return self._by_name[name]

    def transitions_for(self, semantics: str) -> tuple[Transition, ...]:
        """The transitions of daemon version ``semantics``, in table order."""
        return tuple(t for t in self.transitions if t.applies_to(semantics))

    def classify(self, facts: Mapping[str, bool]) -> State:
        """The one state whose invariants hold for a record with these facts."""
        for state in self.states:
            if satisfied(state.invariants, facts):
                return state
        raise ValueError(f"no state holds for {dict(facts)}")
