"""The ``lifecheck`` command line: the click group, its commands and the entry point."""

from __future__ import annotations

import errno
import signal
import sys
from importlib import import_module
from types import FrameType

import click

#: Each command and the module that defines it: imported only when that command runs (or
#: help lists it), so that `lifecheck --version` and `lifecheck check` start fast.
_COMMANDS = {
    "check": "check_command",
    "diagram": "spec_commands",
    "coverage": "spec_commands",
    "lint": "spec_commands",
    "explain": "investigate_commands",
    "minimize": "investigate_commands",
    "generate": "generate_command",
    "watch": "watch_command",
}


class _LazyGroup(click.Group):
    """A group whose commands are imported when looked up."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(_COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in _COMMANDS:
            return None
        module = import_module(f"lifecheck.checker.commands.{_COMMANDS[cmd_name]}")
        command: click.Command = getattr(module, cmd_name)
        return command


@click.group(
    cls=_LazyGroup,
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
        from lifecheck.checker.commands.common import EXIT_INTERRUPTED, say

        say("interrupted")
        sys.exit(EXIT_INTERRUPTED)
    except Exception as error:  # the one place a bug becomes a line instead of a traceback
        from lifecheck.checker.commands.common import EXIT_INTERNAL, say
        from lifecheck.checker.commands.outputs import standard_output_failed

        if isinstance(error, OSError) and error.errno in _NO_ROOM:
            failed = standard_output_failed(error)
            failed.show()
            sys.exit(failed.exit_code)
        say(f"internal error: {type(error).__name__}: {error}")
        sys.exit(EXIT_INTERNAL)
