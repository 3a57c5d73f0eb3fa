"""Writing what a command outputs: never onto an input, atomically, and any error in one line.

A regular file is written to a temporary file beside it, renamed into place only once
everything is written: a failed or interrupted write leaves the previous file as it was.
Standard output, devices and FIFOs are written directly. An error is exit 2 with one line;
a closed pipe (``| head -1``) is not an error: its reader has what it wanted.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from typing import IO, Any

import click

from lifecheck.checker.reading.store import InputError, locate, reason
from lifecheck.checker.reports.printable import printable

STDOUT = "standard output"

#: A file's device and inode (``None``: no such file).
Identity = tuple[int, int] | None


class OutputError(click.ClickException):
    """An output that cannot, or must not, be written: ``lifecheck: MESSAGE``, exit 2."""

    exit_code = 2

    def show(self, file: IO[Any] | None = None) -> None:
        """One line on standard error."""
        click.echo(f"lifecheck: {self.format_message()}", err=True)


class Output:
    """An output being written. :meth:`write` raises :class:`OutputError` when it cannot;
    after a closed pipe it writes nothing more, quietly."""

    def __init__(self, file: IO[bytes], name: str) -> None:
        self._file = file
        self.name = name
        self.pipe_closed = False

    def write(self, data: bytes) -> None:
        """Write ``data`` (buffered: :meth:`flush` sends it)."""
        self.attempt(self._file.write, data)

    def flush(self) -> None:
        """Send what is buffered."""
        self.attempt(self._file.flush)

    def attempt(self, operation: Callable[..., object], *args: Any) -> None:
        """Run an operation of this output, unless its pipe is closed: a closed pipe ends
        the output quietly, any other error is an :class:`OutputError`."""
        if self.pipe_closed:
            return
        try:
            operation(*args)
        except BrokenPipeError:
            self.pipe_closed = True
        except OSError as error:
            raise cannot_write(self.name, error) from None


def cannot_write(name: str, error: OSError) -> OutputError:
    """``cannot write NAME: REASON``."""
    return OutputError(f"cannot write {printable(name)}: {reason(error)}")


@contextmanager
def open_output(target: str | None) -> Iterator[Output]:
    """The output to write to ``target``, or to standard output when it is ``None``.

    Whatever the body writes reaches a regular file only if the body ends normally; an
    exception (an error, an interrupt) leaves the file as it was and no temporary file.
    """
    if target is None:
        opened = _standard_output()
    elif _written_directly(target):
        opened = _directly(target)
    else:
        opened = _replacing(target)
    with opened as output:
        yield output


@contextmanager
def _standard_output() -> Iterator[Output]:
    stdout = sys.stdout
    if stdout is None:  # started with its standard output closed
        raise cannot_write(STDOUT, OSError(9, "bad file descriptor"))
    output = Output(stdout.buffer, STDOUT)
    try:
        output.attempt(stdout.flush)  # what was written as text comes first
        yield output
        output.flush()
    except OutputError:
        _discard_standard_output()
        raise
    if output.pipe_closed:
        _discard_standard_output()


def standard_output_failed(error: OSError) -> OutputError:
    """The error of a write to standard output that failed elsewhere (click's help)."""
    _discard_standard_output()
    return cannot_write(STDOUT, error)


def _discard_standard_output() -> None:
    """Point standard output at /dev/null, so that what is still buffered neither fails
    again nor makes Python complain at exit."""
    with suppress(OSError, ValueError), open(os.devnull, "wb") as null:
        os.dup2(null.fileno(), sys.stdout.fileno())


def _written_directly(target: str) -> bool:
    """A device, FIFO or /dev/stdout is written where it is: it cannot be replaced."""
    if os.path.abspath(target).startswith(("/dev/", "/proc/")):
        return True
    try:
        return not stat.S_ISREG(os.stat(target).st_mode)
    except OSError:
        return False


@contextmanager
def _directly(target: str) -> Iterator[Output]:
    try:
        file = open(target, "wb")  # noqa: SIM115 - closed below, its errors reported
    except OSError as error:
        raise cannot_write(target, error) from None
    output = Output(file, target)
    try:
        yield output
        output.attempt(file.close)  # flushes
    finally:
        with suppress(OSError):
            file.close()


@contextmanager
def _replacing(target: str) -> Iterator[Output]:
    import tempfile  # only for a file: 5 ms of imports

    final = os.path.realpath(target)  # through a symlink: the file it names; the link stays
    try:
        mode = stat.S_IMODE(os.stat(final).st_mode)
    except OSError:
        mode = 0o666 & ~_umask()
    try:
        temporary = tempfile.NamedTemporaryFile(  # noqa: SIM115 - renamed or removed below
            "wb", dir=os.path.dirname(final), prefix=".lifecheck-", suffix=".tmp", delete=False
        )
    except OSError as error:
        raise cannot_write(target, error) from None
    try:
        output = Output(temporary.file, target)
        yield output
        output.flush()
        output.attempt(os.fsync, temporary.fileno())
        output.attempt(os.fchmod, temporary.fileno(), mode)
        output.attempt(temporary.close)
        output.attempt(os.replace, temporary.name, final)
    except BaseException:
        with suppress(OSError):
            temporary.close()
        with suppress(OSError):
            os.unlink(temporary.name)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# --- refusing inputs as outputs --------------------------------------------------------------


def refuse_inputs(targets: Iterable[str | None], inputs: Iterable[str]) -> None:
    """:class:`OutputError` if a target is one of the inputs' files (the same file, through
    any symlink or hard link) or lies inside an input store, before anything is read or
    written. An input that cannot be located is left to the command to report."""
    wanted = [target for target in targets if target is not None]
    if not wanted:
        return
    files: dict[Identity, str] = {}
    stores: dict[Identity, str] = {}
    for path in inputs:
        _add_input(path, files, stores)
    files.pop(None, None)
    stores.pop(None, None)
    for target in wanted:
        if (same := files.get(_identity(target))) is not None:
            raise OutputError(
                f"refusing to write {printable(target)}: it is an input ({printable(same)})"
            )
        folder = os.path.dirname(os.path.realpath(target))
        while (store := stores.get(_identity(folder))) is None and folder != "/":
            folder = os.path.dirname(folder)
        if store is not None:
            raise OutputError(f"refusing to write {printable(target)}: it is inside the "
                              f"input store {printable(store)}")  # fmt: skip


def refuse_same(target: str | None, other: str | None, what: str) -> None:
    """:class:`OutputError` if ``target`` and ``other`` are the same file (``what`` says
    what ``other`` is)."""
    if target is None or other is None:
        return
    identity = _identity(target)
    same = identity is not None and identity == _identity(other)
    if same or os.path.realpath(target) == os.path.realpath(other):
        raise OutputError(f"refusing to write {printable(target)}: it is {what}")


def _add_input(path: str, files: dict[Identity, str], stores: dict[Identity, str]) -> None:
    """Record the files of the input at ``path``, and for a store its directories."""
    try:
        source = locate(path)
    except InputError:
        return
    if source.log == source.path:  # a log file on its own: its folder is the user's
        files[_identity(path)] = path
        return
    chosen = source.log or source.snapshot
    store = source.path if chosen is None else os.path.dirname(chosen)
    for folder in dict.fromkeys((store, source.path)):  # a project holds its store
        stores.setdefault(_identity(folder), folder)
    with suppress(OSError), os.scandir(store) as entries:
        for entry in entries:
            files.setdefault(_identity(entry.path), entry.path)


def _identity(path: str) -> Identity:
    """The file's device and inode, through symlinks; ``None`` when there is none."""
    try:
        found = os.stat(path)
    except OSError:
        return None
    return (found.st_dev, found.st_ino)
