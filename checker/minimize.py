"""Shrinking a recorded log to a smallest one that still gives a finding (delta debugging).

The candidates are the log's own lines, in their order; a candidate keeps the finding when
its replay (on top of the same snapshot, if any) reports the rule, for the agent if one is
given. Zeller's ddmin removes ever smaller chunks, then single lines are dropped until
none can be: the result is 1-minimal (removing any one line loses the finding).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from lifecheck.checker.check import read_log
from lifecheck.checker.reading.agents import AgentIndex
from lifecheck.checker.replay.engine import Replay
from lifecheck.checker.rules.findings import Finding

Keeps = Callable[[Sequence[int]], bool]


@dataclass(frozen=True, slots=True)
class Target:
    """The finding to keep: its rule, and optionally the agent (an id or a name)."""

    rule: str
    agent: str | None = None

    def matches(self, finding: Finding) -> bool:
        """Whether ``finding`` is (one of) the finding(s) to keep."""
        return finding.rule == self.rule and (
            self.agent is None or self.agent in (finding.agent_id, finding.agent_name)
        )


def minimize(
    lines: Sequence[bytes],
    target: Target,
    semantics: str,
    snapshot: AgentIndex | None = None,
) -> list[int] | None:
    """The indices of a 1-minimal sublog of ``lines`` that still gives ``target``, or
    ``None`` when the whole log does not give it."""

    def found(kept: Sequence[int]) -> list[Finding]:
        replay = Replay(
            path="log",
            semantics=semantics,
            index=None if snapshot is None else snapshot.copy(),
            explain=False,  # a throwaway replay: only whether the finding is there matters
        )
        read_log(replay, [lines[i] for i in kept])
        return [f for f in replay.finish() if target.matches(f)]

    def keeps(kept: Sequence[int]) -> bool:
        return bool(found(kept))

    everything = [i for i, line in enumerate(lines) if line.strip()]
    first = found(everything)
    if not first:
        return None
    # Lines after the first such finding rarely matter: try without them first (on a big
    # log this saves most of the work), and fall back to the whole log if they do.
    last = first[0].line
    if last is not None and keeps(head := [i for i in everything if i <= everything[last - 1]]):
        everything = head
    return one_minimal(ddmin(everything, keeps), keeps)


def ddmin(items: list[int], keeps: Keeps) -> list[int]:
    """Zeller and Hildebrandt's ddmin: try chunks and their complements, refining."""
    parts = 2
    while len(items) >= 2:
        size = -(-len(items) // parts)  # ceiling division
        chunks = [items[i : i + size] for i in range(0, len(items), size)]
        for chunk in chunks:
            if keeps(chunk):
                items, parts = chunk, 2
                break
        else:
            for index in range(len(chunks)):
                rest = [i for j, c in enumerate(chunks) if j != index for i in c]
                if keeps(rest):
                    items, parts = rest, max(parts - 1, 2)
                    break
            else:
                if parts >= len(items):
                    break
                parts = min(len(items), 2 * parts)
    return items


def one_minimal(items: list[int], keeps: Keeps) -> list[int]:
    """Drop single items while the property holds, until none can go."""
    changed = True
    while changed:
        changed = False
        for item in list(items):
            rest = [i for i in items if i != item]
            if keeps(rest):
                items, changed = rest, True
    return items
