"""Transition rules: the event is forbidden in the record's state by the spec's table."""

from __future__ import annotations

from lifecheck.checker.reading import events as ev
from lifecheck.checker.reading.agents import AgentRecord
from lifecheck.checker.rules.messages import Context, transition_message
from lifecheck.checker.rules.reporting import Report
from lifecheck.spec.tables import Outcome


def report_forbidden(
    report: Report,
    line: int,
    record: AgentRecord,
    event: ev.Event,
    before: str,
    outcome: Outcome,
    *,
    name: str | None = None,
    collected_line: int | None = None,
    stopped_line: int | None = None,
) -> None:
    """Report the rules of a forbidden (state, event) pair; ``name`` overrides the record's
    (a duplicate ``AgentCreated`` names the new record)."""
    context = Context(
        event=type(event).__name__,
        record=record,
        collected_line=collected_line,
        stopped_line=stopped_line,
    )
    for rule in outcome.rules:
        report(rule, line, record.id, name or record.name, transition_message(rule, context),
               before=before, after=outcome.target)  # fmt: skip
