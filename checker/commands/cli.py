"""The ``lifecheck`` command line: the click group, its commands and the entry point."""

from __future__ import annotations

import errno
import signal
import sys
from types import FrameType

import click

from lifecheck.checker.commands.check_command import check
from lifecheck.checker.commands.common import EXIT_INTERNAL, EXIT_INTERRUPTED, say
from lifecheck.checker.commands.generate_command import generate
from lifecheck.checker.commands.investigate_commands import explain, minimize
from lifecheck.checker.commands.outputs import standard_output_failed
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


#: Write errors only: click's own help or usage text on a full standard output.
_NO_ROOM = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


class Interrupted(BaseException):
    """SIGINT or SIGTERM arrived: unwinding (pools terminate their workers, outputs drop
    their temporary files), then exit 130. Not an ``Exception``: nothing catches it on
    the way, and not a ``KeyboardInterrupt``, which click turns into "Aborted!"."""


def _interrupt(signum: int, frame: FrameType | None) -> None:
    for each in (signal.SIGINT, signal.SIGTERM):  # one is enough: unwind undisturbed
        signal.signal(each, signal.SIG_IGN)
    raise Interrupted


def main() -> None:
    """Entry point: run the CLI. Ctrl-C or SIGTERM is exit 130; any unexpected error is
    one line and exit code 3."""
    for signum in (signal.SIGINT, signal.SIGTERM):
        if signal.getsignal(signum) is not signal.SIG_IGN:  # as nohup or `cmd &` left it
            signal.signal(signum, _interrupt)
    try:
        cli.main(prog_name="lifecheck")
    except (Interrupted, KeyboardInterrupt):
        say("interrupted")
        sys.exit(EXIT_INTERRUPTED)
    except Exception as error:  # the one place a bug becomes a line instead of a traceback
        if isinstance(error, OSError) and error.errno in _NO_ROOM:
            failed = standard_output_failed(error)
            failed.show()
            sys.exit(failed.exit_code)
        say(f"internal error: {type(error).__name__}: {error}")
        sys.exit(EXIT_INTERNAL)
