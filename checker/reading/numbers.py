"""Numbers as serde_json 1.0.87 parses them into a `Value` (without `float_roundtrip`).

Its own parser, not Python's: an integer up to `u64::MAX` is exact, a longer one or one
with a fraction or exponent is built as an f64 from a `u64` significand and a power of ten
(`f64_from_parts`), which fails where that f64 overflows, quirks included (a long integer
may end in a bare `.`; `18446744073709551619.5` fails). Only where parsing stops and whether
it fails is computed; the value itself is read by the caller.
"""

from __future__ import annotations

U64_MAX = 2**64 - 1
#: serde_json's words for a number its f64 overflows.
OUT_OF_RANGE = "number out of range (serde_json's f64 overflows)"
_I32_MAX = 2**31 - 1
#: serde_json's POW10 table: 1e0 to 1e308, as f64 literals.
_POW10 = [float(f"1e{n}") for n in range(309)]
_DIGITS = frozenset("0123456789")


class BadNumber(ValueError):
    """serde_json rejects the number: bad syntax at ``at``, or (``at`` < 0) an f64 overflow."""

    def __init__(self, at: int = -1) -> None:
        super().__init__(OUT_OF_RANGE)
        self.at = at


def _overflows(value: int, digit: int, limit: int) -> bool:
    """serde_json's `overflow!(value * 10 + digit, limit)`."""
    return value >= limit // 10 and (value > limit // 10 or digit > limit % 10)


def number_end(text: str, pos: int) -> int:
    """Where serde_json's number parser (`parse_integer` and the rest, without the
    `float_roundtrip` feature) stops, raising where it fails; no value is built."""
    if text[pos] == "-":  # the sign changes no verdict
        pos += 1
    first = text[pos : pos + 1]
    if first == "0":
        pos += 1
        if text[pos : pos + 1] in _DIGITS:
            raise BadNumber(pos)
        significand = 0
    elif first in _DIGITS:
        significand, pos = int(first), pos + 1
        while (char := text[pos : pos + 1]) and char in _DIGITS:
            if _overflows(significand, int(char), U64_MAX):
                return _long_integer(text, pos, significand)
            significand, pos = significand * 10 + int(char), pos + 1
    else:
        raise BadNumber(pos)
    char = text[pos : pos + 1]
    if char == ".":
        return _decimal(text, pos, significand, 0)
    if char in ("e", "E"):
        return _exponent(text, pos, significand, 0)
    return pos


def _long_integer(text: str, pos: int, significand: int) -> int:
    exponent = 0
    while (char := text[pos : pos + 1]) and char in _DIGITS:
        pos, exponent = pos + 1, exponent + 1
    if char == ".":
        return _decimal(text, pos, significand, exponent)
    if char in ("e", "E"):
        return _exponent(text, pos, significand, exponent)
    _f64_from_parts(significand, exponent)
    return pos


def _decimal(text: str, pos: int, significand: int, exponent: int) -> int:
    pos += 1
    while (char := text[pos : pos + 1]) and char in _DIGITS:
        if _overflows(significand, int(char), U64_MAX):
            while (char := text[pos : pos + 1]) and char in _DIGITS:
                pos += 1
            break
        significand, exponent, pos = significand * 10 + int(char), exponent - 1, pos + 1
    else:
        if exponent == 0:  # no digit after the point (a quirk: not checked after a long one)
            raise BadNumber(pos)
    if text[pos : pos + 1] in ("e", "E"):
        return _exponent(text, pos, significand, exponent)
    _f64_from_parts(significand, exponent)
    return pos


def _exponent(text: str, pos: int, significand: int, start: int) -> int:
    pos += 1
    sign = text[pos : pos + 1]
    positive_exp = sign != "-"
    pos += 1 if sign in ("+", "-") else 0
    first = text[pos : pos + 1]
    if first not in _DIGITS:
        raise BadNumber(pos)
    exp, pos = int(first), pos + 1
    while (char := text[pos : pos + 1]) and char in _DIGITS:
        pos += 1
        if _overflows(exp, int(char), _I32_MAX):
            if significand != 0 and positive_exp:
                raise BadNumber()
            while (char := text[pos : pos + 1]) and char in _DIGITS:
                pos += 1
            return pos
        exp = exp * 10 + int(char)
    final = start + exp if positive_exp else start - exp
    _f64_from_parts(significand, max(-(2**31), min(_I32_MAX, final)))
    return pos


def _f64_from_parts(significand: int, exponent: int) -> None:
    value = float(significand)
    while True:
        if abs(exponent) < len(_POW10):
            if exponent >= 0:
                value *= _POW10[exponent]
                if value == float("inf"):
                    raise BadNumber()
            break
        if value == 0.0:
            break
        if exponent >= 0:
            raise BadNumber()
        value /= 1e308
        exponent += 308
