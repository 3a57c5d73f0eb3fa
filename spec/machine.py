"""The spec as a ``transitions`` state machine: the executable reference for the tables."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from transitions import EventData, Machine

from lifecheck.spec.model import Conjunction, Spec, satisfied


class Record:
    """The machine's model: one record's state and the rules its transitions reported."""

    state: str
    trigger: Callable[..., bool]  # added by the Machine: trigger(event, facts={...})

    def __init__(self) -> None:
        self.reported: list[str] = []


def build_machine(spec: Spec, semantics: str, initial: str | None = None) -> Record:
    """A :class:`Record` driven by a ``transitions.Machine`` built from ``spec``'s table.

    Fire events with ``record.trigger(event, facts={...})``; the facts feed the guards.
    """
    record = Record()
    Machine(
        model=record,
        states=[state.name for state in spec.states],
        initial=initial or spec.initial,
        transitions=[
            {
                "trigger": t.event,
                "source": t.source,
                "dest": t.target,
                "conditions": [_guard(t.guard)],
                "after": [_report(t.rules)],
            }
            for t in spec.transitions_for(semantics)
        ],
        send_event=True,
        auto_transitions=False,
    )
    return record


def _guard(conjunction: Conjunction) -> Callable[[EventData], bool]:
    def guard(event: EventData) -> bool:
        return satisfied(conjunction, event.kwargs["facts"])

    return guard


def _report(rules: tuple[str, ...]) -> Callable[[EventData], Any]:
    def report(event: EventData) -> None:
        assert isinstance(event.model, Record)
        event.model.reported.extend(rules)

    return report
