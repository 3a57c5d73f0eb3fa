"""Validating a block of log lines in one msgspec call: the reader's fast path.

A block of whole lines is decoded as one JSON array with a line per element, so a blank
line or two values on one line fail the block (or give more elements than lines). Each
line decodes into an envelope with one optional field per variant. Only the lines other
than ``MessagePosted`` (a fifth of a log) are then looked at: exactly one variant, the
``PrOpened`` alias, and no 0 in an unsigned field (which might have been written ``-0``).
Any doubt sends the block to the exact line-by-line decoder, which also says why the
first bad line is bad.

What the fast path cannot see: a key repeated inside one object, and a second variant key
on a ``MessagePosted`` line (msgspec keeps one value where serde rejects the line); the
line-by-line decoder (``exact=True``) sees both.
"""

from __future__ import annotations

from collections.abc import Container, Iterable
from dataclasses import dataclass, field
from functools import partial
from itertools import compress, repeat
from operator import attrgetter, is_, is_not, methodcaller

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

_decode_array = msgspec.json.Decoder(list[Envelope]).decode  # type: ignore[valid-type]
_UNSET = msgspec.UNSET
_VARIANTS = len(EVENT_TYPES)
_is_unset = partial(is_, _UNSET)
_is_set = partial(is_not, _UNSET)
_message = attrgetter(MessagePosted.__name__)
_count_unset = methodcaller("count", _UNSET)


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
    """The block read in one decode, or ``None`` when only the exact decoder can tell.

    Everything after the decode runs in C (map, filter, compress) except the rare checks.
    """
    body = data[:-1] if data.endswith(b"\n") else data
    try:
        # Each newline becomes ",\n": the growth in length counts the lines for free.
        array = body.replace(b"\n", b",\n")
        envelopes = _decode_array(b"[" + array + b"]")
    except DECODE_ERRORS:
        return None
    if len(envelopes) != len(array) - len(body) + 1:
        return None  # a line holding two values separated by a comma
    indexes: Iterable[int] = range(len(envelopes))
    if MessagePosted not in wanted:  # skip the messages: they can only be malformed
        indexes = compress(indexes, map(_is_unset, map(_message, envelopes)))
    lines = list(indexes)
    values = list(map(astuple, map(envelopes.__getitem__, lines)))
    if sum(map(_count_unset, values)) != (_VARIANTS - 1) * len(values):
        return None  # a line with two variant keys
    events = list(map(next, map(filter, repeat(_is_set), values)))
    kinds = set(map(type, events))
    if not kinds.isdisjoint(UNSIGNED) and any(map(_unsigned_zero, events)):
        return None  # it may have been written -0, which serde rejects
    if PrOpened in kinds and not all(map(_alias_ok, events)):
        return None
    numbered: Iterable[tuple[int, Event]] = zip(map(first.__add__, lines), events, strict=True)
    if not all(map(wanted.__contains__, kinds)):
        numbered = compress(numbered, map(wanted.__contains__, map(type, events)))
    return Block(lines=len(envelopes), events=len(envelopes), wanted=list(numbered))


def _unsigned_zero(event: Event) -> bool:
    field = UNSIGNED.get(type(event))
    return field is not None and getattr(event, field[0]) == 0


def _alias_ok(event: Event) -> bool:
    if type(event) is not PrOpened:
        return True
    try:
        check_author_alias(event)
    except LineError:
        return False
    return True


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
