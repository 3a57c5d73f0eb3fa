"""``check``'s options that pick what is reported: rules, severities and a baseline."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import NoReturn, TypeVar

import click

from lifecheck.checker.commands.common import EXIT_UNREADABLE, open_output, say
from lifecheck.checker.reading.store import reason
from lifecheck.checker.reports.data import InputReport
from lifecheck.checker.rules.policy import Policy, PolicyError

F = TypeVar("F", bound=Callable[..., object])

_OPTIONS = (
    click.option(
        "--select", multiple=True, metavar="RULES",
        help="Report only these rules: comma-separated ids or 'all' (the default); "
        "repeatable.",
    ),
    click.option(
        "--ignore", multiple=True, metavar="RULES",
        help="Do not report these rules (comma-separated ids or 'all'; repeatable). "
        "--ignore wins over --select.",
    ),
    click.option(
        "--severity", multiple=True, metavar="RULE=LEVEL",
        help="Report RULE at LEVEL (error, warning or info) instead of its own severity; "
        "repeatable. Counts and the exit code follow.",
    ),
    click.option(
        "--baseline", type=click.Path(dir_okay=False), metavar="FILE",
        help="Leave out the findings FILE records (see --write-baseline); the summary says "
        "how many it hid.",
    ),
    click.option(
        "--write-baseline", type=click.Path(dir_okay=False), metavar="FILE",
        help="Record today's findings (after --select/--ignore; --baseline is not applied) "
        "in FILE, report as usual, and exit 0 (2 if an input is unreadable).",
    ),
)  # fmt: skip


def policy_options(command: F) -> F:
    """Add --select, --ignore, --severity, --baseline and --write-baseline to ``command``."""
    for option in reversed(_OPTIONS):
        command = option(command)
    return command


def screen_options(command: F) -> F:
    """Add the options that pick what is reported (all but --write-baseline)."""
    for option in reversed(_OPTIONS[:-1]):
        command = option(command)
    return command


def chosen_policy(
    select: Sequence[str],
    ignore: Sequence[str],
    severity: Sequence[str],
    baseline: str | None,
) -> Policy:
    """The policy the options ask for, with the baseline file's fingerprints; a usage
    error, an unreadable or malformed baseline: one line, exit 2."""
    try:
        policy = Policy.of(select=select, ignore=ignore, severity=severity)
    except PolicyError as error:
        _fail(str(error))
    if baseline is None:
        return policy
    try:
        with open(baseline, "rb") as file:
            data = file.read()
    except OSError as error:
        _fail(f"cannot read the baseline {baseline}: {reason(error)}")
    from lifecheck.checker.reports.baseline import read_baseline  # only with a baseline

    try:
        fingerprints = read_baseline(data)
    except ValueError as error:
        _fail(f"{baseline}: {error}")
    return replace(policy, baseline=fingerprints)


def record_baseline(target: str, reports: Sequence[InputReport], semantics: str) -> None:
    """Write the baseline of ``reports`` to ``target``, and say how many findings it holds."""
    from lifecheck.checker.reports.baseline import baseline_chunks

    with open_output(target) as out:
        for chunk in baseline_chunks(reports, semantics):
            out.write(chunk)
    count = sum(len(report.findings) for report in reports)
    say(f"recorded {count} finding{'s' * (count != 1)} in the baseline {target}")


def _fail(message: str) -> NoReturn:
    say(message)
    sys.exit(EXIT_UNREADABLE)
