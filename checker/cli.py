"""The ``lifecheck`` command line."""

from __future__ import annotations

import os
import sys
from importlib import metadata, resources
from pathlib import Path

import click

from checker.check import InputReport, check_path
from checker.replay import DEFAULT_SEMANTICS
from checker.report import render_text, to_json
from checker.rules import Severity
from spec import SEMANTICS

EXIT_OK, EXIT_FINDINGS, EXIT_UNREADABLE, EXIT_INTERNAL = 0, 1, 2, 3
EXAMPLE = "pr-2330-crash-loop.jsonl"

_CHECK_EPILOG = """\b
Examples:
  lifecheck check                                  # this machine's Midtown stores
  lifecheck check ~/.midtown/projects/app/events   # one event-store directory
  lifecheck check log-0000.jsonl --semantics 3d1b4c5d
  lifecheck check logs/*.jsonl --format json --fail-on error

\b
Exit codes: 0 no error or warning; 1 findings (--fail-on error ignores warnings);
2 an input cannot be read; 3 internal error.
"""


@click.group(
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog="Run 'lifecheck check --help' for examples.",
)
@click.version_option(metadata.version("lifecheck"), prog_name="lifecheck")
def cli() -> None:
    """Check Midtown agent event logs against the agent lifecycle spec."""


@cli.command(epilog=_CHECK_EPILOG)
@click.argument("paths", nargs=-1, metavar="[PATH]...")
@click.option(
    "--format",
    "output",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Report for people, or JSON for tools.",
)
@click.option(
    "--semantics",
    type=click.Choice(SEMANTICS),
    default=DEFAULT_SEMANTICS,
    show_default=True,
    help="Which Midtown version's projection to replay through.",
)
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning"]),
    default="warning",
    show_default=True,
    help="Lowest severity that makes the exit code 1.",
)
@click.option(
    "--color",
    type=click.Choice(["auto", "always", "never"]),
    default="auto",
    show_default=True,
    help="Colour the text report (auto: only on a terminal).",
)
def check(paths: tuple[str, ...], output: str, semantics: str, fail_on: str, color: str) -> None:
    """Replay logs or event-store directories and report every forbidden state.

    A PATH is a log file (log-NNNN.jsonl) or a Midtown event-store directory; several
    PATHs are checked independently. With no PATH, check the stores under
    ~/.midtown/projects/*/events, or the bundled example when there are none.
    """
    reports = [check_path(path, semantics) for path in paths or _default_inputs()]
    for report in reports:
        if report.error is not None:
            click.echo(f"lifecheck: {report.error}", err=True)
    code = _exit_code(reports, Severity(fail_on))
    try:
        if output == "json":
            sys.stdout.buffer.write(to_json(reports, semantics))
        else:
            colour = color == "always" or (
                color == "auto" and sys.stdout.isatty() and "NO_COLOR" not in os.environ
            )
            sys.stdout.write(render_text(reports, semantics, colour=colour))
        sys.stdout.flush()
    except BrokenPipeError:  # e.g. piped into `head`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    sys.exit(code)


def _default_inputs() -> list[str]:
    stores = sorted(str(p) for p in (Path.home() / ".midtown" / "projects").glob("*/events"))
    if stores:
        return stores
    example = str(resources.files("checker") / "examples" / EXAMPLE)
    click.echo(
        f"lifecheck: no Midtown stores under ~/.midtown/projects; checking the bundled "
        f"example {example}",
        err=True,
    )
    return [example]


def _exit_code(reports: list[InputReport], fail_on: Severity) -> int:
    if any(r.error is not None for r in reports):
        return EXIT_UNREADABLE
    failing = {Severity.ERROR} if fail_on is Severity.ERROR else {Severity.ERROR, Severity.WARNING}
    if any(f.severity in failing for r in reports for f in r.findings):
        return EXIT_FINDINGS
    return EXIT_OK


def main() -> None:
    """Entry point: run the CLI; any unexpected error is one line and exit code 3."""
    try:
        cli.main(prog_name="lifecheck")
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as error:  # the one place a bug becomes a line instead of a traceback
        click.echo(f"lifecheck: internal error: {type(error).__name__}: {error}", err=True)
        sys.exit(EXIT_INTERNAL)
