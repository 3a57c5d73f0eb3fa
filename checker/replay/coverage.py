"""Coverage: which spec transitions a replay took, and which states records entered."""

from __future__ import annotations

from collections import Counter, defaultdict

from lifecheck.checker.replay.observers import Observer
from lifecheck.spec.model import Transition
from lifecheck.spec.tables import Outcome


class Coverage(Observer):
    """Counts transitions taken and states entered; with ``steps``, each record's path."""

    __slots__ = ("_taken", "entered", "steps")

    def __init__(self, *, steps: bool = False) -> None:
        self._taken: defaultdict[Outcome, int] = defaultdict(int)  # counted by identity: cheap
        self.entered: Counter[str] = Counter()
        #: agent id -> its (line, transition) path, kept only when asked for.
        self.steps: dict[str, list[tuple[int, Transition]]] | None = {} if steps else None

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
