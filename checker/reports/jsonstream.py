"""JSON documents written as they are made: one long list streamed an item at a time.

The bytes are those of ``msgspec.json.format(..., indent=2)`` on the whole document, so
streaming changes nothing a reader sees, only the memory a long report takes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import msgspec


def indented(document: object) -> bytes:
    """``document`` as JSON indented by two spaces, with no final newline."""
    return msgspec.json.format(msgspec.json.encode(document), indent=2)


def streamed(document: object, key: str, items: Iterable[object]) -> Iterator[bytes]:
    """``document`` (whose ``key`` holds an empty list, once) with ``items`` in that list,
    then a final newline, in chunks: an item at a time."""
    whole = indented(document)
    marker = b'"' + key.encode() + b'": []'
    at = whole.index(marker)  # a string value holding the marker has its quotes escaped
    depth = at - whole.rfind(b"\n", 0, at) - 1
    pad = b"\n" + b" " * (depth + 2)
    yield whole[: at + len(marker) - 1]
    separator = pad
    for item in items:
        yield separator + indented(item).replace(b"\n", pad)
        separator = b"," + pad
    close = b"]" if separator == pad else b"\n" + b" " * depth + b"]"
    yield close + whole[at + len(marker) :] + b"\n"
