"""Coverage: which spec transitions a replay took, which states records entered, and in
which states a snapshot's records began."""

from __future__ import annotations

from collections import Counter, defaultdict

from lifecheck.checker.replay.observers import Observer
from lifecheck.spec.model import Transition
from lifecheck.spec.tables import Outcome


class Coverage(Observer):
    """Counts transitions taken, states entered and the states a snapshot's records were
    loaded in (``from_snapshot``: no transition took them there); with ``steps``, each
    record's path."""

    __slots__ = ("_taken", "entered", "from_snapshot", "steps")

    def __init__(self, *, steps: bool = False) -> None:
        self._taken: defaultdict[Outcome, int] = defaultdict(int)  # counted by identity: cheap
        self.entered: Counter[str] = Counter()
        self.from_snapshot: Counter[str] = Counter()
        #: agent id -> its (line, transition) path, kept only when asked for.
        self.steps: dict[str, list[tuple[int, Transition]]] | None = {} if steps else None

    def loaded(self, agent_id: str, state: str) -> None:
        """Count the state a snapshot's record starts in."""
        self.from_snapshot[state] += 1

    def took(self, line: int, agent_id: str, outcome: Outcome) -> None:
        """Count the outcome (and keep the step when asked to)."""
        self._taken[outcome] += 1
        if self.steps is not None:
            self.steps.setdefault(agent_id, []).append((line, outcome.transition))

    def moved(self, line: int, agent_id: str, event: str, before: str | None, after: str) -> None:
        """Count the state entered."""
        self.entered[after] += 1

    @property
    def taken(self) -> Counter[Transition]:
        """How often the replay took each spec transition."""
        taken: Counter[Transition] = Counter()
        for outcome, count in self._taken.items():
            taken[outcome.transition] += count
        return taken
