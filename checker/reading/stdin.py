"""Standard input as a log: ``lifecheck check -``.

Every reader reads a log by byte ranges from one open file (:mod:`.opened`), so standard
input is read once, whole, into an anonymous temporary file (a pipe cannot be read twice
or at an offset), and that file is the log. Standard input that is a regular file already
(``< log``) is read where it is. Reports show the log as :data:`STDIN`.
"""

from __future__ import annotations

import errno
import os
import shutil
import stat
import sys
import tempfile

#: How standard input is named in reports, and the path that stands for it in the library.
STDIN = "<stdin>"

#: The descriptor holding standard input's bytes once read, or why it could not be.
_spooled: list[int | OSError] = []


def stdin_descriptor() -> int:
    """A descriptor of a regular file holding what standard input gave, read at the first
    call (it stays open while the process runs). Workers inherit it when forked after it
    was read; a worker process cannot read standard input itself."""
    if not _spooled:
        try:
            _spooled.append(_spool())
        except OSError as error:
            _spooled.append(error)
    if isinstance(spooled := _spooled[0], OSError):  # named as the input it is
        raise OSError(spooled.errno, spooled.strerror, STDIN)
    return spooled


def _spool() -> int:
    if sys.stdin is None:  # closed (`<&-`)
        raise OSError(errno.EBADF, os.strerror(errno.EBADF))
    pools = sys.modules.get("multiprocessing")
    if pools is not None and pools.parent_process() is not None:  # its stdin is /dev/null
        raise OSError(errno.EBADF, "standard input is the main process's: read it there first")
    try:
        fd = sys.stdin.fileno()
    except (OSError, ValueError):  # no file under it (a test's, a notebook's)
        fd = -1
    if fd >= 0 and stat.S_ISREG(os.fstat(fd).st_mode) and os.lseek(fd, 0, os.SEEK_CUR) == 0:
        return os.dup(fd)  # `< log`: read where it is
    with tempfile.TemporaryFile(buffering=0) as spool:
        shutil.copyfileobj(sys.stdin.buffer, spool, 1 << 20)
        return os.dup(spool.fileno())
