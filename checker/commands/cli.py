"""The ``lifecheck`` command line: the click group, its commands and the entry point."""

from __future__ import annotations

import sys

import click

from lifecheck.checker.commands.check_command import check
from lifecheck.checker.commands.common import EXIT_INTERNAL
from lifecheck.checker.commands.generate_command import generate
from lifecheck.checker.commands.investigate_commands import explain, minimize
from lifecheck.checker.commands.spec_commands import coverage, diagram, lint


@click.group(
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog="""\b
Examples:
  lifecheck check                              # this machine's Midtown stores
  lifecheck check log-0000.jsonl --format json
  lifecheck diagram --trace log-0000.jsonl --format svg -o trace.svg
  lifecheck coverage log-0000.jsonl
  lifecheck generate --faults --seed 7 -o log.jsonl --expect expected.json

Run 'lifecheck COMMAND --help' for each command's options and examples.""",
)
@click.version_option(package_name="lifecheck", prog_name="lifecheck")
def cli() -> None:
    """Check Midtown agent event logs against the agent lifecycle spec."""


cli.add_command(check)
cli.add_command(diagram)
cli.add_command(coverage)
cli.add_command(lint)
cli.add_command(explain)
cli.add_command(minimize)
cli.add_command(generate)


def main() -> None:
    """Entry point: run the CLI; any unexpected error is one line and exit code 3."""
    try:
        cli.main(prog_name="lifecheck")
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as error:  # the one place a bug becomes a line instead of a traceback
        click.echo(f"lifecheck: internal error: {type(error).__name__}: {error}", err=True)
        sys.exit(EXIT_INTERNAL)
