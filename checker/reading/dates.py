"""`DateTime<Utc>` from a string, as chrono 0.4.23's `FromStr` parses it (its relaxed RFC 3339).

The grammar, from chrono's `DATE_ITEMS` and `TIME_ITEMS`: a year (four digits at most, or
a sign and any number), `-`, a month and `-`, a day (one or two digits each); then `T` or
a space; an hour, `:`, a minute, `:`, a second (one or two digits; 60 is a leap second);
an optional `.` and one or more digits (nanoseconds, the tenth on ignored); then `Z`, `z`,
`UTC` in any case, or a sign, two digits, any colons or spaces, and two digits. Unicode
whitespace may come before each number, the offset and at the end. The date must exist
(proleptic Gregorian, years -262144 to 262143), the offset be under a day, and the instant
in UTC stay in range.
"""

from __future__ import annotations

import calendar
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from lifecheck.checker.reading.scan import UNICODE_SPACE

MIN_YEAR, MAX_YEAR = -262144, 262143
_I32 = 2**31
_I64_MAX = 2**63 - 1
_DIGITS = frozenset("0123456789")


class ChronoTime(NamedTuple):
    """A parsed instant: the local fields, the leap second flag, and the offset in seconds."""

    year: int
    month: int
    day: int
    hour: int
    minute: int
    second: int
    nanosecond: int
    offset: int

    def to_datetime(self) -> datetime:
        """The instant as an aware UTC `datetime` (a leap second reads as :59.999999);
        ``ValueError`` outside years 1 to 9999."""
        second, micro = (59, 999_999) if self.second == 60 else (self.second, 0)
        micro = micro or (self.nanosecond + 500) // 1000
        if micro > 999_999:  # the rounding reached the next second
            micro, extra = 0, timedelta(seconds=1)
        else:
            extra = timedelta()
        local = datetime(self.year, self.month, self.day, self.hour, self.minute, second, micro)
        return (local + extra - timedelta(seconds=self.offset)).replace(tzinfo=UTC)


def parse_utc(text: str) -> ChronoTime:
    """``text`` parsed as chrono's `DateTime<Utc>`; ``ValueError`` where chrono fails."""
    pos, year = _number(text, _space(text, 0), 4, signed=True)
    pos = _literal(text, _space(text, pos), "-")
    pos, month = _number(text, _space(text, pos), 2)
    pos = _literal(text, _space(text, pos), "-")
    pos, day = _number(text, _space(text, pos), 2)
    if pos == len(text):
        raise ValueError("a date without a time")
    if text[pos] not in ("T", " "):
        raise ValueError("the date and the time must be separated by `T` or a space")
    pos, hour = _number(text, _space(text, pos + 1), 2)
    pos = _literal(text, _space(text, pos), ":")
    pos, minute = _number(text, _space(text, pos), 2)
    pos = _literal(text, _space(text, pos), ":")
    pos, second = _number(text, _space(text, pos), 2)
    nano = 0
    if text.startswith(".", pos):
        pos, nano = _fraction(text, pos + 1)
    pos, offset = _offset(text, _space(text, _space(text, pos)))
    if _space(text, pos) != len(text):
        raise ValueError("characters after the offset")
    return _checked(ChronoTime(year, month, day, hour, minute, second, nano, offset))


def _space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in UNICODE_SPACE:
        pos += 1
    return pos


def _literal(text: str, pos: int, char: str) -> int:
    if not text.startswith(char, pos):
        raise ValueError(f"expected `{char}`")
    return pos + 1


def _number(text: str, pos: int, width: int, *, signed: bool = False) -> tuple[int, int]:
    """chrono's `scan::number`: one to ``width`` ASCII digits, or with a sign any number."""
    sign = 1
    if signed and text[pos : pos + 1] in ("+", "-"):
        sign, pos, width = (-1 if text[pos] == "-" else 1), pos + 1, _I64_MAX
    end = pos
    while end < len(text) and end - pos < width and text[end] in _DIGITS:
        end += 1
    if end == pos:
        raise ValueError("expected a number")
    if end - pos > 19 and int(text[pos:end]) > _I64_MAX:
        raise ValueError("a number out of range")
    value = sign * int(text[pos:end])
    if not -_I32 <= value < _I32:
        raise ValueError("a number out of range")
    return end, value


def _fraction(text: str, pos: int) -> tuple[int, int]:
    """chrono's `scan::nanosecond`: one to nine digits, further digits skipped."""
    end, value = _number(text, pos, 9)
    nano = value * 10 ** (9 - (end - pos))
    while end < len(text) and text[end] in _DIGITS:
        end += 1
    return end, nano


def _offset(text: str, pos: int) -> tuple[int, int]:
    """chrono's `scan::timezone_offset_zulu` with `colon_or_space`."""
    first = text[pos : pos + 1]
    if first in ("z", "Z"):
        return pos + 1, 0
    if first in ("u", "U"):
        if text[pos + 1 : pos + 3].lower() != "tc" or not text[pos + 1 : pos + 3].isascii():
            raise ValueError("expected `UTC`")
        return pos + 3, 0
    if first not in ("+", "-"):
        raise ValueError("expected an offset")
    hours = text[pos + 1 : pos + 3]
    if len(hours) < 2 or not (hours[0] in _DIGITS and hours[1] in _DIGITS):
        raise ValueError("an offset needs two digits of hours")
    pos += 3
    while pos < len(text) and (text[pos] == ":" or text[pos] in UNICODE_SPACE):
        pos += 1
    minutes = text[pos : pos + 2]
    if len(minutes) < 2 or minutes[0] not in "012345" or minutes[1] not in _DIGITS:
        raise ValueError("an offset needs two digits of minutes, 00 to 59")
    seconds = int(hours) * 3600 + int(minutes) * 60
    return pos + 2, -seconds if first == "-" else seconds


def _checked(time: ChronoTime) -> ChronoTime:
    """chrono's `Parsed::to_datetime`: a real date and time, an offset under a day, and
    an instant in range once the offset is taken off."""
    if not (MIN_YEAR <= time.year <= MAX_YEAR and 1 <= time.month <= 12):
        raise ValueError("no such date")
    if not 1 <= time.day <= _days_in_month(time.year, time.month):
        raise ValueError("no such date")
    if time.hour > 23 or time.minute > 59 or time.second > 60:
        raise ValueError("no such time of day")
    if not -86_400 < time.offset < 86_400:
        raise ValueError("an offset of a day or more")
    seconds = _days_from_civil(time.year, time.month, time.day) * 86_400 - time.offset
    seconds += time.hour * 3600 + time.minute * 60 + min(time.second, 59)
    low = _days_from_civil(MIN_YEAR, 1, 1) * 86_400
    high = _days_from_civil(MAX_YEAR, 12, 31) * 86_400 + 86_399
    if not low <= seconds <= high:
        raise ValueError("out of chrono's range")
    return time


def _days_in_month(year: int, month: int) -> int:
    if month == 2:
        return 29 if calendar.isleap(year) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _days_from_civil(year: int, month: int, day: int) -> int:
    """Days from 1970-01-01 in the proleptic Gregorian calendar (any year)."""
    year -= month <= 2
    era = year // 400
    yoe = year - era * 400
    doy = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146_097 + doe - 719_468
