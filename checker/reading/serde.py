"""One log line read exactly as `serde_json::from_str::<DomainEvent>` reads it (docs/rules.md §1).

serde's derive for an externally tagged enum of struct variants: one object with one key,
a known variant, whose value is an object of the variant's fields or an array of them in
declaration order (fields with `#[serde(default)]` may be left off its end; no element may
be added). In the object, a field given twice (by its name, an alias or an escaped
spelling: keys are compared once unescaped) is an error, unknown keys are skipped, a
missing `Option` is `None`. A unit enum value is a string or `{"Variant": null}`. Each
field's value is read by :mod:`.fields`. This is the reference the fast
block reader (:mod:`.blocks`) falls back to, and what ``--exact`` runs on every line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, get_args, get_origin, get_type_hints

import msgspec

from lifecheck.checker.reading import events as ev
from lifecheck.checker.reading.echo import capped
from lifecheck.checker.reading.fields import Kind, describe, read
from lifecheck.checker.reading.scan import TRUNCATED, U64_MAX, Cursor, LineError


@dataclass(frozen=True, slots=True)
class Field:
    """One serde field: its Rust type, and what a missing one reads as (``required``
    when it may not be missing; ``in_array`` when it may also be left off an array)."""

    name: str
    kind: Kind
    default: Any
    in_array: bool


_REQUIRED = object()


@dataclass(frozen=True, slots=True)
class Variant:
    """A struct variant: its fields in order and the keys that name them."""

    name: str
    cls: type[ev.Event]
    fields: tuple[Field, ...]
    keys: dict[str, int]


def _kind(hint: Any) -> Kind:
    if hint == ev.ChronoDateTime:
        return ("datetime", None)
    if hint == ev.U32:
        return ("unsigned", 2**32 - 1)
    if hint == ev.U64:
        return ("unsigned", U64_MAX)
    if hint is str:
        return ("str", None)
    if hint is bool:
        return ("bool", None)
    if hint is Any:
        return ("value", None)
    if get_origin(hint) is Literal:
        return ("enum", get_args(hint))
    if get_origin(hint) is list:
        (item,) = get_args(hint)
        return ("list", _kind(item))
    args = get_args(hint)
    if type(None) in args:
        (inner,) = [arg for arg in args if arg is not type(None)]
        return ("option", _kind(inner))
    if msgspec.UnsetType in args:  # `PrOpened.github_author`: required, via its alias
        (inner,) = [arg for arg in args if arg is not msgspec.UnsetType]
        return _kind(inner)
    raise TypeError(f"no serde reading for {hint!r}")


def _variant(name: str, cls: type[ev.Event]) -> Variant:
    hints = get_type_hints(cls, include_extras=True)
    aliases = ev.SERDE_ALIASES.get(cls, {})
    defaults = ev.SERDE_DEFAULTS.get(cls, frozenset())
    fields = []
    for field_name in cls.__struct_fields__:
        if field_name in aliases:
            continue
        kind = _kind(hints[field_name])
        default: Any = _REQUIRED
        if field_name in defaults:
            default = False if kind[0] == "bool" else None
        elif kind[0] == "option":
            default = None
        fields.append(Field(field_name, kind, default, field_name in defaults))
    keys = {field.name: number for number, field in enumerate(fields)}
    keys.update({alias: keys[target] for alias, target in aliases.items()})
    return Variant(name, cls, tuple(fields), keys)


VARIANTS = {name: _variant(name, cls) for name, cls in ev.EVENT_TYPES.items()}


#: How far before the end of a prefix an error must be for the prefix to decide it: the
#: reader looks at most a few characters past the cursor (an escape, `true`, `-0`).
_MARGIN = 64


def parse_event(text: str) -> ev.Event:
    """The event on one line (valid UTF-8, no newline), or :class:`LineError` saying why
    serde_json rejects it."""
    return _event(Cursor(text))


def rejected_prefix(prefix: str) -> str | None:
    """Why serde_json rejects every line that starts with ``prefix``, when the prefix alone
    decides it (else ``None``): it is rejected before its end, and nothing the cursor
    reached (a number's digits run to the cursor) could read otherwise with more text."""
    cursor = Cursor(prefix)
    try:
        _event(cursor)
    except LineError as error:
        if str(error) != TRUNCATED and cursor.pos < len(prefix) - _MARGIN:
            return str(error)
    return None


def _event(cursor: Cursor) -> ev.Event:
    char = cursor.peek()
    if char != "{":
        if not char:
            raise cursor.fail("expected value")
        raise LineError(f"expected a JSON object, got {describe(cursor)}")
    cursor.enter()
    cursor.pos += 1
    char = cursor.peek()
    if char != '"':
        if char == "}":
            raise LineError("the object names no event variant")
        raise cursor.fail("expected a string key")
    name = cursor.string()
    variant = VARIANTS.get(name)
    if variant is None:
        raise LineError(f'unknown event variant "{capped(name)}"')
    cursor.expect(":", "`:` after the variant")
    event = _body(cursor, variant)
    char = cursor.peek()
    if char == ",":
        raise _second_key(cursor, name)
    if char != "}":
        raise cursor.fail("expected `}` after the variant's value")
    cursor.pos += 1
    if cursor.peek():
        raise cursor.fail("trailing characters")
    return event


def _second_key(cursor: Cursor, first: str) -> LineError:
    cursor.pos += 1
    try:
        key = cursor.string() if cursor.peek() == '"' else None
    except LineError:
        key = None
    if key in VARIANTS:
        return LineError(f"the object has 2 variant keys ({first}, {key}); exactly one is allowed")
    named = f' "{capped(key)}"' if key is not None else ""
    return LineError(f"the object has a second key{named} after {first}; only one is allowed")


def _body(cursor: Cursor, variant: Variant) -> ev.Event:
    char = cursor.peek()
    if char == "{":
        values = _object(cursor, variant)
    elif char == "[":
        values = _array(cursor, variant)
    else:
        got = describe(cursor)
        raise LineError(f"{variant.name} must be an object or an array of its fields, not {got}")
    return variant.cls(**values)


def _object(cursor: Cursor, variant: Variant) -> dict[str, Any]:
    cursor.enter()
    cursor.pos += 1
    values: dict[str, Any] = {}  # by the key used: `PrOpened` keeps its spelling
    spelt: dict[str, str] = {}  # field name -> the key that gave it
    char = cursor.peek()
    while char != "}":
        key = cursor.key()
        if key is None:
            if char != '"':
                raise cursor.fail("expected a string key")
            key = cursor.string()
            cursor.expect(":", "`:`")
        number = variant.keys.get(key)
        if number is None:
            cursor.skip()
        else:
            field = variant.fields[number]
            if field.name in spelt:
                raise _duplicate(variant.name, field.name, spelt[field.name], key)
            spelt[field.name] = key
            values[key] = read(cursor, field.kind, f"{variant.name}.{field.name}")
        char = cursor.peek()
        if char == ",":
            cursor.pos += 1
            char = cursor.peek()
            if char == "}":
                raise cursor.fail("trailing comma")
        elif char != "}":
            raise cursor.fail("expected `,` or `}`")
    cursor.pos += 1
    cursor.depth -= 1
    for field in variant.fields:
        if field.name not in spelt:
            if field.default is _REQUIRED:
                raise LineError(f'{variant.name} is missing required field "{field.name}"')
            values[field.name] = field.default
    return values


def _duplicate(variant: str, field: str, first: str, second: str) -> LineError:
    if first != second and field in (first, second):
        alias = second if first == field else first
        return LineError(f'{variant} has both "{field}" and its alias "{alias}"')
    return LineError(f'{variant} has duplicate field "{field}"')


def _array(cursor: Cursor, variant: Variant) -> dict[str, Any]:
    cursor.enter()
    cursor.pos += 1
    values: dict[str, Any] = {}
    ended = False
    for number, field in enumerate(variant.fields):
        if not ended:
            char = cursor.peek()
            if number and char == ",":
                cursor.pos += 1
                if cursor.peek() == "]":
                    raise cursor.fail("trailing comma")
            elif char == "]":
                ended = True
            elif number:
                raise cursor.fail("expected `,` or `]`")
        if ended:
            if not field.in_array:
                needed = sum(not later.in_array for later in variant.fields)
                raise LineError(
                    f"{variant.name} as an array has {number} elements; it needs {needed}"
                )
            values[field.name] = field.default
        else:
            values[field.name] = read(cursor, field.kind, f"{variant.name}[{number}]")
    char = cursor.peek()
    if char == ",":
        raise LineError(f"{variant.name} as an array has more than {len(variant.fields)} elements")
    if char != "]":
        raise cursor.fail("expected `]`")
    cursor.pos += 1
    cursor.depth -= 1
    return values
