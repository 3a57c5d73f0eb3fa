"""Why a finding holds: the few lines that matter, and a Let/Then sentence built from them.

The replay keeps, per record, where it was created (or that a snapshot holds it) and its
last few state changes. A finding's evidence is that history, before the finding's line,
for its record and the other records involved, then the line that broke the rule.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from lifecheck.checker.reading.echo import NAMES, capped
from lifecheck.checker.replay.observers import Observer
from lifecheck.spec.catalogue import Family, rules_of

#: Rules reported at the end of the replay: their line is only the record's last one.
END_RULES = frozenset(rules_of(Family.END))

#: Rules about a session known to be dead: the line that said so matters.
SESSION_RULES = frozenset({"zombie-running", "stale-session-resumed"})

#: State changes kept per record: enough to show what set a stale value.
KEPT_MOVES = 2

Move = tuple[int, str, str]  # (line, event, the state it left the record in)
#: Where a record comes from (the line that created it, or the state the snapshot holds it
#: in; ``None``: unknown), and its last moves.
Past = tuple[int | str | None, tuple[Move, ...]]
_UNKNOWN: Past = (None, ())

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

    __slots__ = ("_past", "log", "snapshot")

    def __init__(self, log: str, snapshot: str) -> None:
        self.log, self.snapshot = log, snapshot
        # Per record, one small tuple (plain data, replaced and never changed, so a story
        # can keep it by reference): where it comes from, and its last moves.
        self._past: dict[str, Past] = {}

    def loaded(self, agent_id: str, state: str) -> None:
        """The record comes from the snapshot, in ``state``."""
        self._past[agent_id] = (state, ())

    def created(self, agent_id: str, line: int) -> None:
        """``AgentCreated`` at ``line`` (re)starts the record's history."""
        self._past[agent_id] = (line, ())

    def moved(self, line: int, agent_id: str, event: str, before: str | None, after: str) -> None:
        """``event`` at ``line`` moved the record into ``after`` (a creation starts anew)."""
        if event == "AgentCreated":
            return
        origin, moves = self._past.get(agent_id, _UNKNOWN)
        self._past[agent_id] = (origin, (*moves[1 - KEPT_MOVES :], (line, event, after)))

    def past(self, agent_id: str) -> Past:
        """Where the record comes from, and its last :data:`KEPT_MOVES` state changes."""
        return self._past.get(agent_id, _UNKNOWN)


#: What the history held about one record when a finding was made: its id, its name
#: (``None``: no such record) and its past, by reference, so keeping it costs nothing.
Known = tuple[str, str | None, Past]


@dataclass(frozen=True, slots=True)
class Story:
    """What a finding's evidence and explanation are made from, captured as it is found
    and told only when a report shows it (:func:`tell`)."""

    event: str | None
    records: tuple[Known, ...]  # the finding's record first, then the others it names
    log: str
    snapshot: str
    session_gone_at: int | None = None


def story_of(
    history: History,
    names: Callable[[str], str | None],
    *,
    agent_id: str | None,
    related: tuple[str, ...],
    event: str | None,
    session_gone_at: int | None,
) -> Story:
    """The story of a finding about ``agent_id`` and the others it names (``names`` gives
    a record's name, or ``None`` for no record)."""
    # The record and the others its message names (docs/rules.md §4): one Let for each.
    ids = dict.fromkeys(([agent_id] if agent_id else []) + list(related[:NAMES]))
    records = tuple((i, names(i), history.past(i)) for i in ids)
    return Story(event, records, history.log, history.snapshot, session_gone_at)


def _before(story: Story, known: Known, line: int | None) -> list[Evidence]:
    """What mattered about a record before ``line`` (everything when ``None``)."""
    agent_id, _, (origin, moves) = known
    if origin is None:
        kept = []
    elif isinstance(origin, int):
        kept = [Evidence(story.log, origin, agent_id, "created")]
    else:
        kept = [
            Evidence(story.snapshot, None, agent_id, f"in the snapshot, {_IN.get(origin, origin)}")
        ]
    return kept + [
        Evidence(story.log, at, agent_id, f"{event} left it {_IN.get(state, state)}")
        for at, event, state in moves
        if line is None or at < line
    ]


def tell(
    story: Story, *, rule: str, line: int | None, message: str, path: str, agent_id: str | None
) -> tuple[tuple[Evidence, ...], str]:
    """The evidence for a finding and its explanation: a Let line per record, then a Then."""
    end = rule in END_RULES
    evidence: list[Evidence] = []
    lets = []
    # Records with no past (one created by the finding's own line) get no Let, nor a letter.
    known = [(k, past) for k in story.records if (past := _before(story, k, None if end else line))]
    for letter, (record, past) in zip("RSTUVW", known, strict=False):
        evidence += past
        steps = "; ".join(
            item.what if item.line is None
            else f"created at line {item.line}" if item.what == "created"
            else f"at line {item.line} {item.what}"
            for item in past
        )  # fmt: skip
        record_id, name, _ = record
        lets.append(f"Let {letter} be {capped(name or '?')} ({record_id[:8]}): {steps}.")
    gone_at, event = story.session_gone_at, story.event
    if gone_at is not None and rule in SESSION_RULES:
        gone = Evidence(path, gone_at, agent_id, "AgentSessionNotFound: its session is gone")
        evidence = sorted([*evidence, gone], key=lambda e: (e.agent_id != agent_id, e.line or 0))
        lets.append(f"Let line {gone_at} (AgentSessionNotFound) say its session is gone.")
    if end:
        then = f"Then it is {message}."
    elif line is None:
        then = f"Then {message}."
    else:
        then = f"Then line {line}" + (f" ({event})" if event else "") + f": {message}."
        evidence.append(Evidence(path, line, agent_id, event or rule))
    return tuple(evidence), "\n".join([*lets, then])
