"""What the commands share: exit codes, the --semantics and -o options, and output."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import click
import msgspec

from lifecheck.checker.commands.outputs import (
    Output,
    OutputError,
    cannot_write,
    open_output,
    refuse_inputs,
    refuse_same,
)
from lifecheck.checker.reading.store import InputError, reason
from lifecheck.checker.replay.engine import DEFAULT_SEMANTICS
from lifecheck.checker.reports.printable import printable
from lifecheck.spec import SEMANTICS

EXIT_OK, EXIT_FINDINGS, EXIT_UNREADABLE, EXIT_INTERNAL = 0, 1, 2, 3
EXIT_INTERRUPTED = 130

F = TypeVar("F", bound=Callable[..., object])

output_file_option = click.option(
    "-o",
    "--output-file",
    "target",
    type=click.Path(dir_okay=False),
    help="Write here instead of standard output.",
)
semantics_option = click.option(
    "--semantics", type=click.Choice(SEMANTICS), default=DEFAULT_SEMANTICS, show_default=True,
    help="Which Midtown version's projection to draw or replay.",
)  # fmt: skip


def color_option(what: str) -> Callable[[F], F]:
    """``--color auto|always|never`` for a command that colours ``what``."""
    return click.option(
        "--color", type=click.Choice(["auto", "always", "never"]), default="auto",
        show_default=True, help=f"Colour {what} (auto: only on a terminal).",
    )  # fmt: skip


def wants_colour(color: str, *, to_stdout: bool = True) -> bool:
    """Whether ``--color`` asks for colours: always, or (auto) on a terminal without
    ``NO_COLOR`` set, when the output goes ``to_stdout``."""
    return color == "always" or (
        color == "auto" and to_stdout and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    )


@contextmanager
def exit_if_unreadable() -> Iterator[None]:
    """An input that cannot be read: one line on stderr, exit 2."""
    try:
        yield
    except InputError as error:
        say(str(error))
        sys.exit(EXIT_UNREADABLE)
    except OSError as error:
        say(f"{error.filename}: {reason(error)}")
        sys.exit(EXIT_UNREADABLE)


def say(message: str) -> None:
    """``lifecheck: MESSAGE`` as one printable line on standard error."""
    click.echo(f"lifecheck: {printable(message)}", err=True)


def write_output(data: bytes, target: str | None) -> None:
    """Write ``data`` to ``target`` (standard output when ``None``); see :func:`open_output`."""
    with open_output(target) as output:
        output.write(data)


def json_bytes(document: object) -> bytes:
    """Indented JSON with a final newline."""
    return msgspec.json.format(msgspec.json.encode(document), indent=2) + b"\n"


__all__ = [
    "EXIT_FINDINGS",
    "EXIT_INTERNAL",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_UNREADABLE",
    "Output",
    "OutputError",
    "cannot_write",
    "color_option",
    "exit_if_unreadable",
    "json_bytes",
    "open_output",
    "output_file_option",
    "refuse_inputs",
    "refuse_same",
    "say",
    "semantics_option",
    "wants_colour",
    "write_output",
]
