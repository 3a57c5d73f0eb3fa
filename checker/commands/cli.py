"""The ``lifecheck`` command line: the click group, its commands and the entry point."""

from __future__ import annotations

import errno
import signal
import sys
from importlib import import_module
from types import FrameType

import click

#: Each command, the module that defines it and what it does, in a line for the group's
#: help: a module is imported only when its command runs, so that `lifecheck --version`,
#: `lifecheck --help` and `lifecheck check` start fast.
_COMMANDS = {
    "check": ("check_command", "Replay logs or stores and report every forbidden state."),
    "coverage": ("spec_commands", "Count the legal transitions logs take, and forbidden ones hit."),
    "diagram": ("spec_commands", "Draw the lifecycle spec, or a log's way through it."),
    "explain": ("investigate_commands", "Show one agent's timeline and its findings."),
    "generate": ("generate_command", "Write a realistic Midtown log, with faults if asked."),
    "lint": ("spec_commands", "Run the spec's self-checks and print its facts."),
    "minimize": ("investigate_commands", "Shrink a log to a smallest one that gives a finding."),
    "rules": ("rules_command", "List the rules, or show one with a log that breaks it."),
    "watch": ("watch_command", "Follow live logs and report each finding as its line lands."),
}


class _LazyGroup(click.Group):
    """A group whose commands are imported when looked up."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(_COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in _COMMANDS:
            return None
        module = import_module(f"lifecheck.checker.commands.{_COMMANDS[cmd_name][0]}")
        command: click.Command = getattr(module, cmd_name)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """Each command with its whole line, never cut short, and none imported."""
        with formatter.section("Commands"):
            formatter.write_dl([(name, _COMMANDS[name][1]) for name in self.list_commands(ctx)])


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
  lifecheck watch                              # follow the live stores, report as found
  lifecheck rules stale-pid                    # what a rule means and what to do

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
