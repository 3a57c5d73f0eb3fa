"""Driving the fleet model: a run of moves with faults, and seeded logs of any length.

:func:`stream` (``lifecheck generate``, the benchmarks) hands out a log's lines as they are
made, in time and memory that do not grow with what came before; :func:`generate` collects
them. Neither needs Hypothesis; the strategies of :mod:`lifecheck.testing.strategies` draw
the same moves from Hypothesis.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from typing import TypeVar

from lifecheck.testing.faults import inject
from lifecheck.testing.fleet import MALFORMED, Choices, Fault, Fleet, GeneratedLog
from lifecheck.testing.mixes import MIXES
from lifecheck.testing.moves import move

T = TypeVar("T")
#: Lines of a log and the faults injected among them (their lines count from the log's start).
Chunk = tuple[list[bytes], list[Fault]]
CHUNK = 256  # lines handed out at a time, about
_VERSION, _VARIANT = (0xF000 << 64) | (0xC000 << 48), (0x4000 << 64) | (0x8000 << 48)


class Seeded:
    """Choices from a seeded random, for logs of any length."""

    __slots__ = ("_bits", "_random")

    def __init__(self, seed: int) -> None:
        rng = random.Random(seed)
        self._random, self._bits = rng.random, rng.getrandbits

    def pick(self, options: Sequence[T]) -> T:
        return options[int(self._random() * len(options))]

    def number(self, low: int, high: int) -> int:
        return low + int(self._random() * (high - low + 1))

    def uuid(self) -> str:
        """A random UUID version 4, as ``uuid.uuid4`` writes it."""
        h = f"{self._bits(128) & ~_VERSION | _VARIANT:032x}"
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def run(c: Choices, fleet: Fleet, moves: int, faulty: set[int], parse_error: bool) -> None:
    """Make ``moves`` of the daemon's moves, a fault injected before each step in ``faulty``;
    end with a malformed line if ``parse_error``."""
    for step in range(moves):
        if step in faulty:
            inject(c, fleet)
        move(c, fleet)
    if parse_error:
        fleet.fault("parse-error")


def stream(
    seed: int,
    *,
    events: int = 1000,
    agents: int | None = None,
    faults: bool = False,
    semantics: str = "d11b83e",
    mix: str = "messages",
) -> Iterator[Chunk]:
    """The ``events`` lines of a log as they are made, a few hundred at a time (never
    none), each chunk with the faults injected among its lines. The same for the same
    arguments.

    ``agents`` caps how many agent records are created; ``mix`` (one of
    :data:`~lifecheck.testing.mixes.MIXES`) is how often the daemon makes each move; with
    ``faults``, about one move in fifty injects a fault, and one log in four ends with a
    malformed line. Without ``faults`` the log breaks no rule of ``semantics``, unless the
    mix ``leaks``.
    """
    c = Seeded(seed)
    fleet = Fleet(semantics=semantics, mix=MIXES[mix], max_agents=agents)
    malformed_end = faults and c.number(0, 3) == 0
    last = events - 1 if malformed_end else events
    while fleet.written + len(fleet.lines) < last:
        if faults and c.number(0, 49) == 0:
            inject(c, fleet)
        move(c, fleet)
        if len(fleet.lines) >= CHUNK:
            yield fleet.drain()
    lines, found = fleet.drain()
    del lines[last - (fleet.written - len(lines)) :]  # the log ends within the last move
    found = [fault for fault in found if fault.line <= last]
    if malformed_end:
        lines.append(MALFORMED)
        found.append(Fault(events, "parse-error"))
    if lines:
        yield lines, found


def generate(
    seed: int,
    *,
    events: int = 1000,
    agents: int | None = None,
    faults: bool = False,
    semantics: str = "d11b83e",
    mix: str = "messages",
) -> GeneratedLog:
    """The log :func:`stream` makes, whole."""
    lines: list[bytes] = []
    found: list[Fault] = []
    made = stream(seed, events=events, agents=agents, faults=faults, semantics=semantics, mix=mix)
    for chunk, faulty in made:
        lines += chunk
        found += faulty
    return GeneratedLog(tuple(lines), tuple(found))
