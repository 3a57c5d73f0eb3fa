"""A snapshot with a struct field written twice: serde refuses it (recovery-fails), while a
repeated map key, or a repeated unknown field, is read as serde reads it (the last value)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lifecheck.checker.check import check_path
from lifecheck.checker.reading.snapshot import parse_snapshot
from tests.builders import snapshot, store
from tests.builders import snapshot_agent as agent

_RECORDS = [agent("a1", "r1", task_id="t1"), agent("a2", "r2", session_id=None)]
_DOCUMENT = snapshot(_RECORDS, running=["a1"], by_task={"t1": "a1"})


def _line_holding(document: bytes, text: str) -> int:
    return next(n for n, raw in enumerate(document.split(b"\n"), 1) if text.encode() in raw)


def _with(document: bytes, anchor: str, extra: str) -> bytes:
    """``document`` with ``extra`` written on a line of its own after the line holding
    ``anchor`` (the first one)."""
    lines = document.decode().split("\n")
    at = _line_holding(document, anchor)
    return "\n".join([*lines[:at], extra, *lines[at:]]).encode()


@pytest.mark.parametrize(
    ("anchor", "extra", "path"),
    [
        ('"kind": "Worker"', '"kind": "Lead",', "$.agents.by_id[a1].kind"),
        ('"kind": "Worker"', '"n\\u0061me": "x",', "$.agents.by_id[a1].name"),  # escaped key
        ('"pid": null', '"pid" : null,', "$.agents.by_id[a1].pid"),  # a space, and null
        ('"by_thread"', '"by_name": {},', "$.agents.by_name"),
        ('"work"', '"work": {},', "$.work"),
        ('"work"', '"agents": {},', "$.agents"),  # msgspec keeps the second, which lacks by_id
    ],
    ids=["record", "escaped", "spaced", "index", "projections", "shadowing"],
)
def test_a_struct_field_written_twice_fails_recovery_at_its_line(
    tmp_path: Path, anchor: str, extra: str, path: str
) -> None:
    document = _with(_DOCUMENT, anchor, extra)
    directory = store(tmp_path, {"snapshot-0000.json": document})
    (failed,) = check_path(str(directory)).findings
    field = path.rpartition(".")[2]
    inserted = _line_holding(_DOCUMENT, anchor) + 1
    assert (failed.rule, failed.line) == ("recovery-fails", inserted)
    assert f"duplicate field `{field}` - at `{path}`" in failed.message


def test_serde_meets_what_comes_first_a_wrong_value_or_a_repetition() -> None:
    """msgspec checks each value and keeps the last: serde stops at whichever comes first."""
    wrong_then_repeated = _with(_DOCUMENT, '"kind": "Worker"', '"pid": "x",')
    refused = parse_snapshot(wrong_then_repeated).unusable
    assert refused is not None
    assert "Expected `int | null`, got `str`" in refused.reason
    repeated_then_wrong = _with(_DOCUMENT, '"pid": null', '"pid": "x",')
    refused = parse_snapshot(repeated_then_wrong).unusable
    assert refused is not None
    assert "duplicate field `pid`" in refused.reason


@pytest.mark.parametrize(
    "document",
    [
        _with(_DOCUMENT, '"kind": "Worker"', '"extra": 1, "extra": 2,'),  # unknown, twice
        _with(_DOCUMENT, '"by_task": {', '"t1": "a2",'),  # a map key, twice
        _DOCUMENT.replace(b'"work": {}', b'"work": {"w": {"x": 1, "x": 2}}'),  # only an object
    ],
    ids=["unknown-field", "map-key", "work"],
)
def test_repeats_serde_accepts_are_read(document: bytes) -> None:
    read = parse_snapshot(document)
    assert read.unusable is None, read.unusable
    assert set(read.index.by_id) == {"a1", "a2"}


def test_a_repeated_map_key_keeps_the_last_value() -> None:
    read = parse_snapshot(_with(_DOCUMENT, '"by_task": {', '"t1": "a2",'))
    assert read.index.by_task == {"t1": "a1"}
    read = parse_snapshot(_with(_DOCUMENT, '"t1": "a1"', ',"t1": "a2"'))
    assert read.index.by_task == {"t1": "a2"}


_FIELDS = sorted(_RECORDS[0])


@given(
    record=st.sampled_from(["a1", "a2"]),
    field=st.sampled_from(_FIELDS),
    compact=st.booleans(),
)
def test_any_record_field_written_twice_is_refused(record: str, field: str, compact: bool) -> None:
    """Whatever field, in whatever record, pretty or compact: refused, at that field."""
    document = json.loads(_DOCUMENT)
    value = json.dumps(document["agents"]["by_id"][record][field])
    text = json.dumps(document, indent=None if compact else 2)
    opening = f'"{record}": {{'
    at = text.index(opening) + len(opening)
    repeated = (text[:at] + f'"{field}": {value}, ' + text[at:]).encode()
    refused = parse_snapshot(repeated).unusable
    assert refused is not None
    assert f"duplicate field `{field}` - at `$.agents.by_id[{record}].{field}`" in refused.reason
    assert parse_snapshot(text.encode()).unusable is None
