"""Showing paths (and any other one-line text from outside) safely, in every format.

A file name may hold bytes that are not UTF-8 (``os.fsdecode`` turns them into lone
surrogates, which no encoder accepts), a newline that would split a finding's line, or an
escape sequence a terminal would obey. Every report shows such text through
:func:`printable`.
"""

from __future__ import annotations

_NAMED = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}


def printable(text: str) -> str:
    """``text`` with every unprintable character as a backslash escape: ``\\n``, ``\\t``,
    ``\\r``, ``\\xff`` for a byte that was not UTF-8 or a control character, ``\\u2028``
    beyond. Printable text (backslashes included) is left alone, so applying it twice
    changes nothing more."""
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else _escape(char) for char in text)


def _escape(char: str) -> str:
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # os.fsdecode's escape of a byte that is not UTF-8
        return f"\\x{code - 0xDC00:02x}"
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"
