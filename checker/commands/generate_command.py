"""``lifecheck generate``: write a realistic Midtown log, with faults if asked."""

from __future__ import annotations

import click

from lifecheck.checker.commands.common import (
    json_bytes,
    output_file_option,
    refuse_same,
    semantics_option,
    write_output,
)


@click.command()
@click.option("--faults", is_flag=True, help="Inject faults, each breaking one rule.")
@click.option("--seed", type=int, default=0, show_default=True, help="Same seed, same log.")
@click.option(
    "--events", type=click.IntRange(min=1), default=1000, show_default=True, help="Lines to write."
)
@click.option("--agents", type=click.IntRange(min=1), help="Most agent records to create.")
@semantics_option
@output_file_option
@click.option(
    "--expect",
    type=click.Path(dir_okay=False),
    help="Write the findings a checker must give (JSON) here.",
)
def generate(faults: bool, seed: int, events: int, agents: int | None, semantics: str,
             target: str | None, expect: str | None) -> None:  # fmt: skip
    """Write a realistic Midtown log in the daemon's on-disk format.

    Without --faults the log breaks no rule of --semantics; with it, --expect lists each
    injected fault as {"line", "rule"}: exactly the findings lifecheck gives.
    """
    from lifecheck.testing import generate as generate_log  # only this command needs it

    refuse_same(expect, target, "the log written with -o")
    log = generate_log(seed, events=events, agents=agents, faults=faults, semantics=semantics)
    write_output(log.text(), target)
    if expect is not None:
        expected = {
            "semantics": semantics,
            "findings": [{"line": f.line, "rule": f.rule} for f in log.faults],
        }
        write_output(json_bytes(expected), expect)
