"""The daemon's agent index as its snapshot holds it: records by id, routing maps, running.

Plain data, read from a snapshot (:mod:`.store`) and changed by the projection models
(:mod:`lifecheck.checker.replay.projection`). Timestamps are not needed, so ``stopped_at``
is kept only as set or not.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace


@dataclass(slots=True, kw_only=True)
class AgentRecord:
    """What the daemon's ``Agent`` record holds that matters to the lifecycle."""

    id: str
    name: str
    kind: str
    agent_type: str
    provider: str
    channel: str | None = None
    task_id: str | None = None
    bound_thread_id: str | None = None
    session_id: str | None = None
    pid: int | None = None
    stopped_at: bool = False
    gc: bool = False


#: A channel's list of agent ids (the daemon's ``Vec<String>``) as an ordered multiset: id
#: -> how many times it is listed, in the order first listed. Removing an id (the daemon's
#: ``retain``, which removes every copy) is then O(1) however long the list is.
Listed = dict[str, int]


def multiset(ids: Iterable[str]) -> Listed:
    """The multiset of a channel's list as the daemon stores it."""
    return dict(Counter(ids))


@dataclass(slots=True)
class AgentIndex:
    """The daemon's ``AgentIndex``: records by id, routing maps, and the running set."""

    by_id: dict[str, AgentRecord] = field(default_factory=dict)
    by_name: dict[str, str] = field(default_factory=dict)
    by_task: dict[str, str] = field(default_factory=dict)
    by_channel: dict[str, Listed] = field(default_factory=dict)
    by_thread: dict[str, str] = field(default_factory=dict)
    running: set[str] = field(default_factory=set)

    def copy(self) -> AgentIndex:
        """A deep copy, for callers that want the step to be functional."""
        return AgentIndex(
            by_id={i: replace(r) for i, r in self.by_id.items()},
            by_name=dict(self.by_name),
            by_task=dict(self.by_task),
            by_channel={c: dict(ids) for c, ids in self.by_channel.items()},
            by_thread=dict(self.by_thread),
            running=set(self.running),
        )
