"""``lifecheck watch``: follow live logs and report each finding as its line is written."""

from __future__ import annotations

import sys
from collections import Counter

import click

from lifecheck.checker.commands.cli import Interrupted
from lifecheck.checker.commands.common import (
    EXIT_FINDINGS,
    color_option,
    say,
    semantics_option,
    wants_colour,
)
from lifecheck.checker.commands.input_options import midtown_stores
from lifecheck.checker.commands.policy_options import chosen_policy, screen_options
from lifecheck.checker.reports.text import jsonl_line, render_finding
from lifecheck.checker.rules.findings import Finding
from lifecheck.checker.rules.policy import Screen
from lifecheck.checker.watch.live import Live
from lifecheck.checker.watch.wake import Waker
from lifecheck.spec.catalogue import Severity

_EPILOG = """\b
Examples:
  lifecheck watch                                  # this machine's Midtown stores
  lifecheck watch ~/.midtown/projects/app/events --new-only
  lifecheck watch STORE --format jsonl | jq .rule
  lifecheck watch STORE --new-only --fail-on error   # exit 1 at the first new error

\b
Findings go to standard output, one line each; what happens to the inputs (a restart
rewrote the log, the daemon switched logs, a store is gone) goes to standard error.
Exit codes: 1 at the first finding of --fail-on's severity; 130 on Ctrl-C or SIGTERM,
after the end-of-replay findings of what was replayed and a summary.
"""


@click.command(epilog=_EPILOG)
@click.argument("paths", nargs=-1, metavar="[PATH]...")
@click.option(
    "--format",
    "output",
    type=click.Choice(["text", "jsonl"]),
    default="text",
    show_default=True,
    help="One line per finding as 'check' prints it, or one JSON object per line as the "
    "JSON report's findings.",
)
@click.option(
    "--new-only",
    is_flag=True,
    help="Do not print the findings of what is already written, only how many there are.",
)
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning"]),
    default=None,
    help="Exit 1 at the first finding printed of this severity or worse (default: never).",
)
@color_option("the findings")
@click.option(
    "--poll",
    is_flag=True,
    help="Look at the files four times a second instead of asking the system to notify "
    "changes (for network file systems).",
)
@semantics_option
@screen_options
def watch(
    paths: tuple[str, ...],
    output: str,
    new_only: bool,
    fail_on: str | None,
    color: str,
    poll: bool,
    semantics: str,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    severity: tuple[str, ...],
    baseline: str | None,
) -> None:
    """Follow logs or event-store directories and report each finding as it is written.

    Replays what is there, prints the findings so far (with --new-only, only how many),
    then reports every new finding as the daemon writes its line. A PATH is a log file or
    a Midtown event-store directory; with no PATH, the stores under
    ~/.midtown/projects/*/events, including those created meanwhile.
    """
    printer = _Printer(output, wants_colour(color), None if fail_on is None else Severity(fail_on))
    policy = chosen_policy(select, ignore, severity, baseline)
    emit = printer if policy.is_default else Screen(policy, printer)
    lives: dict[str, Live] = {}

    def add(path: str) -> Live:
        live = lives[path] = Live(path, semantics, emit=emit, note=say,
                                  explain=output == "jsonl")  # fmt: skip
        return live

    for path in paths or midtown_stores():
        add(path)
    if not lives:
        say("no Midtown stores under ~/.midtown/projects yet; waiting for one")
    waker = Waker(polling=poll, fallback=say)
    try:
        printer.shown = not new_only
        for live in lives.values():
            live.poll()
            _following(live, printer.counts.total() if new_only else None)
            printer.counts.clear()
        printer.shown = True
        while True:
            waker.wait(live.folder for live in lives.values() if live.folder)
            for path in [] if paths else midtown_stores():
                if path not in lives:
                    say(f"{path}: a new store; following it")
                    add(path)
            for live in lives.values():
                live.poll()
    except (Interrupted, KeyboardInterrupt):
        printer.shown = True
        for live in lives.values():
            live.finish()
        printer.summary(len(lives), semantics)
        raise Interrupted from None  # not KeyboardInterrupt, which click calls "Aborted!"
    except _Failed:
        sys.exit(EXIT_FINDINGS)
    finally:
        waker.close()


def _following(live: Live, found: int | None) -> None:
    """Say what was replayed of ``live`` and what is followed; ``found``: the findings not
    shown (--new-only)."""
    if live.gone is not None:
        return
    events = f"{live.events} event{'s' * (live.events != 1)}"
    agents = f"{live.agents} agent{'s' * (live.agents != 1)}"
    so_far = "" if found is None else f", {found} finding{'s' * (found != 1)} so far (not shown)"
    log = "no log yet" if live.log is None else f"following {live.log}"
    say(f"{live.path}: {events}, {agents} replayed{so_far}; {log}")


class _Failed(Exception):
    """A finding of --fail-on's severity was printed."""


class _Printer:
    """Prints each finding as it comes (when :attr:`shown`) and counts them by severity."""

    def __init__(self, output: str, colour: bool, fail_on: Severity | None) -> None:
        self._jsonl = output == "jsonl"
        self._colour = colour
        self._failing = {
            None: set(), Severity.ERROR: {Severity.ERROR},
            Severity.WARNING: {Severity.ERROR, Severity.WARNING},
        }[fail_on]  # fmt: skip
        self.shown = True
        self.counts: Counter[Severity] = Counter()
        self.reported: Counter[Severity] = Counter()

    def __call__(self, finding: Finding) -> None:
        self.counts[finding.severity] += 1
        if not self.shown:
            return
        self.reported[finding.severity] += 1
        if self._jsonl:
            sys.stdout.buffer.write(jsonl_line(finding))
        else:
            sys.stdout.write(render_finding(finding, colour=self._colour) + "\n")
        sys.stdout.flush()
        if finding.severity in self._failing:
            raise _Failed

    def summary(self, inputs: int, semantics: str) -> None:
        """The findings printed, by severity: on standard output after text findings, on
        standard error after JSON Lines."""
        counts = ", ".join(
            f"{self.reported[s]} {s.value}{'s' * (self.reported[s] != 1 and s.value != 'info')}"
            for s in Severity
        )
        line = f"{counts} reported while watching {inputs} input{'s' * (inputs != 1)} " \
               f"(semantics {semantics})"  # fmt: skip
        if self._jsonl:
            say(line)
        else:
            sys.stdout.write(line + "\n")
            sys.stdout.flush()
