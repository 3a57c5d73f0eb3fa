"""Which agent ``--agent`` means, the same in every command: a full id, a name, or a unique
id prefix of at least :data:`PREFIX` characters (the reports' short ids are 8).

An exact id comes first, then an exact name, then a prefix. A prefix several ids start
with, or anything that names no agent, is an :class:`~.store.InputError` (exit 2) whose
one line lists the candidates.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from lifecheck.checker.reading.echo import NAMES, capped, more, quoted
from lifecheck.checker.reading.store import InputError

#: The fewest characters of an id that may stand for it.
PREFIX = 4


def resolve_agent(agent: str, ids: Mapping[str, str | None], names: Collection[str],
                  where: str) -> str:  # fmt: skip
    """The id or name ``agent`` means among ``ids`` (each with its record's name, if any) and
    ``names``; :class:`InputError` naming ``where`` when it means none, or several."""
    if agent in ids or agent in names:
        return agent
    prefixed = [i for i in ids if i.startswith(agent)]
    if len(agent) >= PREFIX:
        if len(prefixed) == 1:
            return prefixed[0]
        if prefixed:
            shown = more([_labelled(i, ids[i]) for i in prefixed[:NAMES]], len(prefixed))
            raise InputError(f"{where}: agent {quoted(agent)} is ambiguous: "
                             f"{len(prefixed)} ids start with it: {shown}")  # fmt: skip
    why = f"; an id prefix needs {PREFIX} characters or more" if prefixed else ""
    raise InputError(f"{where}: no agent with id, id prefix or name {quoted(agent)}{why} "
                     f"({_candidates(agent, ids, names)})")  # fmt: skip


def _labelled(agent_id: str, name: str | None) -> str:
    return capped(agent_id) + (f" ({capped(name)})" if name else "")


def _candidates(agent: str, ids: Mapping[str, str | None], names: Collection[str]) -> str:
    """The names and short ids most like ``agent``, or else the names there are."""
    import difflib  # only when an agent is not found

    known = sorted({*names, *(i[:8] for i in ids)})
    close = difflib.get_close_matches(agent, known, NAMES)
    if close:
        return f"did you mean {more([capped(c) for c in close], len(close))}?"
    everyone = sorted(names) or sorted(ids)
    if not everyone:
        return "it has no agent"
    return f"its agents: {more([capped(c) for c in everyone[:NAMES]], len(everyone))}"
