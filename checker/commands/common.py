"""What the commands share: exit codes, the --semantics and -o options, and output."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

import click
import msgspec

from lifecheck.checker.reading.store import InputError, reason
from lifecheck.checker.replay.engine import DEFAULT_SEMANTICS
from lifecheck.spec import SEMANTICS

EXIT_OK, EXIT_FINDINGS, EXIT_UNREADABLE, EXIT_INTERNAL = 0, 1, 2, 3

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


@contextmanager
def exit_if_unreadable() -> Iterator[None]:
    """An input that cannot be read: one line on stderr, exit 2."""
    try:
        yield
    except InputError as error:
        click.echo(f"lifecheck: {error}", err=True)
        sys.exit(EXIT_UNREADABLE)
    except OSError as error:
        click.echo(f"lifecheck: {error.filename}: {reason(error)}", err=True)
        sys.exit(EXIT_UNREADABLE)


def write_output(data: bytes, target: str | None) -> None:
    """Write to ``target``, or to standard output (a closed pipe there is not an error)."""
    if target is not None:
        Path(target).write_bytes(data)
        return
    try:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    except BrokenPipeError:  # e.g. piped into `head`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


@contextmanager
def open_output(target: str | None) -> Iterator[BinaryIO]:
    """A binary stream to write an output to: ``target``, or standard output."""
    if target is None:
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    with open(target, "wb") as out:
        yield out


def json_bytes(document: object) -> bytes:
    """Indented JSON with a final newline."""
    return msgspec.json.format(msgspec.json.encode(document), indent=2) + b"\n"
