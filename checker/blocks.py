"""Validating a block of log lines in one msgspec call: the reader's fast path.

A block of whole lines is decoded as one JSON array holding a one-element array per line,
so a blank line or two values on one line fail the block. Each line decodes into an
envelope with one optional field per variant; lines other than ``MessagePosted`` (most of a
log) are then looked at one by one: exactly one variant, the ``PrOpened`` alias, and no 0
in an unsigned field (which might have been written ``-0``). Any doubt sends the block to
the exact line-by-line decoder, which also says why the first bad line is bad.

What the fast path cannot see: a key repeated inside one object, and a second variant key
on a ``MessagePosted`` line (msgspec keeps one value where serde rejects the line); the
line-by-line decoder (``exact=True``) sees both.
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass, field
from functools import partial
from itertools import compress
from operator import attrgetter, is_, is_not, itemgetter

import msgspec
from msgspec.structs import astuple

from checker.events import EVENT_TYPES, Event, MessagePosted, PrOpened
from checker.lines import (
    DECODE_ERRORS,
    UNSIGNED,
    Envelope,
    LineError,
    check_author_alias,
    decode_line,
)

_decode_rows = msgspec.json.Decoder(list[tuple[Envelope]]).decode
_UNSET = msgspec.UNSET
_VARIANTS = len(EVENT_TYPES)
_is_unset = partial(is_, _UNSET)
_is_set = partial(is_not, _UNSET)
_first = itemgetter(0)
_message = attrgetter(MessagePosted.__name__)


@dataclass(slots=True)
class Block:
    """What reading one block found.

    ``lines`` counts physical lines and ``events`` the events read (up to a malformed line);
    ``wanted`` holds ``(line, event)`` for the requested event types; ``malformed`` is the
    first bad line and its reason, ``after`` the non-blank lines after it in the block.
    """

    lines: int = 0
    events: int = 0
    wanted: list[tuple[int, Event]] = field(default_factory=list)
    malformed: tuple[int, str] | None = None
    after: int = 0


def read_block(
    data: bytes, first: int, wanted: Container[type[Event]], *, exact: bool = False
) -> Block:
    """Read the whole lines in ``data``, numbered from ``first``; keep the ``wanted`` events."""
    if not exact and (block := _fast(data, first, wanted)) is not None:
        return block
    return _line_by_line(data, first, wanted)


def _fast(data: bytes, first: int, wanted: Container[type[Event]]) -> Block | None:
    """The block read in one decode, or ``None`` when only the exact decoder can tell."""
    body = data[:-1] if data.endswith(b"\n") else data
    try:
        rows = _decode_rows(b"[[" + body.replace(b"\n", b"],[") + b"]]")
    except DECODE_ERRORS:
        return None
    envelopes = list(map(_first, rows))
    block = Block(lines=len(envelopes), events=len(envelopes))
    indexes = range(len(envelopes))
    if MessagePosted not in wanted:  # skip the messages: they can only be malformed
        indexes = compress(indexes, map(_is_unset, map(_message, envelopes)))  # type: ignore[assignment]
    for index in indexes:
        values = astuple(envelopes[index])
        if values.count(_UNSET) != _VARIANTS - 1:
            return None
        event = next(filter(_is_set, values))
        kind = type(event)
        if kind in UNSIGNED and getattr(event, UNSIGNED[kind][0]) == 0:
            return None  # it may have been written -0, which serde rejects
        if kind is PrOpened:
            try:
                check_author_alias(event)  # type: ignore[arg-type]
            except LineError:
                return None
        if kind in wanted:
            block.wanted.append((first + index, event))
    return block


def _line_by_line(data: bytes, first: int, wanted: Container[type[Event]]) -> Block:
    """The exact reader: every serde rule, and the reason for the first bad line."""
    lines = data.split(b"\n")
    if data.endswith(b"\n"):
        lines.pop()
    block = Block(lines=len(lines))
    for offset, raw in enumerate(lines):
        if not raw.strip():
            continue
        try:
            event = decode_line(raw)
        except LineError as error:
            block.malformed = (first + offset, str(error))
            block.after = sum(1 for rest in lines[offset + 1 :] if rest.strip())
            return block
        block.events += 1
        if type(event) in wanted:
            block.wanted.append((first + offset, event))
    return block

