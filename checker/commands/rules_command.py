"""``lifecheck rules``: the rule catalogue, or one rule's help with a minimal failing input."""

from __future__ import annotations

import sys
import textwrap

import click

from lifecheck.checker.commands.common import EXIT_UNREADABLE, json_bytes, say, write_output
from lifecheck.spec.catalogue import RULES, Rule, closest_rule
from lifecheck.spec.examples import EXAMPLES, LOG, Example

_EPILOG = """\b
Examples:
  lifecheck rules                    # every rule: id, severity, family, summary
  lifecheck rules --format json
  lifecheck rules stale-pid          # what it means, what to do, a log that gives it
"""

_WIDTH = 88


@click.command(epilog=_EPILOG)
@click.argument(
    "rule",
    required=False,
    shell_complete=lambda ctx, param, incomplete: [
        rule_id for rule_id in RULES if rule_id.startswith(incomplete)
    ],
)
@click.option(
    "--format",
    "output",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="An aligned table (or one rule's help), or JSON.",
)
def rules(rule: str | None, output: str) -> None:
    """List the rules a check reports, or explain RULE with a minimal input that fails it."""
    chosen = next((each for each in RULES.values() if each.id == rule), None)
    if rule is None:
        document: object = [_fields(each) for each in RULES.values()]
        text = _table()
    elif chosen is not None:
        example = EXAMPLES[chosen.id]
        document = _fields(chosen) | {"example": _example_fields(example)}
        text = _help(chosen, example)
    else:
        closest = closest_rule(rule)
        hint = f" (did you mean '{closest}'?)" if closest else " (see 'lifecheck rules')"
        say(f"unknown rule '{rule}'{hint}")
        sys.exit(EXIT_UNREADABLE)
    write_output(json_bytes(document) if output == "json" else text.encode(), None)


def _fields(rule: Rule) -> dict[str, str]:
    return {"id": rule.id, "severity": rule.severity, "family": rule.family,
            "summary": rule.summary, "help": rule.help, "action": rule.action}  # fmt: skip


def _example_fields(example: Example) -> dict[str, object]:
    return {"files": dict(example.files), "semantics": example.semantics,
            "also": list(example.also)}  # fmt: skip


def _table() -> str:
    """One aligned row per rule, in catalogue order, under a header."""
    rows = [("RULE", "SEVERITY", "FAMILY", "SUMMARY")]
    rows += [(r.id, r.severity, r.family, r.summary) for r in RULES.values()]
    width = [max(len(row[column]) for row in rows) for column in range(3)]
    return "".join(
        f"{a:<{width[0]}}  {b:<{width[1]}}  {c:<{width[2]}}  {summary}\n"
        for a, b, c, summary in rows
    )


def _help(rule: Rule, example: Example) -> str:
    """The rule's id, severity, family and summary, its help, what to do, and its example
    input."""
    semantics = f" --semantics {example.semantics}" if example.semantics else ""
    if example.is_store:
        intro = (f"A minimal failing store: a directory DIR holding these files; "
                 f"'lifecheck check{semantics} DIR' reports it.")  # fmt: skip
        shown = "".join(f"\n==> {name} <==\n{text}" for name, text in example.files.items())
    else:
        intro = (f"A minimal failing log: save these lines as {LOG}; "
                 f"'lifecheck check{semantics} {LOG}' reports it.")  # fmt: skip
        shown = "\n" + example.files[LOG]
    also = ", ".join(example.also)
    parts = [
        f"{rule.id} ({rule.severity}, {rule.family} rule): {rule.summary}",
        textwrap.fill(rule.help, _WIDTH),
        textwrap.fill(f"What to do: {rule.action}", _WIDTH),
        textwrap.fill(intro, _WIDTH) + shown.rstrip("\n"),
        *([textwrap.fill(f"Checking it also reports {also}, which no input giving {rule.id} "
                         "avoids.", _WIDTH)] if also else []),
    ]  # fmt: skip
    return "\n\n".join(parts) + "\n"
