"""Validating a block of log lines in one msgspec call: the reader's fast path.

A block of whole lines (valid UTF-8: the reader checked) comes *framed*: ``[`` first and
its last newline made ``]``, so that one copy (each newline made ``,``) turns it into a
JSON array with an element per line, which msgspec decodes into one envelope per line (a
field per variant). msgspec is more lenient than serde_json (it keeps the last of two equal
keys, reads any nesting, unescapes keys), so the block is only trusted when msgspec,
encoding the envelopes back, writes exactly the block's bytes (carriage returns aside):
every line is then written the daemon's way (`serde_json::to_string`: compact, fields in
order, no key twice, no extra key), which serde reads as msgspec did. Then only the rare
cases remain: a line with two variant keys, `PrOpened` with both spellings, a
`UsageLimitHit` date chrono refuses, and deeply nested or huge values in `tool_data` or a
`ConfigUpdated` value. A line that is not the daemon's writing, or in doubt, goes to the
exact decoder (:mod:`.serde`), which also says why a bad line is bad; so both readers give
the same verdict on every line, whatever the process read before.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container, Iterable
from dataclasses import dataclass, field
from functools import cache
from itertools import chain, compress, count, repeat
from operator import attrgetter, is_, methodcaller
from typing import Any

import msgspec
from msgspec.structs import astuple

from lifecheck.checker.reading import events as ev
from lifecheck.checker.reading.dates import parse_utc
from lifecheck.checker.reading.lines import LineError, decode_line, is_blank

_UNSET = msgspec.UNSET
DECODE_ERRORS = (msgspec.ValidationError, msgspec.DecodeError, RecursionError)
#: The byte that closes a frame (see :func:`framed`).
CLOSE = ord("]")


class _Message(ev.Event, frozen=True, omit_defaults=True):
    """`MessagePosted` as msgspec reads and writes it here: encoded, it is the daemon's
    line (no `tool_data` when None, no `auto_output` when false, `thread_id` only if given)."""

    id: str
    channel: str
    sender: str
    content: str
    thread_id: str | msgspec.UnsetType | None = _UNSET
    tool_data: list[Any] | None = None
    auto_output: bool = False


def _public(message: _Message) -> ev.MessagePosted:
    thread = message.thread_id if isinstance(message.thread_id, str) else None
    return ev.MessagePosted(
        id=message.id,
        channel=message.channel,
        sender=message.sender,
        content=message.content,
        thread_id=thread,
        tool_data=message.tool_data,
        auto_output=message.auto_output,
    )


_WIRE: dict[str, type[ev.Event]] = {**ev.EVENT_TYPES, ev.MessagePosted.__name__: _Message}
_ALL = frozenset(_WIRE)
_NAMES = {cls: name for name, cls in _WIRE.items()}
_message = attrgetter(ev.MessagePosted.__name__)
_tool_data = attrgetter("tool_data")
#: What a line with a second variant key holds, written the daemon's way (a variant's body
#: closed, then a key). Little else does: a `Value`, or a string ending in `},`.
_SECOND_VARIANT = re.compile(rb'\},"').search  # sre finds it faster than bytes.find
_count_unset = methodcaller("count", _UNSET)
_ENCODER = msgspec.json.Encoder()
_encode = _ENCODER.encode
#: Lines that may hold a `serde_json::Value`, whose depth and numbers need a look.
_TOOL_DATA, _CONFIG = b'"tool_data":[', b'{"ConfigUpdated":'
_VALUES = (_TOOL_DATA, _CONFIG)
#: Events with a check msgspec cannot make (see :func:`_event_ok`).
_CHECKED = frozenset({ev.PrOpened, ev.UsageLimitHit})
_LONG_DIGITS = re.compile(rb"[0-9]{300}")


@cache
def _envelope(variants: frozenset[str]) -> type[msgspec.Struct]:
    fields = [(name, _WIRE[name] | msgspec.UnsetType, _UNSET) for name in sorted(variants)]
    return msgspec.defstruct(f"Envelope{len(fields)}", fields, forbid_unknown_fields=True, gc=False)


@cache
def _array_decoder(variants: frozenset[str]) -> Callable[[bytearray], list[Any]]:
    """A decoder of a JSON array of lines, each an envelope of these ``variants``."""
    envelope: Any = _envelope(variants)
    return msgspec.json.Decoder(list[envelope]).decode


_decode_one = msgspec.json.Decoder(_envelope(_ALL)).decode


class Envelopes:
    """Decodes a framed block into one envelope per line, with as few variants as can be.

    msgspec fills every field of every line's envelope: one of all the variants costs about
    40% more to decode than one of the dozen a log uses. So the envelope starts with
    ``MessagePosted`` alone; a block it cannot decode is decoded with every variant, and the
    variants found there join it. Each reader has its own; the result is the same whatever
    it has learnt (the log's variants are learnt in a few blocks, at most one per variant).
    """

    def __init__(self) -> None:
        self._variants = frozenset({ev.MessagePosted.__name__})

    def written(self, envelopes: list[Any], frame: bytearray) -> bool:
        """Whether the :func:`framed` lines are the envelopes, one a line, as the daemon
        writes them (carriage returns aside); compared in place."""
        lines = _ENCODER.encode_lines(envelopes)
        if b"\r" in frame:
            frame = frame.replace(b"\r", b"")
        # `lines` ends with a newline where the frame ends with `]`
        return len(lines) == len(frame) - 1 and frame.startswith(memoryview(lines)[:-1], 1)

    def decode(self, array: bytearray) -> tuple[list[Any], int]:
        """The envelopes of ``array`` and their number of fields; raises on a bad block."""
        try:
            return _array_decoder(self._variants)(array), len(self._variants)
        except DECODE_ERRORS:
            envelopes = _array_decoder(_ALL)(array)
        found = filter(None, chain.from_iterable(map(astuple, envelopes)))
        self._variants |= {_NAMES[type(event)] for event in found}
        return envelopes, len(_ALL)


@dataclass(slots=True)
class Block:
    """What reading one block found.

    ``lines`` counts physical lines and ``events`` the events read (up to a malformed line);
    ``wanted`` holds ``(line, event)`` for the requested event types; ``malformed`` is the
    first bad line and its reason, ``after`` the non-blank lines after it in the block.
    """

    lines: int = 0
    events: int = 0
    wanted: list[tuple[int, ev.Event]] = field(default_factory=list)
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
    frame: bytearray,
    first: int,
    wanted: Container[type[ev.Event]],
    envelopes: Envelopes | None = None,
) -> Block:
    """Read the :func:`framed` lines, numbered from ``first``; keep the ``wanted`` events.
    Without ``envelopes``, every line goes through the exact decoder (``--exact``)."""
    if envelopes is not None and (block := read_fast(frame, first, wanted, envelopes)) is not None:
        return block
    return read_lines(frame, first, wanted, exact=envelopes is None)


def read_lines(
    frame: bytearray, first: int, wanted: Container[type[ev.Event]], *, exact: bool
) -> Block:
    """:func:`read_block` line by line, each line trusted to msgspec where it can be unless
    ``exact``, up to the first bad one, which the exact decoder says why is bad."""
    decode = decode_line if exact else _decode_trusting
    return _line_by_line(frame[1:-1].split(b"\n"), first, wanted, decode)


def read_fast(
    frame: bytearray, first: int, wanted: Container[type[ev.Event]], envs: Envelopes
) -> Block | None:
    """The block read in one decode, or ``None`` when some line needs a closer look. A
    block read so is UTF-8: its bytes are msgspec's writing of what it decoded.

    Everything after the decode runs in C (map, filter, compress) except the rare checks.
    """
    try:
        envelopes, variants = envs.decode(frame.replace(b"\n", b","))
    except DECODE_ERRORS:
        return None
    if not envs.written(envelopes, frame):
        return None  # some line is not the daemon's writing of its event, or holds two
    lines_ = len(envelopes)
    messages = list(map(_message, envelopes))
    if any(map(_tool_data, filter(None, messages))) and _values_doubt(frame, _TOOL_DATA):
        return None
    indexes: Iterable[int] = range(lines_)
    if ev.MessagePosted not in wanted:
        indexes = compress(indexes, map(is_, messages, repeat(_UNSET)))
    values = list(map(astuple, map(envelopes.__getitem__, indexes := list(indexes))))
    if _SECOND_VARIANT(frame) is not None:  # rare: some line may hold two variant keys
        every = values if ev.MessagePosted in wanted else list(map(astuple, envelopes))
        if sum(map(_count_unset, every)) != (variants - 1) * lines_:
            return None
    events: list[Any] = list(map(next, map(filter, repeat(None), values), repeat(None)))
    types = list(map(type, events))
    kinds = set(types)
    if type(None) in kinds:
        return None  # a line with no variant key
    if kinds & _CHECKED:
        checked = compress(events, map(_CHECKED.__contains__, types))
        if not all(map(_event_ok, checked)):
            return None
    if ev.ConfigUpdated in kinds and _values_doubt(frame, _CONFIG):
        return None
    if _Message in kinds and ev.MessagePosted in wanted:  # else `wanted` drops them below
        events = [_public(event) if type(event) is _Message else event for event in events]
        types = list(map(type, events))
        kinds = set(types)
    numbered: Iterable[tuple[int, ev.Event]] = zip(map(first.__add__, indexes), events, strict=True)
    if not all(map(wanted.__contains__, kinds)):
        numbered = compress(numbered, map(wanted.__contains__, types))
    return Block(lines=lines_, events=lines_, wanted=list(numbered))


def _event_ok(event: ev.Event) -> bool:
    """What msgspec cannot check: serde's alias, chrono's dates."""
    if isinstance(event, ev.PrOpened):
        return _alias_ok(event)
    return _date_ok(event)  # type: ignore[arg-type]


def _alias_ok(event: ev.PrOpened) -> bool:
    """serde's alias: `github_author` or `author`, not both (msgspec reads both)."""
    return (event.github_author is _UNSET) != (event.author is _UNSET)


def _date_ok(event: ev.UsageLimitHit) -> bool:
    try:
        parse_utc(event.reset_at)
    except ValueError:
        return False
    return True


def _decode_trusting(raw: bytes) -> ev.Event:
    """One line: msgspec's event if the line is the daemon's writing of it and holds
    nothing to doubt, else the exact decoder's."""
    try:
        envelope = _decode_one(raw)
    except DECODE_ERRORS:
        return decode_line(raw)
    events = [value for value in astuple(envelope) if value is not _UNSET]
    if len(events) != 1 or _encode(envelope) != raw.replace(b"\r", b""):
        return decode_line(raw)
    (event,) = events
    if any(map(raw.__contains__, _VALUES)) and _value_doubt(raw):
        return decode_line(raw)
    if isinstance(event, ev.PrOpened) and not _alias_ok(event):
        return decode_line(raw)
    if isinstance(event, ev.UsageLimitHit) and not _date_ok(event):
        return decode_line(raw)
    return _public(event) if isinstance(event, _Message) else event


def _values_doubt(frame: bytearray, pattern: bytes) -> bool:
    """Whether some line of the block holding ``pattern`` (a `Value`) is in doubt."""
    lines = frame[1:-1].split(b"\n")
    holding = map(methodcaller("__contains__", pattern), lines)
    return any(map(_value_doubt, compress(lines, holding)))


def _value_doubt(raw: bytes | bytearray) -> bool:
    """Whether a `Value` on the line might nest too deep or hold a number serde's f64
    overflows."""
    return raw.count(b"[") + raw.count(b"{") >= 120 or _LONG_DIGITS.search(raw) is not None


def _line_by_line(
    lines: list[bytearray],
    first: int,
    wanted: Container[type[ev.Event]],
    decode: Callable[[bytes], ev.Event],
) -> Block:
    """Each line on its own, up to the first bad one, which ``decode`` says why is bad."""
    block = Block(lines=len(lines))
    for offset, raw in zip(count(), lines):
        if is_blank(raw):
            continue
        try:
            event = decode(bytes(raw))
        except LineError as error:
            block.malformed = (first + offset, str(error))
            block.after = sum(1 for rest in lines[offset + 1 :] if not is_blank(rest))
            return block
        block.events += 1
        if type(event) in wanted:
            block.wanted.append((first + offset, event))
    return block
