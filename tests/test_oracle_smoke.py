"""Smoke tests for the independent oracle (tests/oracle.py)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

# Loaded by path so that it works whether or not tests/ becomes a package.
_spec = importlib.util.spec_from_file_location(
    "lifecheck_test_oracle", Path(__file__).with_name("oracle.py")
)
assert _spec is not None
assert _spec.loader is not None
oracle = sys.modules.setdefault("lifecheck_test_oracle", importlib.util.module_from_spec(_spec))
_spec.loader.exec_module(oracle)

AID = "0b1f6c2e-5d4a-4c1e-9a7b-3e2f1d0c9b8a"
NAME = "btucker-reviewer"


def _line(variant: str, **fields: Any) -> bytes:
    return json.dumps({variant: fields}, separators=(",", ":")).encode()


def _created(aid: str = AID, name: str = NAME, kind: str = "Worker") -> bytes:
    return _line(
        "AgentCreated",
        id=aid,
        name=name,
        kind=kind,
        agent_type="midtown-code-reviewer",
        provider="ClaudeCode",
        channel=None,
        task_id=None,
        bound_thread_id=None,
        icon=None,
        color=None,
    )


SESSION_NOT_FOUND_TRACE = [
    _created(),
    _line("AgentStarted", id=AID, pid=48211, session_id="7c9e2a41-1f3b-4d8e-b2a6-5e0f9c3d7a12"),
    _line("AgentSessionNotFound", name=NAME),
    b"",
]


def _rules(result: dict[str, Any]) -> list[tuple[str, int | None]]:
    return [(f["rule"], f["line"]) for f in result["findings"]]


def test_stale_pid_under_d11b83e() -> None:
    result = oracle.check_lines(SESSION_NOT_FOUND_TRACE, "log-0000.jsonl", "d11b83e")
    assert result["events"] == 3
    assert result["agents"] == 1
    assert ("stale-pid", 3) in _rules(result)
    assert ("limbo-unresolved", 3) in _rules(result)
    assert "running-without-session" not in {r for r, _ in _rules(result)}
    stale = next(f for f in result["findings"] if f["rule"] == "stale-pid")
    assert stale == {
        "rule": "stale-pid",
        "severity": "warning",
        "path": "log-0000.jsonl",
        "line": 3,
        "agent_id": AID,
        "agent_name": NAME,
    }


def test_running_without_session_under_3d1b4c5d() -> None:
    result = oracle.check_lines(SESSION_NOT_FOUND_TRACE, "log-0000.jsonl", "3d1b4c5d")
    rules = {r for r, _ in _rules(result)}
    assert ("running-without-session", 3) in _rules(result)
    assert "stale-pid" not in rules
    assert "zombie-running" not in rules  # its session was cleared, so it is not "failed"


def test_neither_under_proposed() -> None:
    result = oracle.check_lines(SESSION_NOT_FOUND_TRACE, "log-0000.jsonl", "proposed")
    rules = {r for r, _ in _rules(result)}
    assert "stale-pid" not in rules
    assert "running-without-session" not in rules
    assert "limbo-unresolved" not in rules
    assert "zombie-running" not in rules


def test_unknown_agent_for_stop_of_unknown_id() -> None:
    lines = [_line("AgentStopped", id="nobody", reason="process exited")]
    result = oracle.check_lines(lines, "x.jsonl")
    assert result["events"] == 1
    assert result["agents"] == 0
    assert result["findings"] == [
        {
            "rule": "unknown-agent",
            "severity": "error",
            "path": "x.jsonl",
            "line": 1,
            "agent_id": "nobody",
            "agent_name": None,
        }
    ]


def test_parse_error_for_legacy_resumed_without_pid() -> None:
    lines = [
        _created(),
        b"   ",
        b'{"AgentResumed":{"id":"x"}}',
        _line("AgentStopped", id=AID, reason="r"),
        b"",
    ]
    result = oracle.check_lines(lines, "x.jsonl")
    assert result["events"] == 1  # replay stops at line 3
    assert result["findings"] == [
        {
            "rule": "parse-error",
            "severity": "error",
            "path": "x.jsonl",
            "line": 3,
            "agent_id": None,
            "agent_name": None,
        }
    ]


def test_reading_details() -> None:
    ok = [
        b'{"MessagePosted":{"id":"m","channel":"c","sender":"s","content":"x","extra":1}}',
        b'{"PrOpened":{"number":7,"branch":"b","author":"a"}}',
        b'{"UsageLimitHit":{"agent_id":"' + AID.encode() + b'","reset_at":"2026-04-05T18:00:00Z"}}',
        b'{"ConfigUpdated":{"key":"k","value":[1,{"a":null}]}}',
    ]
    assert oracle.check_lines(ok, "p")["events"] == 4
    bad = [
        b'{"PrOpened":{"number":7,"branch":"b","author":"a","github_author":"a"}}',
        b'{"AgentStarted":{"id":"a","pid":-1}}',
        b'{"AgentStarted":{"id":"a","pid":4294967296}}',
        b'{"AgentStarted":{"id":"a","pid":true}}',
        b'{"AgentStarted":{"id":"a","pid":1.0}}',
        b'{"AgentCreated":{"id":"a","name":"n","kind":"Boss","agent_type":"t","provider":"Codex"}}',
        b'{"AgentStopped":{"id":"a","reason":"r"},"AgentGarbageCollected":{"id":"a"}}',
        b'{"AgentStopped":["a","r"]}',
        b'{"NoSuchEvent":{}}',
        b'{"UsageLimitHit":{"agent_id":"a","reset_at":"2026-02-30T18:00:00Z"}}',
        b'{"MessagePosted":{"id":"m","channel":"c","sender":"s","content":"x","auto_output":null}}',
    ]
    for line in bad:
        result = oracle.check_lines([line], "p")
        assert result["events"] == 0, line
        assert _rules(result) == [("parse-error", 1)], line


def test_misattributed_session_not_found_leaves_a_zombie() -> None:
    other = "11111111-2222-4333-8444-555555555555"
    lines = [
        _created(),
        _line("AgentStarted", id=AID, pid=100, session_id="sess-old"),
        _created(aid=other),  # same name: by_name now points to `other`, which is not running
        _line("AgentSessionNotFound", name=NAME),
    ]
    result = oracle.check_lines(lines, "p")
    assert [(f["rule"], f["line"], f["agent_id"]) for f in result["findings"]] == [
        ("zombie-running", 2, AID),  # last line applied to AID is its AgentStarted
        ("session-not-found-misattributed", 4, AID),
    ]


def test_a_log_that_is_not_utf8_is_recovery_fails() -> None:
    """A byte that is not UTF-8 anywhere: the daemon cannot read the file at all."""
    result = oracle.check_lines([b"{}", b"\xff{}"], "p")
    assert [("recovery-fails", 2)] == [(f["rule"], f["line"]) for f in result["findings"]]
