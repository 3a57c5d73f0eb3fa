"""Why a finding holds: the few lines that matter, and a Let/Then sentence built from them.

The replay keeps, per record, where it was created (or that a snapshot holds it) and its
last few state changes. A finding's evidence is that history, before the finding's line,
for its record and the other records involved, then the line that broke the rule.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from lifecheck.checker.replay.observers import Observer
from lifecheck.spec.catalogue import Family, rules_of

#: Rules reported at the end of the replay: their line is only the record's last one.
END_RULES = frozenset(rules_of(Family.END))

#: Rules about a session known to be dead: the line that said so matters.
SESSION_RULES = frozenset({"zombie-running", "stale-session-resumed"})

#: Related records an explanation lets, as many as a message names (docs/rules.md §4).
NAMED = 5

#: State changes kept per record: enough to show what set a stale value.
KEPT_MOVES = 2

_IN = {"limbo": "in limbo", "running-without-session": "running without a session"}


@dataclass(frozen=True, slots=True)
class Evidence:
    """One line that matters: the file and line (``None``: the snapshot), the record, what."""

    path: str
    line: int | None
    agent_id: str | None
    what: str


class History(Observer):
    """Per record: its creation (or snapshot) and its last :data:`KEPT_MOVES` state changes."""

    __slots__ = ("_log", "_moves", "_origin", "_snapshot")

    def __init__(self, log: str, snapshot: str) -> None:
        self._log, self._snapshot = log, snapshot
        self._origin: dict[str, Evidence] = {}
        # The last (line, event, state) moves, as a tuple (a deque per record costs 600
        # bytes): cheap to keep, turned into Evidence when asked for.
        self._moves: dict[str, tuple[tuple[int, str, str], ...]] = {}

    def loaded(self, agent_id: str, state: str) -> None:
        """The record comes from the snapshot, in ``state``."""
        origin = Evidence(
            self._snapshot, None, agent_id, f"in the snapshot, {_IN.get(state, state)}"
        )
        self._origin[agent_id] = origin
        self._moves[agent_id] = ()

    def created(self, agent_id: str, line: int) -> None:
        """``AgentCreated`` at ``line`` (re)starts the record's history."""
        self._origin[agent_id] = Evidence(self._log, line, agent_id, "created")
        self._moves[agent_id] = ()

    def moved(self, line: int, agent_id: str, event: str, before: str | None, after: str) -> None:
        """``event`` at ``line`` moved the record into ``after`` (a creation starts anew)."""
        if event == "AgentCreated":
            return
        kept = self._moves.get(agent_id, ())[1 - KEPT_MOVES :]
        self._moves[agent_id] = (*kept, (line, event, after))

    def before(self, agent_id: str, line: int | None) -> list[Evidence]:
        """What matters about the record before ``line`` (everything when ``None``)."""
        kept = [self._origin[agent_id]] if agent_id in self._origin else []
        return kept + [
            Evidence(self._log, at, agent_id, f"{event} left it {_IN.get(state, state)}")
            for at, event, state in self._moves.get(agent_id, ())
            if line is None or at < line
        ]


def explain_finding(
    *,
    rule: str,
    line: int | None,
    event: str | None,
    agent_id: str | None,
    related: tuple[str, ...],
    message: str,
    history: History,
    who: Callable[[str], str],
    path: str,
    session_gone_at: int | None = None,
) -> tuple[tuple[Evidence, ...], str]:
    """The evidence for a finding and its explanation: a Let line per record, then a Then.

    ``session_gone_at`` is the line where the record's session hit 'No conversation found',
    if it did (it matters to the rules about dead sessions).
    """
    end = rule in END_RULES
    evidence: list[Evidence] = []
    lets = []
    # The record and the others its message names: one Let for each, R to W.
    records = dict.fromkeys(([agent_id] if agent_id else []) + list(related[:NAMED]))
    # Records with no past (one created by the finding's own line) get no Let, nor a letter.
    known = [(r, past) for r in records if (past := history.before(r, None if end else line))]
    for letter, (record, past) in zip("RSTUVW", known, strict=False):
        evidence += past
        steps = "; ".join(
            item.what if item.line is None
            else f"created at line {item.line}" if item.what == "created"
            else f"at line {item.line} {item.what}"
            for item in past
        )  # fmt: skip
        lets.append(f"Let {letter} be {who(record)}: {steps}.")
    if session_gone_at is not None and rule in SESSION_RULES:
        gone = Evidence(
            path, session_gone_at, agent_id, "AgentSessionNotFound: its session is gone"
        )
        evidence = sorted([*evidence, gone], key=lambda e: (e.agent_id != agent_id, e.line or 0))
        lets.append(f"Let line {session_gone_at} (AgentSessionNotFound) say its session is gone.")
    if end:
        then = f"Then it is {message}."
    elif line is None:
        then = f"Then {message}."
    else:
        then = f"Then line {line}" + (f" ({event})" if event else "") + f": {message}."
        evidence.append(Evidence(path, line, agent_id, event or rule))
    return tuple(evidence), "\n".join([*lets, then])
