"""The classes of issue 12, one small log each, with the Midtown daemon's verdict (rules.md §1).

Each verdict is what the daemon's own reading gives (serde 1.0.152, serde_json 1.0.87,
chrono 0.4.23, `read_to_string`, `str::lines()`, `trim()`): ``ok``, ``malformed`` at a line,
or ``unreadable`` (the file is not UTF-8) at the line of its first bad byte. Both readers
must give it, and no input may make them raise.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lifecheck.checker.reading.reader import BLOCK_SIZE, LogReader

OK = ("ok", None)
GOOD = b'{"AgentGarbageCollected":{"id":"a"}}'
STARTED = '{"AgentStarted":{"id":"a","pid":1%s}}'
RESUMED = '{"AgentResumed":{"id":"a","pid":1%s}}'
CREATED = (
    '{"AgentCreated":{"id":"a","name":"n","kind":%s,"agent_type":"t","provider":"Codex",'
    '"channel":null,"task_id":null,"bound_thread_id":null,"icon":null,"color":null}}'
)
MESSAGE = '{"MessagePosted":{"id":"m","channel":"c","sender":"s","content":"x"%s}}'
CONFIG = '{"ConfigUpdated":{"key":"k","value":%s}}'
RESET = '{"UsageLimitHit":{"agent_id":"a","reset_at":"%s"}}'


def bad(line: int) -> tuple[str, int]:
    return ("malformed", line)


def unreadable(line: int) -> tuple[str, int]:
    return ("unreadable", line)


def one(line: str | bytes, verdict: tuple[str, int | None] = OK) -> Any:
    """A log of a good line, ``line``, and a good line again; a malformed ``line`` is line 2."""
    raw = line.encode() if isinstance(line, str) else line
    expected = bad(2) if verdict == bad(1) else verdict
    return pytest.param(GOOD + b"\n" + raw + b"\n" + GOOD + b"\n", expected, id=str(line)[:60])


def verdict_of(data: bytes, *, exact: bool) -> tuple[str, int | None]:
    reader = LogReader(io.BytesIO(data), exact=exact)
    for _ in reader:
        pass
    found = reader.malformed
    if found is None:
        return OK
    return ("unreadable" if found.unreadable else "malformed", found.line)


def _check(data: bytes, expected: tuple[str, int | None]) -> None:
    assert (expected, expected) == (verdict_of(data, exact=False), verdict_of(data, exact=True))


NOT_UTF8 = [
    one(STARTED.encode() % b',"session_id":"\xff"', unreadable(2)),
    one(STARTED.encode() % b',"extra":"\xe9t\xe9"', unreadable(2)),  # even where ignored
    one(STARTED.encode() % b',"extra":"\xc0\x80"', unreadable(2)),  # overlong NUL
    one(STARTED.encode() % b',"extra":"\xed\xa0\x80"', unreadable(2)),  # a UTF-8 surrogate
    one(STARTED.encode() % b',"extra":"\xf4\x90\x80\x80"', unreadable(2)),  # above U+10FFFF
    pytest.param(GOOD + b"\nnot json\n" + GOOD + b"\n\xff\n", unreadable(4), id="after-bad-line"),
    pytest.param(GOOD + b"\n" + GOOD[:-2] + b"\xc3", unreadable(2), id="cut-in-last-line"),
]

REPEATED = [
    one(STARTED % ',"id":"b"', bad(1)),
    one(RESUMED % ',"pid":2', bad(1)),  # an optional field left out: the count is the same
    one(RESUMED % ',"pid" :2', bad(1)),
    one(RESUMED % ',"p\\u0069d":2', bad(1)),
    one(MESSAGE % ',"content":"y"', bad(1)),
    one(MESSAGE % ',"thread_id":null,"thread_id":null', bad(1)),
    one('{"PrOpened":{"number":1,"branch":"b","author":"x","github_author":"y"}}', bad(1)),
    one(RESUMED % ',"x":{"k":1,"k":2}'),  # inside an ignored value: skipped, not parsed
    one(CONFIG % '{"k":1,"k":2}'),  # a `Value` map keeps the last
    one('{"AgentResumed":{"\\u0069d":"a","pid":1}}'),  # an escaped key is the key
    one('{"AgentResumed":{"id":"a","pid":1},"AgentResumed":{"id":"a","pid":1}}', bad(1)),
    one(MESSAGE[:-1] % "" + ',"AgentGarbageCollected":{"id":"a"}}', bad(1)),
    # Written as msgspec would write the two: only a second look at the line catches them.
    one('{"AgentGarbageCollected":{"id":"a"},' + MESSAGE[1:] % "", bad(1)),
    one('{"PrOpened":{"number":1,"branch":"b","github_author":"x","author":"y"}}', bad(1)),
]

ARRAY_FORM = [
    one('{"AgentStarted":["a",1,null]}'),
    one('{"AgentStarted":["a",1]}', bad(1)),  # `session_id` has no `#[serde(default)]`
    one('{"AgentStarted":["a",1,null,"x"]}', bad(1)),
    one('{"AgentStarted":[]}', bad(1)),
    one('{"TaskUpdated":["t"]}'),  # its two Options have `#[serde(default)]`
    one('{"MessagePosted":["m","c","s","x",null,null]}'),
    one('{"MessagePosted":["m","c","s","x",null]}', bad(1)),
    one('{"PrOpened":[1,"b","kp"]}'),
    one('{"AgentStarted":["a",1,null,]}', bad(1)),
]

UNIT_ENUMS = [
    one(CREATED % '{"Lead":null}'),
    one(CREATED % '{ "Fork" : null }'),
    one(CREATED % '"W\\u006frker"'),
    one(CREATED % '{"Lead":{}}', bad(1)),
    one(CREATED % '{"Lead":[]}', bad(1)),
    one(CREATED % '["Lead"]', bad(1)),
    one(CREATED % '{"Boss":null}', bad(1)),
    one(CREATED % '{"Lead":null,"Fork":null}', bad(1)),
]

SURROGATES = [
    one(RESUMED % ',"x":"\\ud800"'),  # an ignored string is only skipped
    one(RESUMED % ',"x":["\\udc00",{"y":"\\ud800x"}]'),
    one('{"AgentResumed":{"id":"\\ud800","pid":1}}', bad(1)),
    one(CONFIG % '"\\ud800"', bad(1)),  # a `Value` is parsed
    one(RESUMED % ',"\\ud800":1', bad(1)),  # keys are always parsed
    one('{"AgentResumed":{"id":"\\ud83d\\ude00","pid":1}}'),
]

NEGATIVE_ZERO = [
    one('{"AgentResumed":{"id":"a","pid":-0}}', bad(1)),
    one('{"AgentResumed":{"id":"a","p\\u0069d":-0}}', bad(1)),
    one('{"AgentResumed":{"id":"a","pid":0,"x":{"pid":-0}}}'),
    one('{"AgentResumed":{"id":"a","pid":0,"x":"\\"pid\\":-0"}}'),
    one(CONFIG % "-0"),
    one('{"PrClosed":{"number":-0}}', bad(1)),
]

NESTING = [
    one(CONFIG % ("[" * 125 + "]" * 125)),  # 2 + 125 = 127 levels: the most serde_json takes
    one(CONFIG % ("[" * 126 + "]" * 126), bad(1)),
    one(MESSAGE % (',"tool_data":' + "[" * 125 + "]" * 125)),
    one(MESSAGE % (',"tool_data":' + "[" * 126 + "]" * 126), bad(1)),
    one(RESUMED % (',"x":' + "[" * 100_000 + "]" * 100_000)),  # skipped: any depth
    one(RESUMED % (',"x":' + '{"k":' * 5000 + "1" + "}" * 5000)),
    one(CONFIG % ("[" * 100_000 + "]" * 100_000), bad(1)),
    one('{"AgentResumed":{"id":"a","pid":1},"x":' + "[" * 100_000 + "]" * 100_000 + "}", bad(1)),
]

NUMBERS = [
    one(RESUMED % ',"x":1e400'),  # skipped: syntax only
    one(CONFIG % "1e400", bad(1)),
    one(CONFIG % "1.7976931348623157e308"),
    one(CONFIG % ("1" + "0" * 400), bad(1)),
    one(CONFIG % ("1" + "0" * 100)),
    one(CONFIG % ("0." + "0" * 5000 + "1")),
    one('{"AgentResumed":{"id":"a","pid":%s}}' % ("9" * 5000), bad(1)),
    one('{"AgentResumed":{"id":"a","pid":4294967296}}', bad(1)),
    one('{"AgentResumed":{"id":"a","pid":1.0}}', bad(1)),
    one(RESUMED % ',"x":01', bad(1)),
]

DATES = [
    *(
        one(RESET % stamp)
        for stamp in (
            "2016-12-31T23:59:60Z",
            "0000-01-01T00:00:00Z",
            "2026-4-5T18:00:00Z",
            "2026-04-05T18:00:00 +00:00",
            "2026-04-05T18:00:00UTC",
            "2026-04-05T18:00:00utc",
            " 2026-04-05T18:00:00Z ",
            "+2026-04-05T18:00:00Z",
            "2026-04-05 18:00:00Z",
            "2026-04-05T18:00:00.1234567891Z",
            "2026-04-05T18:00:00+0530",
            "2026-04-05T18:00:00-23:59",
        )
    ),
    *(
        one(RESET % stamp, bad(1))
        for stamp in (
            "2026-04-05t18:00:00Z",
            "2026-04-05T18:00:00",
            "2026-04-05",
            "2026-02-30T00:00:00Z",
            "2026-04-05T24:00:00Z",
            "2026-04-05T18:00:00+5:30",
            "2026-04-05T18:00:00+00",
            "2026-04-05T18:00:00+24:00",
            "10000-01-01T00:00:00Z",
            "2026-04-05T18:00:00.Z",
            "2026-04-05T18:00:00,5Z",
        )
    ),
]

BLANK = [
    *(one(space.encode()) for space in ("\u00a0", "\u2028", "\u3000", "\u0085", " \t\x0b\x0c\r")),
    *(one(space.encode(), bad(1)) for space in ("\u200b", "\ufeff", "\x1c", "\u180e")),
    pytest.param(GOOD + b"\r" + GOOD + b"\n", bad(1), id="lone-cr-ends-no-line"),
    pytest.param(GOOD + b"\r\n\r\n" + GOOD + b"\r\n", OK, id="crlf"),
    one("\u00a0" + GOOD.decode(), bad(1)),  # trimmed only to see if blank, never for JSON
]


@pytest.mark.parametrize(
    ("data", "expected"),
    NOT_UTF8 + REPEATED + ARRAY_FORM + UNIT_ENUMS + SURROGATES + NEGATIVE_ZERO,
)
def test_structure(data: bytes, expected: tuple[str, int | None]) -> None:
    """Bytes, keys, shapes and the values serde parses or only skips."""
    _check(data, expected)


@pytest.mark.parametrize(("data", "expected"), NESTING + NUMBERS + DATES + BLANK)
def test_values_and_lines(data: bytes, expected: tuple[str, int | None]) -> None:
    """Nesting, numbers, chrono's dates and Unicode-blank lines."""
    _check(data, expected)


