"""What ``lifecheck check`` offers CI: where settings come from, the per-rule counts, the
quiet and exit-zero modes, the summary line on standard error when the report goes to a
file, and the JSON Lines report written as the findings are found."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

import click

from lifecheck.checker.check import InputReport
from lifecheck.checker.commands.common import open_output
from lifecheck.checker.reports.data import severities
from lifecheck.checker.reports.statistics import statistics_lines
from lifecheck.checker.reports.text import jsonl_line, summary
from lifecheck.checker.rules.findings import Finding

F = TypeVar("F", bound=Callable[..., object])

#: Formats written for people, line by line: --statistics follows them on their output.
_FOR_PEOPLE = ("text", "github")


def _found(reports: Sequence[InputReport]) -> bool:
    """Whether there is anything to say: a finding, or an input that could not be read."""
    return any(severities(r).total() or r.error is not None for r in reports)


def ci_options(command: F) -> F:
    """--statistics, -q/--quiet, --exit-zero, --config, --isolated and --show-settings."""
    options = [
        click.option("--statistics", is_flag=True,
                     help="Count the findings of each rule (errors first, then most "
                     "first), as the text report ends: after a github report, on standard "
                     "error after the other formats, and before the summary line with -q."),
        click.option("-q", "--quiet", is_flag=True,
                     help="Text report: only the summary line, and nothing when nothing is "
                     "found and every input was read (with -o, on standard error too)."),
        click.option("--exit-zero", is_flag=True,
                     help="Exit 0 even with findings (an unreadable input is still 2)."),
        click.option("--config", type=click.Path(dir_okay=False), metavar="FILE",
                     help="Take the settings from FILE ([tool.lifecheck] of a "
                     "pyproject.toml, the whole of any other TOML file)."),
        click.option("--isolated", is_flag=True, help="Read no config file."),
        click.option("--show-settings", is_flag=True,
                     help="Print every setting and where it comes from, then exit 0."),
    ]  # fmt: skip
    for option in reversed(options):
        command = option(command)
    return command


def streamed_jsonl(
    check: Callable[..., list[InputReport]], target: str | None
) -> list[InputReport]:
    """Run ``check`` (:func:`check_paths` with its inputs) writing each finding to ``target``
    as one JSON line, flushed, as soon as it is found."""
    with open_output(target) as out:

        def write(finding: Finding) -> None:
            out.write(jsonl_line(finding))
            out.flush()  # a reader sees it now, not at the end of a buffer

        return check(on_finding=write)


def after_report(
    reports: Sequence[InputReport], semantics: str, output: str, quiet: bool, statistics: bool
) -> Iterator[bytes]:
    """What follows a report on its output: with -q, the text report's summary line (when
    something was found or an input could not be read), after the statistics with
    --statistics; the statistics after a github report (the text report ends with them)."""
    if output == "text" and quiet and _found(reports):
        if statistics:
            yield from (line.encode() for line in statistics_lines(reports))
        yield (summary(reports, semantics) + "\n").encode()
    if statistics and output == "github":
        yield from (line.encode() for line in statistics_lines(reports))


def statistics_aside(reports: Sequence[InputReport], output: str) -> None:
    """The statistics of a report for tools, on standard error: its output stays valid."""
    if output not in _FOR_PEOPLE:
        click.echo("".join(statistics_lines(reports)), err=True, nl=False)


def summary_aside(
    reports: Sequence[InputReport], semantics: str, target: str | None, quiet: bool
) -> None:
    """With the report in a file (``-o``), its summary line on standard error, so that a CI
    log shows what was found; with -q, only when something was found or an input could not
    be read, as -q prints it."""
    if target is not None and (_found(reports) or not quiet):
        click.echo(summary(reports, semantics), err=True)
