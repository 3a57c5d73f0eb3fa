"""The mixes of daemon moves a generated log can be made of (``lifecheck generate --mix``)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Mix:
    """How often the daemon makes each move, and what it does wrong.

    ``weights`` gives each move's weight (a move that cannot be made now is replaced by a
    message); the fleet holds at most ``crowd`` records at once. With ``leaks`` the daemon
    is never restarted: some agents die unnoticed and their records stay running, lost
    sessions leave records in limbo, and their pids, names and channels are handed out
    again (the log breaks rules, as such a daemon's does).
    """

    name: str
    weights: tuple[tuple[str, int], ...]
    crowd: int
    leaks: bool = False
    #: Each move as many times as its weight: a pick among them is a weighted choice.
    roster: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        roster = tuple(move for move, weight in self.weights for _ in range(weight))
        object.__setattr__(self, "roster", roster)


_DAEMON = (("spawn", 16), ("stop", 16), ("report", 32), ("resume", 16), ("restart", 1),
           ("collect", 16), ("session-not-found", 16), ("rename", 2))  # fmt: skip
#: The daemon's moves with as many messages as any other: the strategies' model.
MODEL = Mix("model", weights=(*_DAEMON, ("message", 16)), crowd=64)
#: The default: four lines in five are messages, as in real logs.
MESSAGES = Mix("messages", weights=(*_DAEMON, ("message", 460)), crowd=64)

#: A busy day: most lines are agent events, about one new agent in ten lines, and daemon
#: restarts (the reconcile's stops, then the resumes) every few thousand lines.
AGENTS = Mix(
    "agents",
    weights=(("spawn", 480), ("stop", 480), ("report", 192), ("resume", 160), ("restart", 1),
             ("collect", 480), ("session-not-found", 64), ("rename", 1), ("spawn-failed", 32),
             ("stop-failed", 32), ("message", 224)),
    crowd=160,
)  # fmt: skip

#: The busy day repeated without a restart: agents crash unnoticed, records pile up.
NO_RESTARTS = Mix(
    "no-restarts",
    weights=(*((move, weight) for move, weight in AGENTS.weights
               if move not in ("restart", "session-not-found")),
             ("session-not-found", 16), ("crash", 48)),
    crowd=AGENTS.crowd,
    leaks=True,
)  # fmt: skip

MIXES = {mix.name: mix for mix in (MESSAGES, AGENTS, NO_RESTARTS)}