def test_not_utf8_is_unreadable_with_the_bad_byte_line() -> None:
    """The whole file is unreadable: the line is the bad byte's, nothing is dropped, and the
    reason says so; the lines before it are still read (as a parallel reader reads them)."""
    reader = LogReader(io.BytesIO(GOOD + b"\n\n" + GOOD[:-3] + b"\xff" + GOOD[-2:] + b"\n"))
    assert [1] == [line for line, _ in reader]
    assert reader.malformed is not None
    assert (3, 0, True) == (reader.malformed.line, reader.malformed.dropped, True)
    assert reader.malformed.unreadable
    assert "invalid UTF-8 (byte 0xff" in reader.malformed.reason


def test_not_utf8_after_a_bad_line_beyond_the_first_block() -> None:
    """The rest after a bad line is counted and checked, however far the bad byte is."""
    filler = (GOOD + b"\n") * (3 * BLOCK_SIZE // len(GOOD))
    data = b"nonsense\n" + filler + b"\xfe\n"
    lines = data.count(b"\n")
    assert (unreadable(lines), unreadable(lines)) == (
        verdict_of(data, exact=False),
        verdict_of(data, exact=True),
    )


def test_fast_verdict_does_not_depend_on_what_was_read_before() -> None:
    """The block reader learns which variants a log uses; a line's verdict is the same
    after blocks of other variants as on its own."""
    line = b'{"AgentGarbageCollected":{"id":"a"},"AgentGarbageCollected":{"id":"b"}}'
    before = ((MESSAGE % "").encode() + b"\n" + (RESUMED % "").encode() + b"\n") * (
        2 * BLOCK_SIZE // 100
    )
    lines = before.count(b"\n")
    assert bad(1) == verdict_of(line + b"\n", exact=False)
    assert bad(lines + 1) == verdict_of(before + line + b"\n", exact=False)
    assert bad(lines + 2) == verdict_of(before + GOOD + b"\n" + line + b"\n", exact=False)


_SEEDS = [
    GOOD,
    (STARTED % ',"session_id":"s"').encode(),
    (MESSAGE % ',"thread_id":null,"auto_output":true').encode(),
    (MESSAGE % ',"tool_data":[{"a":[1,2.5,null]}]').encode(),
    (CREATED % '"Lead"').encode(),
    (CONFIG % '{"n":[3,-0.25,false,null],"s":"x"}').encode(),
    (RESET % "2026-04-05T18:00:00Z").encode(),
    b'{"PrOpened":{"number":7,"branch":"b","github_author":"kp"}}',
    b'{"TaskCreated":{"id":"t","subject":"s","channel":"c","blocked_by":["a"]}}',
]
_SNIPPETS = [b'"', b"\\", b"\\u", b"\\ud800", b"{", b"}", b"[", b"]", b",", b":", b"null", b"-0"]
_SNIPPETS += [b"1e400", b" ", b"\r", b"\xa0", b'"id":"x",', b'"p\\u0069d":2,', b'{"Lead":null}']


@given(
    seed=st.sampled_from(_SEEDS),
    edits=st.lists(
        st.tuples(st.integers(0, 400), st.sampled_from(_SNIPPETS), st.integers(0, 3)),
        min_size=1,
        max_size=3,
    ),
)
def test_mutated_lines_read_the_same_in_both_readers(
    seed: bytes, edits: list[tuple[int, bytes, int]]
) -> None:
    """Random edits of valid lines (snippets inserted, bytes deleted): the default and the
    exact readers give the same verdict, and neither raises."""
    line = bytearray(seed)
    for at, snippet, deleted in edits:
        at %= len(line) + 1
        line[at : at + deleted] = snippet
    data = GOOD + b"\n" + bytes(line) + b"\n" + GOOD + b"\n"
    assert verdict_of(data, exact=False) == verdict_of(data, exact=True)
