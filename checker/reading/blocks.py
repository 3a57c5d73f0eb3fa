"""Validating a block of log lines in one msgspec call: the reader's fast path.

A block of whole lines comes *framed*: ``[`` first and its last newline made ``]``, so that
one copy (each newline made ``,\n``) turns it into a JSON array with a line per element.
A blank line or two values on one line fail the block (or give more elements than lines).
Each line decodes into an envelope with one optional field per variant (per variant the
log has used so far: see :class:`_Envelopes`). Only the lines other than
``MessagePosted`` (a fifth of a log) are then looked at: exactly one variant, the
``PrOpened`` alias, and no 0 in an unsigned field (which might have been written ``-0``).
Any doubt sends the block to the exact line-by-line decoder, which also says why the
first bad line is bad.

What the fast path cannot see: a key repeated inside one object, and a second variant key
on a ``MessagePosted`` line (msgspec keeps one value where serde rejects the line); the
line-by-line decoder (``exact=True``) sees both.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from itertools import chain, compress, repeat
from operator import attrgetter, is_, methodcaller
from typing import Any, TypeVar, cast

import msgspec
from msgspec.structs import astuple

from lifecheck.checker.reading.events import EVENT_TYPES, Event, MessagePosted, PrOpened
from lifecheck.checker.reading.lines import (
    DECODE_ERRORS,
    UNSIGNED,
    Envelope,
    LineError,
    check_author_alias,
    decode_line,
)

_E = TypeVar("_E", bound=Event)
_UNSET = msgspec.UNSET
_message = attrgetter(MessagePosted.__name__)
_count_unset = methodcaller("count", _UNSET)
#: The byte that closes a frame (see :func:`framed`).
CLOSE = ord("]")


@cache
def _array_decoder(variants: frozenset[str]) -> Callable[[bytearray], list[Any]]:
    """A decoder of a JSON array of lines, each an envelope of these ``variants``."""
    if len(variants) == len(EVENT_TYPES):
        envelope = Envelope
    else:
        fields = [
            (name, EVENT_TYPES[name] | msgspec.UnsetType, _UNSET) for name in sorted(variants)
        ]
        envelope = msgspec.defstruct(
            f"Envelope{len(fields)}", fields, forbid_unknown_fields=True, gc=False
        )
    return msgspec.json.Decoder(list[envelope]).decode  # type: ignore[valid-type]


class _Envelopes:
    """Decodes a framed block into one envelope per line, with as few variants as can be.

    msgspec fills every field of every line's envelope: one of all the variants costs about
    40% more to decode than one of the dozen a log uses. So the envelope starts with
    ``MessagePosted`` alone; a block it cannot decode is decoded with every variant, and the
    variants found there join it. The result is the same; the log's variants are learnt in
    a few blocks (at most one per variant).
    """

    def __init__(self) -> None:
        self._variants = frozenset({MessagePosted.__name__})

    def decode(self, array: bytearray) -> tuple[list[Any], int]:
        """The envelopes of ``array`` and their number of fields; raises on a bad block."""
        try:
            return _array_decoder(self._variants)(array), len(self._variants)
        except DECODE_ERRORS:
            envelopes = _array_decoder(frozenset(EVENT_TYPES))(array)
        found = {type(event).__name__ for event in _set_fields(envelopes)}
        self._variants |= found
        return envelopes, len(EVENT_TYPES)


def _set_fields(envelopes: list[Any]) -> Iterator[Any]:
    return filter(None, chain.from_iterable(map(astuple, envelopes)))


_ENVELOPES = _Envelopes()


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


def framed(lines: bytes) -> bytearray:
    """Whole lines (the last one ending in a newline or not) framed for :func:`read_block`."""
    frame = bytearray(b"[")
    frame += lines
    if lines.endswith(b"\n"):
        frame[-1] = CLOSE
    else:
        frame.append(CLOSE)
    return frame


def read_block(
    frame: bytearray, first: int, wanted: Container[type[Event]], *, exact: bool = False
) -> Block:
    """Read the :func:`framed` lines, numbered from ``first``; keep the ``wanted`` events."""
    if not exact and (block := _fast(frame, first, wanted)) is not None:
        return block
    return _line_by_line(bytes(frame[1:-1]) + b"\n", first, wanted)


def _fast(frame: bytearray, first: int, wanted: Container[type[Event]]) -> Block | None:
    """The block read in one decode, or ``None`` when only the exact decoder can tell.

    Everything after the decode runs in C (map, filter, compress) except the rare checks.
    """
    try:
        # Each newline becomes ",\n": the growth in length counts the lines for free.
        array = frame.replace(b"\n", b",\n")
        envelopes, variants = _ENVELOPES.decode(array)
    except DECODE_ERRORS:
        return None
    if len(envelopes) != len(array) - len(frame) + 1:
        return None  # a line holding two values separated by a comma
    indexes: Iterable[int] = range(len(envelopes))
    if MessagePosted not in wanted:  # skip the messages: they can only be malformed
        indexes = compress(indexes, map(is_, map(_message, envelopes), repeat(_UNSET)))
    lines = list(indexes)
    values = list(map(astuple, map(envelopes.__getitem__, lines)))
    if sum(map(_count_unset, values)) != (variants - 1) * len(values):
        return None  # a line with two variant keys
    events = list(map(next, map(filter, repeat(None), values)))  # UNSET is false, events true
    types = list(map(type, events))
    kinds = set(types)
    for kind in kinds.intersection(UNSIGNED):
        if 0 in map(attrgetter(UNSIGNED[kind][0]), _of_kind(kind, events, types)):
            return None  # it may have been written -0, which serde rejects
    if PrOpened in kinds and not all(map(_alias_ok, _of_kind(PrOpened, events, types))):
        return None
    numbered: Iterable[tuple[int, Event]] = zip(map(first.__add__, lines), events, strict=True)
    if not all(map(wanted.__contains__, kinds)):
        numbered = compress(numbered, map(wanted.__contains__, types))
    return Block(lines=len(envelopes), events=len(envelopes), wanted=list(numbered))


def _of_kind(kind: type[_E], events: list[Event], types: list[type]) -> Iterator[_E]:
    return cast("Iterator[_E]", compress(events, map(is_, types, repeat(kind))))


def _alias_ok(event: PrOpened) -> bool:
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
