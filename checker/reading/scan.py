"""JSON text as serde_json 1.0.87 reads it: the building blocks of the exact decoder.

A :class:`Cursor` walks one line (already valid UTF-8) the way serde_json's deserializer
does: only `` ``, ``\\t``, ``\\n`` and ``\\r`` are whitespace; a string parsed into a value
must hold paired surrogates, one only skipped (an ignored field's) need not; numbers follow
serde_json's own parser, down to when a float overflows; and arrays and objects count
against the recursion limit of 128 only where they are parsed, not where they are skipped.
Nothing here recurses, so no depth of nesting can overflow Python's stack.
"""

from __future__ import annotations

import re
from typing import Any

from lifecheck.checker.reading.numbers import BadNumber, number_end

#: Rust's `char::is_whitespace` (Unicode White_Space): what `str::trim` removes.
UNICODE_SPACE = frozenset(
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
    "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
#: serde_json's `remaining_depth`: opening the 128th nested container is an error.
DEPTH_LIMIT = 128
U64_MAX = 2**64 - 1
#: Why a line that ends before its value does is rejected.
TRUNCATED = "invalid JSON: the line ends before the value does (truncated)"

_WS = re.compile(r"[ \t\n\r]*")
_JSON_SPACE = frozenset(" \t\n\r")
_PLAIN_KEY = re.compile(r'"([^"\\\x00-\x1f]*)"[ \t\n\r]*:')
_PLAIN = re.compile(r'"([^"\\\x00-\x1f]*)"')
_STRING = re.compile(r'"((?:[^"\\\x00-\x1f]++|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*+)"')
_STRING_PREFIX = re.compile(r'"(?:[^"\\\x00-\x1f]++|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*+')
_ESCAPE = re.compile(
    r"\\u([dD][89abAB][0-9a-fA-F]{2})\\u([dD][c-fC-F][0-9a-fA-F]{2})"
    r"|\\u([0-9a-fA-F]{4})|\\(.)"
)
_SIMPLE = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
NUMBER_TOKEN = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_UNSIGNED = re.compile(r"(?:0|[1-9][0-9]*)(?![0-9.eE])")
_NUMBER_RUN = re.compile(r"-?[0-9.eE+-]*")
_DIGITS = frozenset("0123456789")


class LineError(ValueError):
    """A single line is not a valid ``DomainEvent``; the message says why."""


class Cursor:
    """A position in one line, and how many parsed containers are open around it."""

    __slots__ = ("depth", "pos", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.depth = 0

    # --- errors -----------------------------------------------------------------------------

    def fail(self, what: str, at: int | None = None) -> LineError:
        """A syntax error at ``at`` (the cursor by default, which moves there: the cursor
        is never behind what an error rests on): the line ends too soon, or ``what`` is
        found there."""
        at = self.pos = max(self.pos, at or 0)
        if at >= len(self.text):
            return LineError(TRUNCATED)
        return LineError(f"invalid JSON: {what} (column {at + 1})")

    # --- tokens -----------------------------------------------------------------------------

    def peek(self) -> str:
        """The next character that is not whitespace ("" at the end); the cursor is moved
        to it."""
        char = self.text[self.pos : self.pos + 1]
        if char not in _JSON_SPACE:
            return char
        match = _WS.match(self.text, self.pos)
        assert match is not None  # `*` matches the empty string
        self.pos = match.end()
        return self.text[self.pos : self.pos + 1]

    def key(self) -> str | None:
        """An object key and its colon, if the key needs no unescaping (else ``None``, the
        cursor left on its quote)."""
        match = _PLAIN_KEY.match(self.text, self.pos)
        if match is None:
            return None
        self.pos = match.end()
        return match[1]

    def expect(self, char: str, what: str) -> None:
        """Consume ``char`` after any whitespace, or fail saying ``what`` was expected."""
        if self.peek() != char:
            raise self.fail(f"expected {what}")
        self.pos += 1

    def word(self, word: str) -> None:
        """Consume ``null``, ``true`` or ``false`` (its first letter already peeked)."""
        text, pos = self.text, self.pos
        if not text.startswith(word, pos):
            same = 0
            while text[pos + same : pos + same + 1] == word[same]:
                same += 1
            raise self.fail(f"expected `{word}`", pos + same)
        self.pos += len(word)

    def enter(self) -> None:
        """Open a parsed array or object (serde_json's `check_recursion!`)."""
        self.depth += 1
        if self.depth >= DEPTH_LIMIT:
            raise LineError(f"nesting deeper than serde_json's limit of {DEPTH_LIMIT - 1} levels")

    # --- strings ----------------------------------------------------------------------------

    def string(self) -> str:
        """A string parsed into a value (the cursor on its quote): escapes decoded, and
        every ``\\u`` surrogate paired."""
        text, pos = self.text, self.pos
        plain = _PLAIN.match(text, pos)
        if plain is not None:
            self.pos = plain.end()
            return plain[1]
        full = _STRING.match(text, pos)
        if full is None:
            raise self._bad_string()
        self.pos = full.end()
        try:
            return _ESCAPE.sub(_unescape, full[1])
        except LineError:
            raise LineError("invalid JSON: a \\u escape is an unpaired surrogate") from None

    def skip_string(self) -> None:
        """A string only skipped (serde_json's `ignore_str`): any ``\\u`` escape will do."""
        full = _STRING.match(self.text, self.pos)
        if full is None:
            raise self._bad_string()
        self.pos = full.end()

    def _bad_string(self) -> LineError:
        prefix = _STRING_PREFIX.match(self.text, self.pos)
        assert prefix is not None  # the cursor is on a quote
        at = prefix.end()
        char = self.text[at : at + 1]
        if char == "\\":
            return self.fail("invalid escape", at)
        return self.fail(f"control character {char!r} in a string", at)

    # --- numbers ----------------------------------------------------------------------------

    def unsigned(self, limit: int) -> int | str:
        """An unsigned integer field (`u32`, `u64`): the value, or what it is instead."""
        match = _UNSIGNED.match(self.text, self.pos)
        if match is None or len(match[0]) > 20 or int(match[0]) > limit:
            number = NUMBER_TOKEN.match(self.text, self.pos)
            if number is None:
                raise self.fail("invalid number")
            self.pos = number.end()
            return number[0]
        self.pos = match.end()
        return int(match[0])

    def skip_number(self) -> None:
        """A number only skipped: its syntax is all that counts."""
        number = NUMBER_TOKEN.match(self.text, self.pos)
        if number is None:
            raise self.fail("invalid number")
        self.pos = number.end()
        if self.text[self.pos : self.pos + 1] in _DIGITS:
            raise self.fail("invalid number")  # after a leading zero

    def number(self) -> int | float:
        """A number parsed into a `serde_json::Value`: an error where serde_json's f64
        overflows; the value is read the way msgspec reads it."""
        start = self.pos
        try:
            self.pos = number_end(self.text, start)
        except BadNumber as bad:
            if bad.at >= 0:
                raise self.fail("invalid number", bad.at) from None
            run = _NUMBER_RUN.match(self.text, start)
            assert run is not None  # `*` matches the empty string
            self.pos = run.end()  # past all the number could be
            raise LineError(str(bad)) from None
        token = self.text[start : self.pos]
        if "." in token or "e" in token or "E" in token:
            return float(token)
        return int(token)

    # --- values -----------------------------------------------------------------------------

    def value(self) -> Any:
        """A `serde_json::Value`, iteratively: strings checked, numbers ranged, depth
        counted."""
        stack: list[list[Any] | dict[str, Any]] = []
        keys: list[str] = []
        while True:
            char = self.peek()
            if char == "[" or char == "{":
                self.enter()
                self.pos += 1
                close = "]" if char == "[" else "}"
                if self.peek() != close:
                    stack.append([] if char == "[" else {})
                    if char == "{":
                        keys.append(self._key(parse=True))
                    continue
                self.pos += 1
                self.depth -= 1
                value: Any = [] if char == "[" else {}
            else:
                value = self._scalar(char)
            while True:
                if not stack:
                    return value
                top = stack[-1]
                if isinstance(top, list):
                    top.append(value)
                else:
                    top[keys.pop()] = value
                char = self.peek()
                if char == ",":
                    self.pos += 1
                    if isinstance(top, dict):
                        keys.append(self._key(parse=True))
                    break
                if char != ("]" if isinstance(top, list) else "}"):
                    raise self.fail("expected `,` or the end of the container")
                self.pos += 1
                self.depth -= 1
                value = stack.pop()

    def skip(self) -> None:
        """A value only skipped (an ignored field's, serde_json's `ignore_value`): any
        depth, any strings, numbers by syntax only."""
        closers: list[str] = []
        while True:
            char = self.peek()
            if char == "[" or char == "{":
                self.pos += 1
                close = "]" if char == "[" else "}"
                if self.peek() == close:
                    self.pos += 1
                else:
                    closers.append(close)
                    if char == "{":
                        self._key(parse=False)
                    continue
            elif char == '"':
                self.skip_string()
            elif char == "-" or char in _DIGITS:
                self.skip_number()
            else:
                self._scalar(char)
            while True:
                if not closers:
                    return
                char = self.peek()
                if char == ",":
                    self.pos += 1
                    if closers[-1] == "}":
                        self._key(parse=False)
                    break
                if char != closers[-1]:
                    raise self.fail("expected `,` or the end of the container")
                self.pos += 1
                closers.pop()

    def _key(self, *, parse: bool) -> str:
        """An object key and its colon."""
        if self.peek() != '"':
            raise self.fail("expected a string key")
        key = ""
        if parse:
            key = self.string()
        else:
            self.skip_string()
        self.expect(":", "`:`")
        return key

    def _scalar(self, char: str) -> Any:
        if char == '"':
            return self.string()
        if char == "-" or char in _DIGITS:
            return self.number()
        if char in ("n", "t", "f"):
            word = {"n": "null", "t": "true", "f": "false"}[char]
            self.word(word)
            return {"null": None, "true": True, "false": False}[word]
        raise self.fail("expected value")


def _unescape(match: re.Match[str]) -> str:
    high, low, single, simple = match.groups()
    if simple is not None:
        return _SIMPLE[simple]
    if high is not None:
        return chr(0x10000 + ((int(high, 16) - 0xD800) << 10) + (int(low, 16) - 0xDC00))
    code = int(single, 16)
    if 0xD800 <= code <= 0xDFFF:
        raise LineError("unpaired surrogate")
    return chr(code)
