"""``lifecheck generate``: write a realistic Midtown log, with faults if asked."""

from __future__ import annotations

import os
import sys
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import click

from lifecheck.checker.commands.common import (
    open_output,
    output_file_option,
    refuse_same,
    semantics_option,
)
from lifecheck.checker.commands.progress import Progress, stderr_bar
from lifecheck.checker.reports.jsonstream import streamed

#: lifecheck.testing.mixes.MIXES, named here so that starting the CLI does not import it.
MIXES = ("messages", "agents", "no-restarts")
#: Seconds of generating before the bar appears (on a terminal only), and lines between
#: two updates of it.
PROGRESS_AFTER, SHOWN_EVERY = 2.0, 16384


@click.command()
@click.option("--faults", is_flag=True, help="Inject faults, each breaking one rule.")
@click.option("--seed", type=int, default=0, show_default=True, help="Same seed, same log.")
@click.option(
    "--events", type=click.IntRange(min=1), default=1000, show_default=True, help="Lines to write."
)
@click.option("--agents", type=click.IntRange(min=1), help="Most agent records to create.")
@click.option(
    "--mix", type=click.Choice(MIXES), default="messages", show_default=True,
    help="messages: mostly messages, as real logs are; agents: mostly agent events, about "
    "one new agent in ten lines, with daemon restarts; no-restarts: that day repeated by a "
    "daemon never restarted, whose records leak (its log breaks rules).",
)  # fmt: skip
@semantics_option
@output_file_option
@click.option(
    "--expect",
    type=click.Path(dir_okay=False),
    help="Write the findings a checker must give here, as check's JSON report: "
    '{"semantics": ..., "findings": [{"line", "rule"}, ...]}.',
)
def generate(faults: bool, seed: int, events: int, agents: int | None, mix: str, semantics: str,
             target: str | None, expect: str | None) -> None:  # fmt: skip
    """Write a realistic Midtown log in the daemon's on-disk format, line by line.

    Without --faults the log breaks no rule of --semantics (but with --mix no-restarts);
    with it, --expect lists each injected fault as {"line", "rule"} in the "findings" of a
    JSON object: exactly the findings lifecheck gives.
    """
    if faults and mix == "no-restarts":
        raise click.UsageError("--faults needs a log that breaks no rule of its own, not "
                               "--mix no-restarts")  # fmt: skip
    from lifecheck.testing import stream  # only this command needs it

    refuse_same(expect, target, "the log written with -o")
    log = stream(seed, events=events, agents=agents, faults=faults, semantics=semantics, mix=mix)
    with open_output(target) as out, _progress(events) as progress:

        def faults_found() -> Iterator[dict[str, object]]:
            """Write the log a chunk at a time; yield the faults of each chunk."""
            written = shown = 0
            for lines, found in log:
                out.write(b"\n".join(lines) + b"\n")
                yield from ({"line": fault.line, "rule": fault.rule} for fault in found)
                written += len(lines)
                if written - shown >= SHOWN_EVERY:
                    shown = written
                    progress(written)

        if expect is None:
            deque(faults_found(), maxlen=0)
            return
        with open_output(expect) as expected:  # written fault by fault, like the log
            document = {"semantics": semantics, "findings": []}
            for chunk in streamed(document, "findings", faults_found()):
                expected.write(chunk)


@contextmanager
def _progress(events: int) -> Iterator[Callable[[int], None]]:
    """A bar on stderr for lines written, for someone watching a terminal (not in CI)."""
    if not sys.stderr.isatty() or os.environ.get("CI"):
        yield lambda done: None
        return
    with Progress(events, stderr_bar("generating"), after=PROGRESS_AFTER) as bar:
        yield bar
