"""A record's spec state, and the spec's transition table compiled for the hot loop."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from functools import cache
from typing import Any

from lifecheck.checker.reading import events as ev
from lifecheck.checker.reading.agents import AgentRecord
from lifecheck.spec import LIFECYCLE
from lifecheck.spec.catalogue import RuleId
from lifecheck.spec.tables import Entry, compile_table

_FACT_KEYS = ("collected", "running", "has_session", "has_pid", "stopped_at")


def _state_lookup() -> dict[tuple[bool, ...], str]:
    """The spec state for each combination of the record facts a state depends on."""
    return {
        values: LIFECYCLE.classify(
            dict(zip(_FACT_KEYS, values, strict=True)) | {"is_lead": False}
        ).name
        for values in itertools.product((False, True), repeat=len(_FACT_KEYS))
    }


#: The spec state for (collected, running, has_session, has_pid, stopped_at).
STATE_OF = _state_lookup()

#: The rule of each forbidden state (``None`` for a legal one).
STATE_RULE: dict[str, RuleId | None] = {state.name: state.rule for state in LIFECYCLE.states}


FactOf = Callable[[AgentRecord, Any, set[str]], bool]
#: How to read each guard fact off a record and an event.
FACTS: dict[str, FactOf] = {
    "collected": lambda record, event, running: record.gc,
    "running": lambda record, event, running: record.id in running,
    "has_session": lambda record, event, running: record.session_id is not None,
    "has_pid": lambda record, event, running: record.pid is not None,
    "stopped_at": lambda record, event, running: record.stopped_at,
    "is_lead": lambda record, event, running: record.kind == "Lead",
    "event_has_session": lambda record, event, running: event.session_id is not None,
}


@cache
def entries(semantics: str) -> dict[type[ev.Event], dict[str, Entry]]:
    """The spec compiled for ``semantics``, keyed for the hot loop (event type, then state),
    once per process."""
    compiled = compile_table(LIFECYCLE, semantics)
    return {
        ev.EVENT_TYPES[name]: {state: row[name] for state, row in compiled.items()}
        for name in LIFECYCLE.events
    }
