"""Where in a JSON text a msgspec validation error is: its line, and its path with keys.

msgspec names the value it rejects by a path such as ``$.agents.by_id[...].pid``, with
``[...]`` for any key of a map and no byte offset. The text is walked along the path; at a
``[...]`` the key taken is the first whose value fails to decode as the map's values (msgspec
validates in document order, so that is the one it rejected). serde_json stops at the
rejected value, or, for a missing field, at the end of the object: that is the offset given.
"""

from __future__ import annotations

import re
from typing import Any, get_args, get_origin, get_type_hints

import msgspec

from lifecheck.checker.reading.echo import capped
from lifecheck.checker.reading.scan import Cursor, LineError

_STEP = re.compile(r"\.([A-Za-z_]\w*)|\[(\.\.\.|\d+)\]")
#: A member of an object or an element of an array: its key (``None`` in an array), and
#: where its value starts and ends.
_Member = tuple[str | None, int, int]


def locate(text: str, path: str, root: type, *, at_end: bool) -> tuple[str, int] | None:
    """``path`` (from ``$``) with its keys, and the offset of the value it names in ``text``,
    a JSON document of type ``root`` (its end, with ``at_end``); ``None`` if it is not found."""
    kind: Any = root
    start, end, shown = 0, len(text), "$"
    try:
        for step in _STEP.finditer(path, 1):
            field, index = step.groups()
            found = members(text, start)
            if index is None:
                kind = get_type_hints(kind, include_extras=True)[field]
                chosen = _failing(text, [m for m in found if m[0] == field], kind)
                shown += f".{field}"
            elif index == "...":
                kind = _container(kind, dict)[1]
                chosen = _failing(text, found, kind)
                shown += f"[{capped(chosen[0] or '')}]"
            else:
                kind = _container(kind, list)[0]
                chosen = found[int(index)]
                shown += f"[{index}]"
            _, start, end = chosen
    except (LineError, LookupError, TypeError):
        return None
    return shown, end - 1 if at_end else start


def _container(kind: Any, origin: type) -> tuple[Any, ...]:
    """The parameters of the ``dict`` or ``list`` type ``kind`` is (or holds, in a union)."""
    for option in (kind, *get_args(kind)):
        if get_origin(option) is origin:
            return get_args(option)
    raise TypeError(f"no {origin.__name__} in {kind!r}")


def _failing(text: str, members: list[_Member], kind: Any) -> _Member:
    """The first member whose value is not a ``kind`` (the last one if none fails)."""
    decode = msgspec.json.Decoder(kind).decode
    for member in members:
        try:
            decode(text[member[1] : member[2]])
        except msgspec.ValidationError:
            return member
    return members[-1]


def members(text: str, start: int) -> list[_Member]:
    """The members of the object, or the elements of the array, at ``start``."""
    cursor = Cursor(text)
    cursor.pos = start
    close = "}" if cursor.peek() == "{" else "]"
    cursor.pos += 1
    found: list[_Member] = []
    while cursor.peek() != close:
        if found:
            cursor.expect(",", "`,`")
        key = None
        if close == "}":
            cursor.peek()
            key = cursor.string()
            cursor.expect(":", "`:`")
        cursor.peek()
        begin = cursor.pos
        cursor.skip()
        found.append((key, begin, cursor.pos))
    return found
