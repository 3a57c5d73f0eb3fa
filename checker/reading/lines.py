"""The lines of a log as the daemon's recovery sees them (docs/rules.md §1).

`fs::read_to_string` fails on the first byte that is not UTF-8, wherever it is;
`str::lines()` splits on ``\\n`` (a ``\\r`` before it is dropped, a lone one ends nothing);
a line whose `trim()` is empty (Unicode White_Space) is skipped; any other line must pass
`serde_json::from_str::<DomainEvent>` (:mod:`.serde`).
"""

from __future__ import annotations

import re

from lifecheck.checker.reading.events import Event
from lifecheck.checker.reading.scan import UNICODE_SPACE, LineError
from lifecheck.checker.reading.serde import parse_event

__all__ = ["SPACE", "LineError", "bad_byte", "decode_line", "first_bad_utf8", "is_blank",
           "is_blank_text", "utf8_error"]  # fmt: skip

#: What `str::trim` removes, for `str.strip`.
SPACE = "".join(sorted(UNICODE_SPACE))
_NOT_SPACE = re.compile(f"[^{re.escape(SPACE)}]")


def decode_line(raw: bytes) -> Event:
    """The event on one line (its newline may be left on), or :class:`LineError` saying why
    serde_json rejects it."""
    try:
        text = raw.decode()
    except UnicodeDecodeError as bad:
        raise LineError(utf8_error(raw, bad.start)) from None
    return parse_event(text)


def utf8_error(data: bytes | bytearray, at: int) -> str:
    """Why the byte at ``at`` of a line stops `read_to_string`."""
    return bad_byte(data[at], at + 1)


def bad_byte(byte: int, column: int) -> str:
    """Why ``byte``, at ``column`` of its line (from 1), stops `read_to_string`."""
    return f"invalid UTF-8 (byte 0x{byte:02x} at column {column}): the file is not text"


def is_blank(raw: bytes | bytearray) -> bool:
    """Whether Rust's `line.trim().is_empty()` holds (``raw`` is valid UTF-8)."""
    if not raw.strip():  # ASCII whitespace: Rust's White_Space below 0x80, exactly
        return True
    return not raw.isascii() and not raw.decode(errors="replace").strip(SPACE)


def is_blank_text(text: str) -> bool:
    """:func:`is_blank` for a decoded line (which is not copied, however long)."""
    return _NOT_SPACE.search(text) is None


def first_bad_utf8(data: bytes | bytearray) -> int | None:
    """The offset of the first byte that makes ``data`` not UTF-8, or ``None``."""
    if data.isascii():
        return None
    try:
        data.decode()
    except UnicodeDecodeError as bad:
        return bad.start
    return None
