"""The inputs a command line names: files, stores, folders to search, standard input.

A path given is one input, whatever its name, except a directory that is not a store: it
is searched, depth first in name order, for stores (:func:`.store.is_store`) and for loose
``*.jsonl`` logs (a store's own files are its, and a store is not searched further).
Hidden names (``.git``, ``.cache``) are passed over, and so are folders met before (a
symlink back up the tree, a second link to a store). An entry that cannot be followed (a
broken symlink, a symlink loop) is an input when it would be one (``*.jsonl``, or a
project's ``events``), so that its check says why; it is passed over otherwise. A folder
with nothing to check stays the one input, and its check says why.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator

from lifecheck.checker.reading.stdin import STDIN
from lifecheck.checker.reading.store import is_store

#: The path that stands for standard input on a command line.
DASH = "-"
#: What the logs found in a folder are named.
LOG_SUFFIX = ".jsonl"


def find_inputs(paths: Iterable[str]) -> list[str]:
    """The inputs ``paths`` name, in order: each path, a folder that is not a store replaced
    by what it holds (in sorted order), and ``-`` by :data:`.stdin.STDIN`."""
    found: list[str] = []
    for path in paths:
        if path == DASH:
            found.append(STDIN)
        elif os.path.isdir(path):
            found.extend(list(_search(path, set())) or [path])
        else:
            found.append(path)  # a file, or what cannot be read: its check says why
    return found


def _search(folder: str, seen: set[tuple[int, int]]) -> Iterator[str]:
    """The store ``folder`` is, or the inputs under it; itself when it cannot be listed."""
    try:
        status = os.stat(folder)
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except OSError:
        yield folder
        return
    seen.add((status.st_dev, status.st_ino))
    if is_store([entry.name for entry in entries]):
        yield folder
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if _is_folder(entry):
            if _identity(entry) not in seen:
                yield from _search(entry.path, seen)
        elif entry.name.endswith(LOG_SUFFIX) or (
            entry.name == "events" and not os.path.exists(entry.path)
        ):
            yield entry.path


def _is_folder(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def _identity(entry: os.DirEntry[str]) -> tuple[int, int] | None:
    try:
        status = entry.stat()
    except OSError:
        return None
    return (status.st_dev, status.st_ino)
