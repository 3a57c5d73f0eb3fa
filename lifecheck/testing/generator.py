"""Driving the fleet model: a run of moves with faults, and seeded logs of any length.

:func:`generate` (``lifecheck generate``, the benchmarks) needs no Hypothesis; the
strategies of :mod:`lifecheck.testing.strategies` draw the same moves from Hypothesis.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from lifecheck.testing.faults import inject
from lifecheck.testing.fleet import Choices, Fleet, GeneratedLog
from lifecheck.testing.moves import move

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Seeded:
    """Choices from a seeded random, for logs of any length."""

    rng: random.Random

    def pick(self, options: Sequence[T]) -> T:
        return options[self.rng.randrange(len(options))]

    def number(self, low: int, high: int) -> int:
        return self.rng.randint(low, high)

    def uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))


def run(c: Choices, fleet: Fleet, moves: int, faulty: set[int], parse_error: bool) -> None:
    """Make ``moves`` of the daemon's moves, a fault injected before each step in ``faulty``;
    end with a malformed line if ``parse_error``."""
    for step in range(moves):
        if step in faulty:
            inject(c, fleet)
        move(c, fleet)
    if parse_error:
        fleet.fault("parse-error")


def generate(
    seed: int,
    *,
    events: int = 1000,
    agents: int | None = None,
    faults: bool = False,
    semantics: str = "d11b83e",
) -> GeneratedLog:
    """A log of ``events`` lines, the same for the same arguments, with no size limit.

    ``agents`` caps how many agent records are created; with ``faults``, about one move in
    fifty injects a fault (and the last line may be malformed).
    """
    c = Seeded(random.Random(seed))
    fleet = Fleet(semantics=semantics, max_agents=agents, chatter=80)
    while len(fleet.lines) < events:
        if faults and c.number(0, 49) == 0:
            inject(c, fleet)
        move(c, fleet)
    del fleet.lines[events:]
    kept = [fault for fault in fleet.faults if fault.line <= events]
    if faults and c.number(0, 3) == 0:
        fleet.lines[-1:] = []
        kept = [fault for fault in kept if fault.line < events]
        fleet.faults = kept
        fleet.fault("parse-error")
        kept = fleet.faults
    return GeneratedLog(tuple(fleet.lines), tuple(kept))
