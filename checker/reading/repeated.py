"""A struct field written twice in a snapshot, which the daemon's serde refuses.

serde's derived ``Deserialize`` for a struct (``Projections``, ``AgentIndex``, ``Agent``)
fails on a known field written twice ("duplicate field `kind`"), while a map (``by_id``,
``by_name``, ...) keeps the last value, as msgspec does everywhere. Checking every object
is a second parse of the snapshot, so it is done only when the text holds more keys than
the decoded snapshot accounts for: every key of a JSON text ends with ``":``, and the
decoded snapshot knows how many keys it read (:func:`keys_read`). A repeated key, an
unknown field, a repeated map key or a space before a colon sends the snapshot to the
exact check, which only the first of these fails. No I/O here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import msgspec

from lifecheck.checker.reading.echo import capped
from lifecheck.checker.reading.json_paths import members

#: A key with white space before its colon: not counted by ``":``, so the exact check runs.
_SPACED_KEY = re.compile(rb'"[ \t\n\r]+:')

#: A struct's shape: its known fields, each with ``None``, or ``("struct", shape)`` when it
#: is a struct, or ``("values", shape)`` when it is a map whose values are structs.
Shape = Mapping[str, "tuple[str, Shape] | None"]

#: An object as the exact check parses it: its members, in order.
_Pairs = tuple[tuple[str, Any], ...]


def may_repeat(data: bytes, keys_read: int) -> bool:
    """Whether ``data`` may hold a repeated key: it holds more keys than the ``keys_read``
    that decoding it read (or some it does not count)."""
    return data.count(b'":') != keys_read or _SPACED_KEY.search(data) is not None


def repeated_field(text: str, shape: Shape) -> tuple[str, int] | None:
    """The first struct field written twice in ``text``, a JSON object of this ``shape``,
    in the order serde reads it: its path (``$.agents.by_id[key].kind``) and the offset of
    its second value; ``None`` if there is none."""
    document: _Pairs = json.loads(text, object_pairs_hook=tuple)
    steps = next(_repeats(document, shape, ()), None)
    if steps is None:
        return None
    shown, start = "$", 0
    for index, in_map in steps:
        key, start, _ = members(text, start)[index]
        shown += f"[{capped(key or '')}]" if in_map else f".{key}"
    return shown, start


#: The way to a member: its index in its object, and whether that object is a map.
_Steps = tuple[tuple[int, bool], ...]


def _repeats(pairs: _Pairs, fields: Shape, at: _Steps) -> Iterator[_Steps]:
    """The way to each repeated field of the struct ``pairs`` and of the structs it holds."""
    seen: set[str] = set()
    for index, (key, value) in enumerate(pairs):
        if key not in fields:
            continue  # serde skips an unknown field, however often it is written
        if key in seen:
            yield (*at, (index, False))
            return
        seen.add(key)
        inner = fields[key]
        if inner is None or not isinstance(value, tuple):
            continue
        shape, struct = inner
        if shape == "struct":
            yield from _repeats(value, struct, (*at, (index, False)))
        else:
            for number, (_, record) in enumerate(value):
                if isinstance(record, tuple):
                    yield from _repeats(record, struct, (*at, (index, False), (number, True)))


def keys_in(raws: Iterable[msgspec.Raw]) -> int:
    """The keys written in these undecoded parts of the snapshot."""
    return sum(bytes(raw).count(b'":') for raw in raws)
