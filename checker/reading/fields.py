"""A field's value read as serde reads its Rust type (the exact decoder's leaves).

`String` and `PathBuf` are JSON strings; `Option<T>` is null or a `T`; `u32` and `u64`
are integers in range, never floats (`-0`, `1.0`); `bool`; a unit enum is one of its
names as a string or serde's map form `{"Name": null}`; `Vec<T>` an array; a
`serde_json::Value` any JSON (:meth:`.scan.Cursor.value`); `DateTime<Utc>` a string chrono
parses (:mod:`.dates`). Messages name the field by its path (`AgentStarted.pid`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lifecheck.checker.reading.dates import parse_utc
from lifecheck.checker.reading.echo import capped, quoted
from lifecheck.checker.reading.numbers import OUT_OF_RANGE, BadNumber, number_end
from lifecheck.checker.reading.scan import NUMBER_TOKEN, Cursor, LineError

#: A field's Rust type, as far as reading it goes: a name and, for some, a parameter.
Kind = tuple[str, Any]


def read(cursor: Cursor, kind: Kind, path: str) -> Any:
    """The value of a field of ``kind`` at the cursor (``path`` names it in errors)."""
    return _READERS[kind[0]](cursor, kind[1], path)


def _expected(cursor: Cursor, path: str, what: str) -> LineError:
    return LineError(f"{path} must be {what}, not {describe(cursor)}")


def _string(cursor: Cursor, _: Any, path: str) -> str:
    if cursor.peek() != '"':
        raise _expected(cursor, path, "a string")
    return cursor.string()


def _option(cursor: Cursor, inner: Kind, path: str) -> Any:
    if cursor.peek() == "n":
        cursor.word("null")
        return None
    try:
        return read(cursor, inner, path)
    except LineError as error:
        prefix = f"{path} must be "
        what, comma, got = str(error).removeprefix(prefix).partition(", not ")
        if not str(error).startswith(prefix) or not comma:
            raise
        raise LineError(f"{prefix}{what} or null, not {got}") from None


def _unsigned(cursor: Cursor, limit: int, path: str) -> int:
    char = cursor.peek()
    if char != "-" and not ("0" <= char <= "9" and char):
        raise _expected(cursor, path, "an integer")
    value = cursor.unsigned(limit)
    if isinstance(value, int):
        return value
    if _overflows(value):
        raise LineError(f"{path}: {OUT_OF_RANGE}")
    shown = capped(value)
    if value.startswith("-0") and value.strip("-0.eE+") == "":
        raise LineError(f"{path} must be an integer, not {shown} (a float to serde_json)")
    if "." in value or "e" in value or "E" in value:
        raise LineError(f"{path} must be an integer, not a number with a fraction ({shown})")
    if value.startswith("-"):
        raise LineError(f"{path} must be an integer >= 0, not {shown}")
    raise LineError(f"{path} must be an integer <= {limit}")


def _overflows(number: str) -> bool:
    """Whether serde_json's f64 overflows on this number (it then says nothing of types)."""
    try:
        number_end(number, 0)
    except BadNumber:
        return True
    return False


def _bool(cursor: Cursor, _: Any, path: str) -> bool:
    char = cursor.peek()
    if char not in ("t", "f") or not char:
        raise _expected(cursor, path, "a boolean")
    cursor.word("true" if char == "t" else "false")
    return char == "t"


def _enum(cursor: Cursor, values: tuple[str, ...], path: str) -> str:
    allowed = ", ".join(values)
    char = cursor.peek()
    if char == '"':
        value = cursor.string()
    elif char == "{":  # serde's map form of a unit variant: {"Lead": null}
        cursor.enter()
        cursor.pos += 1
        if cursor.peek() != '"':
            raise cursor.fail("expected a string key")
        value = cursor.string()
        if value in values:
            cursor.expect(":", "`:`")
            if cursor.peek() != "n":
                got = describe(cursor)
                raise LineError(f"{path} {{{quoted(value)}: ...}} must hold null, not {got}")
            cursor.word("null")
            cursor.expect("}", "`}`")
            cursor.depth -= 1
    else:
        raise _expected(cursor, path, f"one of {allowed}")
    if value not in values:
        raise LineError(f"{path} has invalid value {quoted(value)} (expected one of {allowed})")
    return value


def _list(cursor: Cursor, item: Kind, path: str) -> list[Any]:
    if cursor.peek() != "[":
        raise _expected(cursor, path, "an array")
    cursor.enter()
    cursor.pos += 1
    items: list[Any] = []
    char = cursor.peek()
    while char != "]":
        if items:
            if char != ",":
                raise cursor.fail("expected `,` or `]`")
            cursor.pos += 1
            if cursor.peek() == "]":
                raise cursor.fail("trailing comma")
        items.append(read(cursor, item, f"{path}[{len(items)}]"))
        char = cursor.peek()
    cursor.pos += 1
    cursor.depth -= 1
    return items


def _value(cursor: Cursor, _: Any, path: str) -> Any:
    if not cursor.peek():
        raise cursor.fail("expected value")
    return cursor.value()


def _datetime(cursor: Cursor, _: Any, path: str) -> str:
    if cursor.peek() != '"':
        raise _expected(cursor, path, "a date-time string")
    text = cursor.string()
    try:
        parse_utc(text)
    except ValueError as error:
        why = f"{path} is not a date-time chrono reads: {error} ({quoted(text)})"
        raise LineError(why) from None
    return text


_READERS: dict[str, Callable[[Cursor, Any, str], Any]] = {
    "str": _string,
    "option": _option,
    "unsigned": _unsigned,
    "bool": _bool,
    "enum": _enum,
    "list": _list,
    "value": _value,
    "datetime": _datetime,
}


def describe(cursor: Cursor) -> str:
    """What the value at the cursor is, in words, for an error there (the cursor moves past
    a number it looked at: see :meth:`.scan.Cursor.fail`)."""
    text, pos = cursor.text, cursor.pos
    char = text[pos : pos + 1]
    if char in ("-", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9") and char:
        number = NUMBER_TOKEN.match(text, pos)
        token = number[0] if number else char
        cursor.pos += len(token)
        if number and _overflows(token):
            return f"a {OUT_OF_RANGE}"
        if token == "-0":
            return "-0 (a float to serde_json)"
        fraction = "." in token or "e" in token or "E" in token
        return "a number with a fraction" if fraction else "an integer"
    words = {'"': "a string", "{": "an object", "[": "an array", "t": "a boolean"}
    words |= {"f": "a boolean", "n": "null"}
    if char in words and char:
        return words[char]
    raise cursor.fail("expected value")
