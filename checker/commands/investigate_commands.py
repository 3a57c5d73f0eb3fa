"""Commands about one log: ``explain`` tells one agent's story, ``minimize`` shrinks the log
to a smallest one that still gives a finding."""

from __future__ import annotations

import sys

import click

from lifecheck.checker.check import agent_in, agent_timeline
from lifecheck.checker.commands.common import (
    EXIT_FINDINGS,
    exit_if_unreadable,
    open_output,
    output_file_option,
    refuse_inputs,
    say,
    semantics_option,
    write_output,
)
from lifecheck.checker.commands.input_options import AGENT_HELP, input_argument
from lifecheck.checker.commands.speed import tuned_for_reading
from lifecheck.checker.reading.opened import open_input
from lifecheck.checker.reading.store import InputError, locate, read_snapshot
from lifecheck.checker.reports.printable import printable
from lifecheck.spec.catalogue import RULES


@click.command(
    epilog="""\b
Examples:
  lifecheck explain log-0000.jsonl --agent btucker-reviewer
  lifecheck explain STORE --agent 7e0aa489 --semantics 3d1b4c5d
  cat log-0000.jsonl | lifecheck explain - --agent btucker-reviewer
"""
)
@input_argument
@click.option("--agent", required=True, help=AGENT_HELP + " A name: all its records.")
@semantics_option
def explain(path: str, agent: str, semantics: str) -> None:
    """One agent's timeline: every line that touched it, its spec state before and after,
    the record fields that changed, and the findings about it inline. PATH is a log, a
    store, or - for standard input.

    Exit 2 if the input cannot be read or the agent is unknown or ambiguous, else 0.
    """
    from lifecheck.checker.reports.timeline import render_timeline

    with exit_if_unreadable(), tuned_for_reading():
        timeline = agent_timeline(locate(path), agent, semantics)
    write_output(render_timeline(timeline).encode(), None)


@click.command(
    epilog="""\b
Examples:
  lifecheck minimize log-0000.jsonl --rule stale-pid
  lifecheck minimize STORE --rule resume-loop --agent btucker-reviewer -o repro.jsonl
  lifecheck minimize log-0000.jsonl --rule stale-pid --agent 7e0aa489
"""
)
@input_argument
@click.option("--rule", required=True, type=click.Choice(list(RULES)), help="The finding to keep.")
@click.option("--agent", help="Keep the finding for this agent. " + AGENT_HELP)
@semantics_option
@output_file_option
def minimize(path: str, rule: str, agent: str | None, semantics: str, target: str | None) -> None:
    """Shrink a log to a smallest one that still gives a finding (delta debugging), and
    no error or warning the log does not give (by rule and agent, at any line).

    Keeps the log's own lines in their order (and a store's snapshot as the starting
    state), prints them with their original line numbers, and with -o writes them as a
    log. PATH is a log, a store, or - for standard input. Exit 1 if the log does not give
    that finding, 2 if it cannot be read or the agent is unknown or ambiguous.
    """
    from lifecheck.checker.minimize import Target
    from lifecheck.checker.minimize import minimize as shrink

    refuse_inputs([target], [path])
    with exit_if_unreadable():
        source = locate(path)
        if source.log is None:
            raise InputError(f"{path}: the store has no log to shrink")
        with open_input(source.log) as log:  # its bytes when opened, as every reader does
            lines = log.range().read(log.size).split(b"\n")
        snapshot = read_snapshot(source.snapshot) if source.snapshot else None
        if agent is not None:
            agent = agent_in(source, agent, semantics)
    wanted = Target(rule, agent)
    kept = shrink(lines, wanted, semantics, snapshot)
    about = f"{rule}" + (f" for {agent}" if agent else "")
    if kept is None:
        say(f"{source.log} gives no {about} finding ({semantics})")
        sys.exit(EXIT_FINDINGS)
    click.echo(f"{len(kept)} of {sum(1 for line in lines if line.strip())} lines of "
               f"{printable(source.log)} still give {about} ({semantics}):", err=True)  # fmt: skip
    width = len(str(kept[-1] + 1)) if kept else 0  # none: the snapshot alone gives it
    with open_output(None) as shown:  # a closed pipe (`| head -1`) is not a failure
        for index in kept:
            shown.write(b"%*d  %s\n" % (width, index + 1, lines[index]))
    if target is not None:
        write_output(b"".join(lines[index] + b"\n" for index in kept), target)
