"""Conditions over facts, and conjunctions of them: what invariants and guards are made of.

Pure functions of data. The model (:mod:`lifecheck.spec.model`) and the table checks it runs
(:mod:`lifecheck.spec.wellformed`) both build on them, so the checks need not import the
model at run time (there would be an import cycle).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from itertools import product


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
