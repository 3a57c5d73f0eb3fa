"""How commands take their inputs: paths (``-`` for standard input) and ``--agent``."""

from __future__ import annotations

import os
from collections.abc import Iterable
from contextlib import suppress
from pathlib import Path

import click

from lifecheck.checker.reading.agent_ref import PREFIX
from lifecheck.checker.reading.inputs import DASH, find_inputs
from lifecheck.checker.reading.stdin import STDIN, stdin_descriptor

#: What ``--agent`` takes, in every command that has it.
AGENT_HELP = (
    f"An agent id, a unique id prefix ({PREFIX} characters or more, e.g. the 8 the reports "
    "show), or a name."
)


def one_input(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A click callback: the one input a parameter names, ``-`` for standard input."""
    return STDIN if value == DASH else value


#: The one input of ``explain`` and ``minimize``: a log, a store, or ``-``.
input_argument = click.argument("path", callback=one_input)


def inputs_of(paths: Iterable[str]) -> list[str]:
    """The inputs ``paths`` name (:func:`.reading.inputs.find_inputs`); a usage error if
    standard input is named twice (it can be read once). Standard input is read now, so
    that workers forked later hold it too."""
    paths = list(paths)
    if paths.count(DASH) > 1:
        raise click.UsageError("standard input (-) can be read once: give - once")
    if DASH in paths:
        with suppress(OSError):  # its check says why
            stdin_descriptor()
    return find_inputs(paths)


def midtown_stores() -> list[str]:
    """The store of each Midtown project on this machine (its ``events`` entry, even a
    broken link: then reported, not passed over), in sorted order."""
    projects = Path.home() / ".midtown" / "projects"
    try:
        entries = list(projects.iterdir())
    except OSError:  # no Midtown here (yet), or a folder that cannot be listed
        return []
    return sorted(str(p / "events") for p in entries if os.path.lexists(p / "events"))
