"""Decoding one log line exactly as serde would, and saying why a bad line is bad.

A line is one externally tagged ``DomainEvent``, validated against the full schema in
:mod:`lifecheck.checker.reading.events` (docs/rules.md §1).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any, get_args, get_type_hints

import msgspec

from lifecheck.checker.reading.events import EVENT_TYPES, Event, PrOpened

#: Any line: one optional field per variant (a valid line sets exactly one).
Envelope: type[msgspec.Struct] = msgspec.defstruct(
    "Envelope",
    [(name, cls | msgspec.UnsetType, msgspec.UNSET) for name, cls in EVENT_TYPES.items()],
    forbid_unknown_fields=True,
    gc=False,  # decoded JSON holds no cycles; keeps the collector out of the hot loop
)
_decode_envelope = msgspec.json.Decoder(Envelope).decode


class LineError(ValueError):
    """A single line is not a valid ``DomainEvent``; the message says why."""


def _variant_decoder(name: str, cls: type[Event]) -> Callable[[bytes], Event]:
    line = msgspec.defstruct(f"_{name}Line", [(name, cls)], forbid_unknown_fields=True)
    decode = msgspec.json.Decoder(line).decode
    return lambda raw: getattr(decode(raw), name)


#: One decoder per variant, chosen by the name the daemon writes first: `{"Variant":`.
_BY_PREFIX = {name.encode(): _variant_decoder(name, cls) for name, cls in EVENT_TYPES.items()}
DECODE_ERRORS = (msgspec.ValidationError, msgspec.DecodeError, UnicodeDecodeError)


def decode_line(raw: bytes) -> Event:
    """Decode one non-blank line into its event, or raise :class:`LineError`."""
    decode = _BY_PREFIX.get(raw[2 : raw.find(b'"', 2)]) if raw.startswith(b'{"') else None
    try:
        event = decode(raw) if decode is not None else _decode_any(raw)
    except DECODE_ERRORS:  # the general decoder says best what is wrong
        event = _decode_any(raw)
    kind = type(event)
    if raw.count(b'":') > _KEYS[kind]:  # more keys than a line of this variant has
        _check_duplicate_keys(raw, kind)
    if kind is PrOpened:
        check_author_alias(event)  # type: ignore[arg-type]
    if kind in UNSIGNED:
        field, negative_zero = UNSIGNED[kind]
        if getattr(event, field) == 0 and negative_zero.search(raw):
            # serde_json reads -0 as a float, which no unsigned field accepts.
            raise LineError(f"{kind.__name__}.{field} must be an integer, not -0")
    return event


def _decode_any(raw: bytes) -> Event:
    """Decode through an envelope of every variant, explaining any failure."""
    try:
        envelope = _decode_envelope(raw)
    except DECODE_ERRORS as error:
        raise LineError(_explain(raw, error)) from None
    present = [
        getattr(envelope, name)
        for name in envelope.__struct_fields__
        if getattr(envelope, name) is not msgspec.UNSET
    ]
    if len(present) != 1:
        if not present:
            raise LineError("the object names no event variant")
        names = ", ".join(type(event).__name__ for event in present)
        raise LineError(
            f"the object has {len(present)} variant keys ({names}); exactly one is allowed"
        )
    event: Event = present[0]
    return event


#: How many keys a line of each variant has at most: the variant and each serde field.
_KEYS: dict[type[Event], int] = {
    kind: len(kind.__struct_fields__) + (0 if kind is PrOpened else 1)  # `author` is an alias
    for kind in EVENT_TYPES.values()
}


def _unsigned_field(kind: type[Event]) -> tuple[str, re.Pattern[bytes]]:
    field = "pid" if "pid" in kind.__struct_fields__ else "number"
    return field, re.compile(rb'(?<!\\)"' + field.encode() + rb'"\s*:\s*-0(?![0-9.eE])')


#: Variants with an unsigned integer field: its name and a pattern for it written as -0.
UNSIGNED: dict[type[Event], tuple[str, re.Pattern[bytes]]] = {
    kind: _unsigned_field(kind)
    for kind in EVENT_TYPES.values()
    if {"pid", "number"} & set(kind.__struct_fields__)
}


def _check_duplicate_keys(raw: bytes, kind: type[Event]) -> None:
    """serde rejects a second key after the variant and a field given twice."""
    pairs = json.loads(raw, object_pairs_hook=list)
    keys = [key for key, _ in pairs]
    if len(keys) != len(set(keys)):
        raise LineError(
            f"the object has {len(keys)} variant keys ({', '.join(keys)}); exactly one is allowed"
        )
    body = pairs[0][1]
    known = set(kind.__struct_fields__)
    fields = [key for key, _ in body if key in known]
    for field in fields:
        if fields.count(field) > 1:
            raise LineError(f'{kind.__name__} has duplicate field "{field}"')


def check_author_alias(event: PrOpened) -> None:
    has_github = event.github_author is not msgspec.UNSET
    has_alias = event.author is not msgspec.UNSET
    if has_github and has_alias:
        raise LineError('PrOpened has both "github_author" and its alias "author"')
    if not (has_github or has_alias):
        raise LineError('PrOpened is missing required field "github_author"')


# --- turning msgspec's messages into ours --------------------------------------------------

_AT = re.compile(r"^(?P<what>.*?)(?: - at `\$(?P<path>[^`]*)`)?$", re.S)
_TYPE_WORDS = {
    "int": "an integer",
    "str": "a string",
    "float": "a number with a fraction",
    "bool": "a boolean",
    "null": "null",
    "object": "an object",
    "array": "an array",
    "datetime": "an RFC 3339 date-time",
}


def _explain(raw: bytes, error: Exception) -> str:
    """Say why ``raw`` failed, preferring its encoding and syntax over its shape."""
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as bad:
        return f"invalid UTF-8 (byte 0x{raw[bad.start]:02x} at column {bad.start + 1})"
    if isinstance(error, msgspec.ValidationError):
        try:
            msgspec.json.decode(raw)
        except msgspec.DecodeError as syntax:
            return _explain_decode(str(syntax), raw)
        return _explain_validation(str(error))
    return _explain_decode(str(error), raw)


def _words(type_name: str) -> str:
    return _TYPE_WORDS.get(type_name, type_name)


def _explain_validation(message: str) -> str:
    match = _AT.match(message)
    assert match is not None  # the pattern matches any string
    what, path = match["what"], (match["path"] or "").lstrip(".")
    if not path:
        if unknown := re.fullmatch(r"Object contains unknown field `(.*)`", what):
            return f'unknown event variant "{unknown[1]}"'
        if got := re.fullmatch(r"Expected `object`, got `(\w+)`", what):
            return f"expected a JSON object, got {_words(got[1])}"
        return what
    if missing := re.fullmatch(r"Object missing required field `(.*)`", what):
        return f'{path} is missing required field "{missing[1]}"'
    if got := re.fullmatch(r"Expected `([\w |]+)`, got `(\w+)`", what):
        expected = " or ".join(_words(name) for name in got[1].split(" | "))
        return f"{path} must be {expected}, not {_words(got[2])}"
    if bound := re.fullmatch(r"Expected `int` ([<>]=) (\d+)", what):
        return f"{path} must be an integer {bound[1]} {bound[2]}"
    if enum := re.fullmatch(r"Invalid enum value (.*)", what):
        allowed = _allowed_values(path)
        suffix = f" (expected one of {', '.join(allowed)})" if allowed else ""
        return f"{path} has invalid value {enum[1]}{suffix}"
    return f"{path}: {what.replace('`', '')}"


_LONE_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F])")


def _explain_decode(message: str, raw: bytes) -> str:
    detail = message.removeprefix("JSON is malformed: ")
    if detail.startswith("Input data was truncated"):
        if _LONE_SURROGATE.search(raw):
            return "invalid JSON: a \\u escape is an unpaired surrogate"
        return "invalid JSON: the line ends before the value does (truncated)"
    if column := re.search(r"\(byte (\d+)\)", detail):
        detail = detail.replace(column[0], f"(column {int(column[1]) + 1})")
    return f"invalid JSON: {detail}"


def _allowed_values(path: str) -> tuple[str, ...]:
    variant, _, field = path.partition(".")
    cls = EVENT_TYPES.get(variant)
    if cls is None or not field:
        return ()
    hint: Any = get_type_hints(cls).get(field)
    return tuple(str(value) for value in get_args(hint))
