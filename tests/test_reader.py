"""Tests for the log reader: one externally tagged ``DomainEvent`` per line (docs/rules.md §1)."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from typing import Any

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lifecheck.checker.reading import events as ev
from lifecheck.checker.reading.dates import parse_utc
from lifecheck.checker.reading.events import EVENT_TYPES
from lifecheck.checker.reading.reader import LineError, LogReader, Malformed, decode_line

AID = "0b1f6c2e-5d4a-4c1e-9a7b-3e2f1d0c9b8a"
SID = "7c9e2a41-1f3b-4d8e-b2a6-5e0f9c3d7a12"
MID = "e3b0c442-98fc-4c14-9afb-f4c8996fb924"
NAME = "btucker-reviewer"
U32_MAX = 2**32 - 1
U64_MAX = 2**64 - 1


def _is_text(raw: bytes) -> bool:
    try:
        raw.decode()
    except UnicodeDecodeError:
        return False
    return True


def _reason(raw: bytes) -> str:
    """The reason ``decode_line`` gives for rejecting ``raw``."""
    with pytest.raises(LineError) as caught:
        decode_line(raw)
    return str(caught.value)


def _pr_author(event: ev.PrOpened) -> str | msgspec.UnsetType:
    """The PR author, whichever of the two spellings carried it."""
    return event.author if event.github_author is msgspec.UNSET else event.github_author


# --- 1. every variant, as the daemon writes it -----------------------------------------------

# Lines as `serde_json::to_string` writes them: compact, fields in declaration order, `None` as
# null (except MessagePosted's skipped fields), raw UTF-8, a `Value`'s object keys sorted.
ON_DISK: list[tuple[str, ev.Event]] = [
    (
        '{"AgentCreated":{"id":"0b1f6c2e-5d4a-4c1e-9a7b-3e2f1d0c9b8a","name":"swift-river",'
        '"kind":"Lead","agent_type":"midtown-lead","provider":"Codex","channel":"dm-swift-river",'
        '"task_id":"task-12","bound_thread_id":"1743876000.123456","icon":"🦊","color":"#f97316"}}',
        ev.AgentCreated(
            id=AID,
            name="swift-river",
            kind="Lead",
            agent_type="midtown-lead",
            provider="Codex",
            channel="dm-swift-river",
            task_id="task-12",
            bound_thread_id="1743876000.123456",
            icon="🦊",
            color="#f97316",
        ),
    ),
    (
        '{"AgentStarted":{"id":"0b1f6c2e-5d4a-4c1e-9a7b-3e2f1d0c9b8a","pid":48211,'
        '"session_id":"7c9e2a41-1f3b-4d8e-b2a6-5e0f9c3d7a12"}}',
        ev.AgentStarted(id=AID, pid=48211, session_id=SID),
    ),
    (
        '{"AgentStopped":{"id":"0b1f6c2e-5d4a-4c1e-9a7b-3e2f1d0c9b8a","reason":"process exited"}}',
        ev.AgentStopped(id=AID, reason="process exited"),
    ),
    (
        '{"AgentResumed":{"id":"0b1f6c2e-5d4a-4c1e-9a7b-3e2f1d0c9b8a","pid":51877}}',
        ev.AgentResumed(id=AID, pid=51877),
    ),
    (
        '{"AgentGarbageCollected":{"id":"0b1f6c2e-5d4a-4c1e-9a7b-3e2f1d0c9b8a"}}',
        ev.AgentGarbageCollected(id=AID),
    ),
    (
        '{"AgentStateReported":{"id":"0b1f6c2e-5d4a-4c1e-9a7b-3e2f1d0c9b8a","state":"reviewing"}}',
        ev.AgentStateReported(id=AID, state="reviewing"),
    ),
    (
        '{"AgentSpawnFailed":{"name":"btucker-reviewer","agent_type":"midtown-code-reviewer",'
        '"reason":"resume failed: \\"claude\\" exited with status 1"}}',
        ev.AgentSpawnFailed(
            name=NAME,
            agent_type="midtown-code-reviewer",
            reason='resume failed: "claude" exited with status 1',
        ),
    ),
    (
        '{"AgentStopFailed":{"id":"0b1f6c2e-5d4a-4c1e-9a7b-3e2f1d0c9b8a",'
        '"reason":"kill failed: No such process (os error 3)"}}',
        ev.AgentStopFailed(id=AID, reason="kill failed: No such process (os error 3)"),
    ),
    (
        '{"AgentSessionNotFound":{"name":"btucker-reviewer"}}',
        ev.AgentSessionNotFound(name=NAME),
    ),
    (
        '{"TaskCreated":{"id":"task-13","subject":"Review PR #2331","channel":"dm-swift-river",'
        '"blocked_by":["task-11","task-12"],"agent_type":"midtown-code-reviewer",'
        '"agent_name":null,"icon":null,"color":null,"parent":"task-9","thread_id":null,'
        '"message_id":"e3b0c442-98fc-4c14-9afb-f4c8996fb924"}}',
        ev.TaskCreated(
            id="task-13",
            subject="Review PR #2331",
            channel="dm-swift-river",
            blocked_by=["task-11", "task-12"],
            agent_type="midtown-code-reviewer",
            parent="task-9",
            message_id=MID,
        ),
    ),
    (
        '{"TaskUpdated":{"task_id":"task-13","thread_id":"1743876000.123456","message_id":null}}',
        ev.TaskUpdated(task_id="task-13", thread_id="1743876000.123456"),
    ),
    (
        '{"TaskAssigned":{"task_id":"task-13","agent_id":"0b1f6c2e-5d4a-4c1e-9a7b-3e2f1d0c9b8a"}}',
        ev.TaskAssigned(task_id="task-13", agent_id=AID),
    ),
    ('{"TaskCompleted":{"task_id":"task-13"}}', ev.TaskCompleted(task_id="task-13")),
    (
        '{"TaskReset":{"task_id":"task-13","reason":"agent stopped"}}',
        ev.TaskReset(task_id="task-13", reason="agent stopped"),
    ),
    ('{"TaskUnblocked":{"task_id":"task-14"}}', ev.TaskUnblocked(task_id="task-14")),
    (
        '{"PrOpened":{"number":2331,"branch":"fix/session-not-found-running",'
        '"github_author":"btucker"}}',
        ev.PrOpened(number=2331, branch="fix/session-not-found-running", github_author="btucker"),
    ),
    (
        '{"PrUpdated":{"number":2331,"ci_status":"Passed","review_state":"ChangesRequested"}}',
        ev.PrUpdated(number=2331, ci_status="Passed", review_state="ChangesRequested"),
    ),
    (
        '{"PrMerged":{"number":2331,"branch":"fix/session-not-found-running"}}',
        ev.PrMerged(number=2331, branch="fix/session-not-found-running"),
    ),
    ('{"PrClosed":{"number":2330}}', ev.PrClosed(number=2330)),
    ('{"PrReviewRequested":{"number":2331}}', ev.PrReviewRequested(number=2331)),
    (
        '{"PrLinkedToTask":{"number":2331,"task_id":"task-13"}}',
        ev.PrLinkedToTask(number=2331, task_id="task-13"),
    ),
    (
        '{"MessagePosted":{"id":"e3b0c442-98fc-4c14-9afb-f4c8996fb924","channel":"dm-swift-river",'
        '"sender":"swift-river","content":"Opened PR #2331","thread_id":null,"auto_output":true}}',
        ev.MessagePosted(
            id=MID,
            channel="dm-swift-river",
            sender="swift-river",
            content="Opened PR #2331",
            auto_output=True,
        ),
    ),
    (
        '{"MentionRouted":{"message_id":"e3b0c442-98fc-4c14-9afb-f4c8996fb924",'
        '"target_agent":"btucker-reviewer"}}',
        ev.MentionRouted(message_id=MID, target_agent=NAME),
    ),
    (
        '{"ProcessHealthChecked":{"agent_id":"0b1f6c2e-5d4a-4c1e-9a7b-3e2f1d0c9b8a",'
        '"status":"Dead"}}',
        ev.ProcessHealthChecked(agent_id=AID, status="Dead"),
    ),
    (
        '{"UsageLimitHit":{"agent_id":"0b1f6c2e-5d4a-4c1e-9a7b-3e2f1d0c9b8a",'
        '"reset_at":"2026-04-05T18:00:00Z"}}',
        ev.UsageLimitHit(agent_id=AID, reset_at="2026-04-05T18:00:00Z"),
    ),
    (
        '{"AuthErrorDetected":{"agent_id":"0b1f6c2e-5d4a-4c1e-9a7b-3e2f1d0c9b8a"}}',
        ev.AuthErrorDetected(agent_id=AID),
    ),
    (
        '{"WorktreeCreated":{"id":"wt-swift-river","path":"/Users/btucker/.midtown/worktrees/'
        'swift-river","task_id":"task-13"}}',
        ev.WorktreeCreated(
            id="wt-swift-river",
            path="/Users/btucker/.midtown/worktrees/swift-river",
            task_id="task-13",
        ),
    ),
    ('{"WorktreeRemoved":{"id":"wt-swift-river"}}', ev.WorktreeRemoved(id="wt-swift-river")),
    (
        '{"ReminderCreated":{"id":"rem-1","trigger":"cron","message":"Stand-up in #general",'
        '"cron_expr":"0 9 * * 1-5"}}',
        ev.ReminderCreated(
            id="rem-1", trigger="cron", message="Stand-up in #general", cron_expr="0 9 * * 1-5"
        ),
    ),
    ('{"ReminderCancelled":{"id":"rem-1"}}', ev.ReminderCancelled(id="rem-1")),
    (
        '{"WorkflowStateSet":{"channel":"dm-swift-river","key":"review","state":"approved"}}',
        ev.WorkflowStateSet(channel="dm-swift-river", key="review", state="approved"),
    ),
    (
        '{"ChannelLeadDrivenSet":{"channel":"dm-swift-river","lead_driven":true}}',
        ev.ChannelLeadDrivenSet(channel="dm-swift-river", lead_driven=True),
    ),
    (
        '{"ChannelDirectorySet":{"channel":"dm-swift-river",'
        '"directory":"/Users/btucker/src/midtown"}}',
        ev.ChannelDirectorySet(channel="dm-swift-river", directory="/Users/btucker/src/midtown"),
    ),
    (
        '{"ChannelRenamed":{"old_name":"dm-swift-river","new_name":"pr-2331"}}',
        ev.ChannelRenamed(old_name="dm-swift-river", new_name="pr-2331"),
    ),
    ('{"ChannelArchived":{"channel":"pr-2331"}}', ev.ChannelArchived(channel="pr-2331")),
    ('{"ChannelUnarchived":{"channel":"pr-2331"}}', ev.ChannelUnarchived(channel="pr-2331")),
    ('{"ChannelCreated":{"channel":"général"}}', ev.ChannelCreated(channel="général")),
    (
        '{"ConfigUpdated":{"key":"workers","value":{"enabled":true,"limit":4,"pool":[1.5,null]}}}',
        ev.ConfigUpdated(key="workers", value={"enabled": True, "limit": 4, "pool": [1.5, None]}),
    ),
]


class TestEveryVariant:
    """Every known variant parses from a line written the way the daemon writes it."""

    @pytest.mark.parametrize(
        ("line", "expected"), ON_DISK, ids=[type(event).__name__ for _, event in ON_DISK]
    )
    def test_decodes_to_expected_struct(self, line: str, expected: ev.Event) -> None:
        """The line decodes to the struct with exactly these field values."""
        assert expected == decode_line(line.encode())

    @pytest.mark.parametrize(
        ("line", "expected"), ON_DISK, ids=[type(event).__name__ for _, event in ON_DISK]
    )
    def test_line_is_in_the_daemons_format(self, line: str, expected: ev.Event) -> None:
        """The sample is compact JSON keyed by its variant with fields in declaration order."""
        doc = json.loads(line)
        assert line == json.dumps(doc, separators=(",", ":"), ensure_ascii=False)
        [(variant, body)] = doc.items()
        assert type(expected).__name__ == variant
        declared = list(type(expected).__struct_fields__)
        assert [declared.index(key) for key in body] == sorted(declared.index(key) for key in body)

    def test_covers_every_variant(self) -> None:
        """The samples cover exactly EVENT_TYPES, so a new variant cannot go untested."""
        covered = [type(event).__name__ for _, event in ON_DISK]
        assert len(covered) == len(set(covered))
        assert set(EVENT_TYPES) == set(covered)

    def test_event_types_are_keyed_by_class_name(self) -> None:
        """Each EVENT_TYPES key is the on-disk variant name of its struct."""
        assert {name: cls.__name__ for name, cls in EVENT_TYPES.items()} == {
            name: name for name in EVENT_TYPES
        }


# --- 2. serde's rules -------------------------------------------------------------------------


def _option_fields(cls: type[ev.Event]) -> list[str]:
    """The fields of ``cls`` that are ``Option<T>`` in Rust (default ``None``)."""
    return [f.name for f in msgspec.structs.fields(cls) if f.default is None]


WITH_OPTIONS = [(line, event) for line, event in ON_DISK if _option_fields(type(event))]


class TestSerdeRules:
    """The reader mirrors serde's defaults, aliases and tolerance of extra keys."""

    @pytest.mark.parametrize(
        ("line", "expected"), WITH_OPTIONS, ids=[type(event).__name__ for _, event in WITH_OPTIONS]
    )
    def test_missing_option_field_is_none(self, line: str, expected: ev.Event) -> None:
        """Leaving out every Option field (as older daemons did) reads each one as None."""
        options = _option_fields(type(expected))
        [(variant, body)] = json.loads(line).items()
        trimmed = {key: value for key, value in body.items() if key not in options}
        event = decode_line(json.dumps({variant: trimmed}).encode())
        assert msgspec.structs.replace(expected, **dict.fromkeys(options)) == event

    def test_explicit_null_option_is_none(self) -> None:
        """A null Option field is None."""
        line = b'{"AgentStarted":{"id":"a","pid":1,"session_id":null}}'
        assert ev.AgentStarted(id="a", pid=1, session_id=None) == decode_line(line)

    @pytest.mark.parametrize(
        ("body", "tool_data", "auto_output"),
        [
            pytest.param("", None, False, id="both-absent"),
            pytest.param(',"auto_output":false', None, False, id="auto_output-false"),
            pytest.param(',"auto_output":true', None, True, id="auto_output-true"),
            pytest.param(',"tool_data":null', None, False, id="tool_data-null"),
            pytest.param(',"tool_data":[]', [], False, id="tool_data-empty"),
            pytest.param(
                ',"tool_data":[{"type":"tool_use","name":"Bash","input":{"command":"ls"}}],'
                '"auto_output":true',
                [{"type": "tool_use", "name": "Bash", "input": {"command": "ls"}}],
                True,
                id="tool_data-and-auto_output",
            ),
        ],
    )
    def test_message_posted_skipped_fields(
        self, body: str, tool_data: list[Any] | None, auto_output: bool
    ) -> None:
        """`tool_data` may be absent (None) and `auto_output` defaults to False."""
        line = (
            '{"MessagePosted":{"id":"m","channel":"c","sender":"s","content":"hi",'
            f'"thread_id":null{body}}}}}'
        ).encode()
        event = decode_line(line)
        assert isinstance(event, ev.MessagePosted)
        assert (tool_data, auto_output) == (event.tool_data, event.auto_output)

    @pytest.mark.parametrize("key", ["github_author", "author"])
    def test_pr_opened_accepts_either_spelling(self, key: str) -> None:
        """`author` (0add1211 logs) is an alias of `github_author`."""
        line = f'{{"PrOpened":{{"number":7,"branch":"b","{key}":"btucker"}}}}'.encode()
        event = decode_line(line)
        assert isinstance(event, ev.PrOpened)
        assert (7, "b", "btucker") == (event.number, event.branch, _pr_author(event))

    @pytest.mark.parametrize(
        ("body", "fragment"),
        [
            pytest.param(
                ',"github_author":"a","author":"a"', 'both "github_author" and its alias', id="both"
            ),
            pytest.param(
                ',"author":"a","github_author":"b"',
                'both "github_author" and its alias',
                id="both-reversed",
            ),
            pytest.param("", 'missing required field "github_author"', id="neither"),
        ],
    )
    def test_pr_opened_needs_exactly_one_spelling(self, body: str, fragment: str) -> None:
        """Both spellings at once, or neither, is malformed."""
        line = f'{{"PrOpened":{{"number":7,"branch":"b"{body}}}}}'.encode()
        assert fragment in _reason(line)

    @pytest.mark.parametrize(
        "line",
        [
            pytest.param(b'{"AgentResumed":{"id":"a","pid":1,"session_id":"s"}}', id="string"),
            pytest.param(b'{"AgentResumed":{"gc":true,"id":"a","pid":1}}', id="leading"),
            pytest.param(
                b'{"AgentResumed":{"id":"a","pid":1,"x":{"y":[1,-2.5e3,null]}}}', id="nested"
            ),
            pytest.param(b'{"AgentResumed":{"id":"a","pid":1,"x":-0}}', id="negative-zero"),
        ],
    )
    def test_unknown_extra_keys_are_ignored(self, line: bytes) -> None:
        """Keys the variant does not declare are ignored whatever their value."""
        assert ev.AgentResumed(id="a", pid=1) == decode_line(line)

    @pytest.mark.parametrize("pid", [0, 1, U32_MAX])
    def test_pid_accepts_the_whole_u32_range(self, pid: int) -> None:
        """A u32 pid accepts 0 (the daemon's `unwrap_or(0)`) up to 4294967295."""
        line = f'{{"AgentStarted":{{"id":"a","pid":{pid},"session_id":null}}}}'.encode()
        assert ev.AgentStarted(id="a", pid=pid) == decode_line(line)

    @pytest.mark.parametrize("number", [0, U64_MAX])
    def test_pr_number_accepts_the_whole_u64_range(self, number: int) -> None:
        """A u64 PR number accepts 0 up to 18446744073709551615."""
        assert ev.PrClosed(number=number) == decode_line(
            f'{{"PrClosed":{{"number":{number}}}}}'.encode()
        )

    @pytest.mark.parametrize(
        ("stamp", "expected"),
        [
            pytest.param(
                "2026-04-05T18:00:00.123Z", datetime(2026, 4, 5, 18, 0, 0, 123000, UTC), id="millis"
            ),
            pytest.param(
                "2026-04-05T18:00:00.123456Z",
                datetime(2026, 4, 5, 18, 0, 0, 123456, UTC),
                id="micros",
            ),
            pytest.param(
                "2026-04-05T18:00:00.123456789Z",
                datetime(2026, 4, 5, 18, 0, 0, 123457, UTC),
                id="nanos",
            ),
            pytest.param(
                "2026-04-05T20:00:00+02:00", datetime(2026, 4, 5, 18, tzinfo=UTC), id="offset"
            ),
        ],
    )
    def test_reset_at_accepts_chrono_formats(self, stamp: str, expected: datetime) -> None:
        """`reset_at` takes chrono's variable-length fraction and any RFC 3339 offset."""
        line = f'{{"UsageLimitHit":{{"agent_id":"a","reset_at":"{stamp}"}}}}'.encode()
        event = decode_line(line)
        assert isinstance(event, ev.UsageLimitHit)
        assert (stamp, expected) == (event.reset_at, parse_utc(event.reset_at).to_datetime())

    def test_whitespace_around_tokens_is_allowed(self) -> None:
        """Pretty-printed or padded JSON is still one valid event."""
        line = b' { "AgentResumed" : { "id" : "a" , "pid" : 7 } } \r\n'
        assert ev.AgentResumed(id="a", pid=7) == decode_line(line)


# --- 3. malformed lines -----------------------------------------------------------------------

_CREATED = (
    '{"AgentCreated":{"id":"a","name":"n","kind":%s,"agent_type":"t","provider":%s,"channel":null}}'
)
_TASK = '{"TaskCreated":{"id":"t","subject":"s","channel":"c","blocked_by":%s}}'
_RESET = '{"UsageLimitHit":{"agent_id":"a","reset_at":%s}}'


def _resumed(pid: str) -> bytes:
    return f'{{"AgentResumed":{{"id":"x","pid":{pid}}}}}'.encode()


MALFORMED: list[Any] = [
    # Not JSON at all, or not one JSON value.
    pytest.param(b"AgentStarted id=x pid=1", ("invalid JSON", "expected value"), id="not-json"),
    pytest.param(
        b'{"AgentGarbageCollected":{"id":"a",}}',
        ("invalid JSON", "trailing comma"),
        id="trailing-comma",
    ),
    pytest.param(
        b'{"AgentGarbageCollected":{"id":"a"}} x',
        ("invalid JSON", "trailing"),
        id="trailing-garbage",
    ),
    pytest.param(
        b'{"AgentGarbageCollected":{"id":"a"}}{}', ("invalid JSON", "trailing"), id="two-objects"
    ),
    pytest.param(b"{'AgentGarbageCollected':{'id':'a'}}", ("invalid JSON",), id="single-quotes"),
    pytest.param(b'{"broken":', ('unknown event variant "broken"',), id="truncated-store-test"),
    pytest.param(b'{"AgentStopped":', ("invalid JSON", "truncated"), id="truncated-after-variant"),
    pytest.param(b'{"AgentStarted":{"id":"a","pid":48', ("truncated",), id="truncated-event"),
    pytest.param(
        b'{"AgentStopped":{"id":"a","reason":"proc', ("truncated",), id="truncated-string"
    ),
    # JSON, but not an object.
    pytest.param(
        b'[{"AgentGarbageCollected":{"id":"a"}}]',
        ("expected a JSON object", "an array"),
        id="array",
    ),
    pytest.param(b"[]", ("expected a JSON object", "an array"), id="empty-array"),
    pytest.param(b'"AgentGarbageCollected"', ("expected a JSON object", "a string"), id="string"),
    pytest.param(b"42", ("expected a JSON object", "an integer"), id="integer"),
    pytest.param(b"4.2", ("expected a JSON object", "a number"), id="float"),
    pytest.param(b"null", ("expected a JSON object", "null"), id="null"),
    pytest.param(b"true", ("expected a JSON object", "a boolean"), id="bool"),
    # An object, but not exactly one known variant key.
    pytest.param(b"{}", ("names no event variant",), id="empty-object"),
    pytest.param(
        b'{"AgentGarbageCollected":{"id":"a"},"WorktreeRemoved":{"id":"b"}}',
        ("2 variant keys", "AgentGarbageCollected, WorktreeRemoved"),
        id="two-variants",
    ),
    pytest.param(
        b'{"AgentGarbageCollected":{"id":"a"},"seq":1}',
        ('a second key "seq" after AgentGarbageCollected',),
        id="variant-plus-envelope-key",
    ),
    pytest.param(
        b'{"AgentPaused":{"id":"a"}}',
        ('unknown event variant "AgentPaused"',),
        id="unknown-variant",
    ),
    pytest.param(
        b'{"agentStarted":{"id":"a","pid":1}}',
        ('unknown event variant "agentStarted"',),
        id="variant-case-matters",
    ),
    # The variant's value is not an object.
    pytest.param(
        b'{"AgentResumed":["x"]}',
        ("AgentResumed as an array has 1 elements; it needs 2",),
        id="value-array-short",
    ),
    pytest.param(
        b'{"AgentResumed":["x",1,2]}',
        ("AgentResumed as an array has more than 2 elements",),
        id="value-array-long",
    ),
    pytest.param(
        b'{"AgentGarbageCollected":"a"}', ("must be an object", "a string"), id="value-string"
    ),
    pytest.param(b'{"AgentGarbageCollected":null}', ("must be an object", "null"), id="value-null"),
    pytest.param(b'"AgentSessionNotFound"', ("expected a JSON object",), id="unit-form"),
    # A required field is missing.
    pytest.param(
        b'{"AgentResumed":{"id":"x"}}',
        ('AgentResumed is missing required field "pid"',),
        id="legacy-resumed-without-pid",
    ),
    pytest.param(
        b'{"AgentCreated":{"id":"a","name":"n","kind":"Worker","agent_type":"t"}}',
        ('missing required field "provider"',),
        id="created-without-provider",
    ),
    pytest.param(
        b'{"TaskCreated":{"id":"t","subject":"s","channel":"c"}}',
        ('missing required field "blocked_by"',),
        id="task-without-blocked_by",
    ),
    pytest.param(
        b'{"ConfigUpdated":{"key":"k"}}',
        ('missing required field "value"',),
        id="config-without-value",
    ),
    pytest.param(
        b'{"AgentGarbageCollected":{}}', ('missing required field "id"',), id="empty-body"
    ),
    # Wrong types for pid (u32).
    pytest.param(
        _resumed('"51877"'),
        ("AgentResumed.pid must be an integer", "not a string"),
        id="pid-string",
    ),
    pytest.param(_resumed("-1"), ("AgentResumed.pid must be an integer >= 0",), id="pid-negative"),
    pytest.param(_resumed(str(2**32)), ("AgentResumed.pid", "<= 4294967295"), id="pid-2**32"),
    pytest.param(_resumed(str(2**64)), ("AgentResumed.pid", "<= 4294967295"), id="pid-2**64"),
    pytest.param(
        _resumed("1.5"), ("AgentResumed.pid must be an integer", "fraction"), id="pid-float"
    ),
    pytest.param(
        _resumed("51877.0"),
        ("AgentResumed.pid must be an integer", "fraction"),
        id="pid-integral-float",
    ),
    pytest.param(
        _resumed("5e4"), ("AgentResumed.pid must be an integer", "fraction"), id="pid-exponent"
    ),
    pytest.param(
        _resumed("true"), ("AgentResumed.pid must be an integer", "not a boolean"), id="pid-bool"
    ),
    pytest.param(
        _resumed("null"), ("AgentResumed.pid must be an integer", "not null"), id="pid-null"
    ),
    pytest.param(_resumed("-0"), ("AgentResumed.pid", "-0"), id="pid-negative-zero"),
    pytest.param(
        b'{"AgentStarted":{"id":"x","pid": -0,"session_id":null}}',
        ("AgentStarted.pid", "-0"),
        id="pid-negative-zero-spaced",
    ),
    pytest.param(
        _resumed("-0.0"), ("AgentResumed.pid must be an integer",), id="pid-negative-zero-float"
    ),
    # Wrong types elsewhere.
    pytest.param(
        b'{"AgentResumed":{"id":null,"pid":1}}',
        ("AgentResumed.id must be a string", "not null"),
        id="id-null",
    ),
    pytest.param(
        b'{"AgentStopped":{"id":"a","reason":7}}',
        ("AgentStopped.reason must be a string",),
        id="reason-integer",
    ),
    pytest.param(
        b'{"AgentStarted":{"id":"a","pid":1,"session_id":7}}',
        ("AgentStarted.session_id", "null"),
        id="option-integer",
    ),
    pytest.param(
        (_CREATED % ('"Boss"', '"ClaudeCode"')).encode(),
        ("AgentCreated.kind", "'Boss'", "Lead, Fork, Worker"),
        id="kind-unknown",
    ),
    pytest.param(
        (_CREATED % ('"worker"', '"ClaudeCode"')).encode(),
        ("AgentCreated.kind", "'worker'"),
        id="kind-lowercase",
    ),
    pytest.param(
        (_CREATED % ("null", '"ClaudeCode"')).encode(),
        ("AgentCreated.kind", "null"),
        id="kind-null",
    ),
    pytest.param(
        (_CREATED % ('"Worker"', '"Gemini"')).encode(),
        ("AgentCreated.provider", "'Gemini'", "ClaudeCode, Codex"),
        id="provider-unknown",
    ),
    pytest.param(
        b'{"ProcessHealthChecked":{"agent_id":"a","status":"Zombie"}}',
        ("ProcessHealthChecked.status", "'Zombie'"),
        id="status-unknown",
    ),
    pytest.param(
        b'{"PrUpdated":{"number":1,"ci_status":"Green","review_state":"None"}}',
        ("PrUpdated.ci_status", "'Green'"),
        id="ci_status-unknown",
    ),
    pytest.param(
        b'{"ChannelLeadDrivenSet":{"channel":"c","lead_driven":"true"}}',
        ("ChannelLeadDrivenSet.lead_driven must be a boolean", "a string"),
        id="lead_driven-string",
    ),
    pytest.param(
        b'{"ChannelLeadDrivenSet":{"channel":"c","lead_driven":1}}',
        ("lead_driven must be a boolean", "an integer"),
        id="lead_driven-integer",
    ),
    pytest.param(
        b'{"ChannelLeadDrivenSet":{"channel":"c","lead_driven":null}}',
        ("lead_driven must be a boolean", "null"),
        id="lead_driven-null",
    ),
    pytest.param(
        (_TASK % '"task-11"').encode(),
        ("TaskCreated.blocked_by must be an array",),
        id="blocked_by-string",
    ),
    pytest.param(
        (_TASK % "null").encode(),
        ("TaskCreated.blocked_by must be an array",),
        id="blocked_by-null",
    ),
    pytest.param(
        (_TASK % '["task-11",12]').encode(),
        ("TaskCreated.blocked_by[1] must be a string",),
        id="blocked_by-integer-item",
    ),
    pytest.param(
        (_TASK % "[null]").encode(),
        ("TaskCreated.blocked_by[0] must be a string",),
        id="blocked_by-null-item",
    ),
    pytest.param(
        b'{"MessagePosted":{"id":"m","channel":"c","sender":"s","content":"x","auto_output":null}}',
        ("MessagePosted.auto_output must be a boolean",),
        id="auto_output-null",
    ),
    pytest.param(
        b'{"MessagePosted":{"id":"m","channel":"c","sender":"s","content":"x","tool_data":{}}}',
        ("MessagePosted.tool_data", "array"),
        id="tool_data-object",
    ),
    # PR numbers (u64).
    pytest.param(
        b'{"PrClosed":{"number":-1}}',
        ("PrClosed.number must be an integer >= 0",),
        id="number-negative",
    ),
    pytest.param(
        f'{{"PrMerged":{{"number":{2**64},"branch":"b"}}}}'.encode(),
        ("number", "18446744073709551615"),
        id="number-2**64",
    ),
    pytest.param(
        f'{{"PrClosed":{{"number":{10**30}}}}}'.encode(),
        ("number", "18446744073709551615"),
        id="number-huge",
    ),
    pytest.param(
        b'{"PrClosed":{"number":"2331"}}',
        ("PrClosed.number must be an integer",),
        id="number-string",
    ),
    pytest.param(
        b'{"PrClosed":{"number":-0}}', ("PrClosed.number", "-0"), id="number-negative-zero"
    ),
    # Date-times.
    pytest.param(
        (_RESET % '"tomorrow"').encode(),
        ("UsageLimitHit.reset_at is not a date-time chrono reads",),
        id="reset_at-words",
    ),
    pytest.param(
        (_RESET % '"2026-04-05"').encode(),
        ("UsageLimitHit.reset_at", "a date without a time"),
        id="reset_at-date-only",
    ),
    pytest.param(
        (_RESET % '"2026-04-05T18:00:00"').encode(),
        ("UsageLimitHit.reset_at", "offset"),
        id="reset_at-naive",
    ),
    pytest.param(
        (_RESET % "1775412000").encode(),
        ("UsageLimitHit.reset_at must be a date-time string", "an integer"),
        id="reset_at-epoch",
    ),
    pytest.param((_RESET % "null").encode(), ("UsageLimitHit.reset_at",), id="reset_at-null"),
    # Bytes that are not UTF-8 text.
    pytest.param(
        b'{"AgentGarbageCollected":{"id":"a\xffb"}}',
        ("invalid UTF-8", "0xff", "column 34"),
        id="utf8-ff",
    ),
    pytest.param(
        b'{"ChannelCreated":{"channel":"g\xe9n\xe9ral"}}',
        ("invalid UTF-8", "0xe9"),
        id="utf8-latin1",
    ),
    pytest.param(
        b'{"AgentGarbageCollected":{"id":"\xc3"}}',
        ("invalid UTF-8", "0xc3"),
        id="utf8-cut-sequence",
    ),
    pytest.param(
        b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x03\x00>\x00",
        ("invalid JSON",),
        id="binary-nul",
    ),
    pytest.param(b"\x00\x00\x00\x00\x00\x00\x00\x00", ("invalid JSON",), id="nul-bytes"),
    pytest.param(
        b'\x00\xff\xfe{"AgentGarbageCollected":{"id":"a"}}',
        ("invalid UTF-8",),
        id="binary-nul-and-ff",
    ),
    pytest.param(
        b'{"AgentGarbageCollected":{"id":"a\x00b"}}',
        ("invalid JSON", "control character"),
        id="nul-in-string",
    ),
    pytest.param(
        b'\xef\xbb\xbf{"AgentGarbageCollected":{"id":"a"}}', ("invalid JSON",), id="utf8-bom"
    ),
]


MALFORMED_LINES = [pytest.param(case.values[0], id=case.id) for case in MALFORMED]
#: The lines that are text (the others make the whole file unreadable, not one line bad).
MALFORMED_TEXT = [case for case in MALFORMED_LINES if _is_text(case.values[0])]


class TestMalformedLines:
    """Every kind of malformed line is rejected with a reason that says why."""

    @pytest.mark.parametrize(("line", "fragments"), MALFORMED)
    def test_rejected_with_reason(self, line: bytes, fragments: tuple[str, ...]) -> None:
        """decode_line raises LineError whose message names the problem."""
        reason = _reason(line)
        assert [f for f in fragments if f not in reason] == [], reason

    def test_line_error_is_a_value_error(self) -> None:
        """Callers may catch LineError as a ValueError."""
        assert issubclass(LineError, ValueError)

    @pytest.mark.parametrize(
        "line",
        [
            pytest.param(
                b'{"AgentGarbageCollected":{"id":"a"},"AgentGarbageCollected":{"id":"b"}}',
                id="same-variant-twice",
            ),
            pytest.param(b'{"AgentResumed":{"id":"a","pid":1,"pid":2}}', id="same-field-twice"),
            pytest.param(
                b'{"PrOpened":{"number":1,"branch":"b","author":"x","author":"y"}}',
                id="alias-twice",
            ),
        ],
    )
    def test_duplicate_keys_are_malformed(self, line: bytes) -> None:
        """A repeated variant key is two keys, and a repeated field is serde's duplicate field."""
        # serde_json's enum deserializer expects `}` after the first variant, and serde's
        # derived structs reject `duplicate field`, so the daemon stops replay at this line.
        _reason(line)

    @pytest.mark.parametrize(
        ("line", "expected"),
        [
            pytest.param(
                b'{"AgentStarted":{"id":"a","pid":1,"session_id":7}}',
                "AgentStarted.session_id must be a string or null, not an integer",
                id="option-string",
            ),
            pytest.param(
                b'{"MessagePosted":{"id":"m","channel":"c","sender":"s","content":"x",'
                b'"tool_data":{}}}',
                "MessagePosted.tool_data must be an array or null, not an object",
                id="option-list",
            ),
        ],
    )
    def test_option_type_reason_is_in_words(self, line: bytes, expected: str) -> None:
        """A wrong type for an Option field is explained like any other wrong type."""
        assert expected == _reason(line)

    def test_lone_surrogate_reason_is_not_truncation(self) -> None:
        """An unpaired `\\ud800` escape is rejected as a bad escape, not as a truncated line."""
        # serde_json says "lone leading surrogate in hex escape"; it is not a truncation.
        assert "surrogate" in _reason(b'{"AgentGarbageCollected":{"id":"\\ud800"}}')


class TestNegativeZero:
    """`-0` is serde_json's float -0.0, so it is rejected as a pid or number and nowhere else."""

    @pytest.mark.parametrize(
        "line",
        [
            pytest.param(b'{"AgentResumed":{"id":"a","pid":-0}}', id="pid"),
            pytest.param(b'{"AgentResumed":{"pid":-0,"id":"a"}}', id="pid-first"),
            pytest.param(b'{"PrLinkedToTask":{"number":-0,"task_id":"t"}}', id="number"),
        ],
    )
    def test_negative_zero_in_unsigned_field_is_rejected(self, line: bytes) -> None:
        """A pid or PR number written `-0` is malformed."""
        assert "-0" in _reason(line)

    @pytest.mark.parametrize(
        "line",
        [
            pytest.param(b'{"ConfigUpdated":{"key":"offset","value":-0}}', id="value"),
            pytest.param(b'{"AgentResumed":{"id":"-0","pid":0}}', id="string-is-minus-zero"),
        ],
    )
    def test_negative_zero_elsewhere_is_fine(self, line: bytes) -> None:
        """`-0` outside an unsigned field does not make the line malformed."""
        decode_line(line)

    @pytest.mark.parametrize(
        ("line", "expected"),
        [
            pytest.param(
                b'{"AgentStarted":{"id":"a","pid":0,"session_id":"ratio: -0"}}',
                ev.AgentStarted(id="a", pid=0, session_id="ratio: -0"),
                id="inside-a-string",
            ),
            pytest.param(
                b'{"AgentResumed":{"id":"a","pid":0,"delta":-0}}',
                ev.AgentResumed(id="a", pid=0),
                id="unknown-key",
            ),
            pytest.param(
                b'{"PrLinkedToTask":{"number":0,"task_id":"t:-0"}}',
                ev.PrLinkedToTask(number=0, task_id="t:-0"),
                id="pr-task-id",
            ),
        ],
    )
    def test_zero_pid_with_minus_zero_text_elsewhere_is_valid(
        self, line: bytes, expected: ev.Event
    ) -> None:
        """A valid pid or number 0 is not confused with `-0` written somewhere else in the line."""
        # Only the unsigned field itself written as -0 is malformed, not -0 text elsewhere.
        assert expected == decode_line(line)


# --- 4. LogReader -------------------------------------------------------------------------------

A = b'{"AgentGarbageCollected":{"id":"a"}}'
B = b'{"AgentGarbageCollected":{"id":"b"}}'
C = b'{"AgentGarbageCollected":{"id":"c"}}'
BAD = b'{"AgentResumed":{"id":"x"}}'


def _read(data: bytes) -> tuple[list[tuple[int, str]], LogReader]:
    """Read ``data`` as ``open(path, "rb")`` would present it; yield (line, id) pairs."""
    reader = LogReader(io.BytesIO(data))
    seen = [(number, getattr(event, "id", "?")) for number, event in reader]
    return seen, reader


class TestLogReader:
    """LogReader yields numbered events and stops at the first malformed line."""

    @pytest.mark.parametrize(
        ("data", "expected"),
        [
            pytest.param(b"", [], id="empty-file"),
            pytest.param(A, [(1, "a")], id="no-final-newline"),
            pytest.param(A + b"\n" + B + b"\n", [(1, "a"), (2, "b")], id="two-lines"),
            pytest.param(
                b"\n" + A + b"\n\n\n" + B + b"\n", [(2, "a"), (5, "b")], id="blank-lines-counted"
            ),
            pytest.param(
                b"   \n\t\n" + A + b"\n \t \x0b\x0c\n" + B + b"\n\n",
                [(3, "a"), (5, "b")],
                id="whitespace-only-lines-counted",
            ),
            pytest.param(A + b"\r\n\r\n" + B + b"\r\n", [(1, "a"), (3, "b")], id="crlf"),
            pytest.param(
                A + b"\n" + B + b"\r\n" + C, [(1, "a"), (2, "b"), (3, "c")], id="mixed-endings"
            ),
            pytest.param(b"  " + A + b"  \n", [(1, "a")], id="padded-line"),
        ],
    )
    def test_numbers_physical_lines(self, data: bytes, expected: list[tuple[int, str]]) -> None:
        """Events carry 1-based physical line numbers; blank lines are skipped but counted."""
        seen, reader = _read(data)
        assert (expected, None, len(expected)) == (seen, reader.malformed, reader.events)

    @pytest.mark.parametrize(
        ("data", "expected", "bad_line", "dropped"),
        [
            pytest.param(BAD, [], 1, 0, id="only-line"),
            pytest.param(BAD + b"\n" + A + b"\n", [], 1, 1, id="first-line"),
            pytest.param(A + b"\n" + BAD + b"\n", [(1, "a")], 2, 0, id="last-line"),
            pytest.param(A + b"\n" + BAD, [(1, "a")], 2, 0, id="last-line-no-newline"),
            pytest.param(
                A + b"\n" + BAD + b"\n\n  \n\r\n", [(1, "a")], 2, 0, id="last-before-blanks"
            ),
            pytest.param(
                A + b"\n\n" + BAD + b"\n" + B + b"\n\n" + C + b"\n", [(1, "a")], 3, 2, id="middle"
            ),
            pytest.param(
                A + b"\r\n" + BAD + b"\r\n\r\n" + B + b"\r\n", [(1, "a")], 2, 1, id="middle-crlf"
            ),
            pytest.param(
                A + b"\n" + BAD + b"\n" + BAD + b"\n" + B + b"\n",
                [(1, "a")],
                2,
                2,
                id="bad-lines-after-count-as-dropped",
            ),
            pytest.param(A + b'\n{"broken":', [(1, "a")], 2, 0, id="partial-last-write"),
        ],
    )
    def test_stops_at_first_malformed_line(
        self, data: bytes, expected: list[tuple[int, str]], bad_line: int, dropped: int
    ) -> None:
        """Replay stops at the first bad line; `dropped` counts the non-blank lines after it."""
        seen, reader = _read(data)
        assert reader.malformed is not None
        assert (expected, bad_line, dropped, len(expected)) == (
            seen,
            reader.malformed.line,
            reader.malformed.dropped,
            reader.events,
        )

    def test_malformed_carries_decode_line_reason(self) -> None:
        """The Malformed record holds the reason decode_line gives for that line."""
        _, reader = _read(A + b"\n" + BAD + b"\n" + B + b"\n")
        assert Malformed(2, 'AgentResumed is missing required field "pid"', 1) == reader.malformed

    @pytest.mark.parametrize("line", MALFORMED_TEXT)
    def test_any_malformed_line_stops_replay(self, line: bytes) -> None:
        """Each kind of malformed line stops the reader, and no later good line is yielded."""
        seen, reader = _read(A + b"\n\n" + line + b"\n" + B + b"\n")
        assert ([(1, "a")], Malformed(3, _reason(line), 1), 1) == (
            seen,
            reader.malformed,
            reader.events,
        )

    def test_good_line_after_bad_is_never_yielded(self) -> None:
        """Lines after the malformed one are counted but never decoded or yielded."""
        lines = [A + b"\n", BAD + b"\n", B + b"\n", b"not json\n", C + b"\n"]
        reader = LogReader(lines)
        assert [1] == [number for number, _ in reader]
        assert Malformed(2, 'AgentResumed is missing required field "pid"', 3) == reader.malformed
        assert reader.events == 1

    def test_accepts_any_iterable_of_lines(self) -> None:
        """A plain list of byte lines (with or without newlines) reads like a file."""
        reader = LogReader([A, b"", b"  ", B + b"\n"])
        assert [(1, ev.AgentGarbageCollected(id="a")), (4, ev.AgentGarbageCollected(id="b"))] == (
            list(reader)
        )
        assert (None, 2) == (reader.malformed, reader.events)

    def test_every_variant_in_one_log(self) -> None:
        """A log holding every sample line yields every event in order."""
        data = b"\n".join(line.encode() for line, _ in ON_DISK) + b"\n"
        reader = LogReader(io.BytesIO(data))
        assert list(enumerate((event for _, event in ON_DISK), start=1)) == list(reader)
        assert (None, len(ON_DISK)) == (reader.malformed, reader.events)


# --- 5. The block fast path agrees with the exact line-by-line reader ------------------------

_GOOD = [line.encode() for line, _ in ON_DISK]
_BAD = [case.values[0] for case in MALFORMED]
_BLANK = [b"", b"  ", b"\t", b"\r", b" \x0b\x0c"]


#: What the replay asks for: everything but the messages, which the fast path skips.
_NOT_MESSAGES = frozenset(EVENT_TYPES.values()) - {ev.MessagePosted}


def _outcome(data: bytes, wanted: frozenset[type] | None, *, exact: bool) -> tuple[object, ...]:
    reader = LogReader(io.BytesIO(data), wanted, exact=exact)
    return list(reader), reader.malformed, reader.events


@given(
    lines=st.lists(
        st.one_of(st.sampled_from(_GOOD), st.sampled_from(_BAD), st.sampled_from(_BLANK)),
        max_size=40,
    ),
    ending=st.sampled_from([b"\n", b"\r\n"]),
    final_newline=st.booleans(),
    block_size=st.integers(1, 600),
    wanted=st.sampled_from([None, _NOT_MESSAGES]),
)
def test_blocks_read_what_the_exact_reader_reads(
    lines: list[bytes],
    ending: bytes,
    final_newline: bool,
    block_size: int,
    wanted: frozenset[type] | None,
) -> None:
    """Any mix of good, malformed and blank lines, cut into blocks of any size, is read
    exactly as the line-by-line reader reads it: same events, lines, reason and count,
    whatever variants the envelope has learnt."""
    data = ending.join(lines) + (ending if final_newline and lines else b"")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("lifecheck.checker.reading.reader.BLOCK_SIZE", block_size)
        assert _outcome(data, wanted, exact=False) == _outcome(data, wanted, exact=True)


@pytest.mark.parametrize(
    "line",
    [
        b'{"AgentResumed":{"id":"a","pid":1,"pid":2}}',
        b'{"MessagePosted":{"id":"m","channel":"c","sender":"s","content":"x"},'
        b'"AgentGarbageCollected":{"id":"a"}}',
        # the envelope writes `MessagePosted` last: this line is its writing of two variants
        b'{"AgentGarbageCollected":{"id":"a"},'
        b'"MessagePosted":{"id":"m","channel":"c","sender":"s","content":"x"}}',
        # the same once the envelope has learnt the variant from the lines before
        b'{"AgentGarbageCollected":{"id":"a"}}\n'
        b'{"MessagePosted":{"id":"m","channel":"c","sender":"s","content":"x"}}\n'
        b'{"AgentGarbageCollected":{"id":"a"},'
        b'"MessagePosted":{"id":"m","channel":"c","sender":"s","content":"x"}}',
    ],
    ids=["repeated-field", "message-with-second-variant", "variant-then-message", "learnt"],
)
def test_repeated_keys_stop_both_readers(line: bytes) -> None:
    """msgspec keeps one value of a repeated key where serde rejects the line: the fast
    reader sees that the line is not the daemon's writing and asks the exact one."""
    assert _outcome(line, _NOT_MESSAGES, exact=True)[1] is not None
    assert _outcome(line, _NOT_MESSAGES, exact=False) == _outcome(line, _NOT_MESSAGES, exact=True)


@pytest.mark.parametrize(
    "data",
    [b"{}", b'{"AgentGarbageCollected":{"id":"a"}}\n{}\n{"AgentGarbageCollected":{"id":"b"}}'],
    ids=["alone", "among-others"],
)
def test_a_line_with_no_variant_stops_both_readers(data: bytes) -> None:
    """msgspec reads ``{}`` as an envelope of no variant, written back as it was; serde
    rejects it."""
    assert _outcome(data, _NOT_MESSAGES, exact=True)[1] is not None
    assert _outcome(data, _NOT_MESSAGES, exact=False) == _outcome(data, _NOT_MESSAGES, exact=True)


def test_a_string_ending_like_a_body_reads_alike() -> None:
    """A string ending in ``},`` holds what a line of two variant keys holds: every line of
    its block is then counted, and read as the exact reader reads it."""
    data = (
        b'{"AgentGarbageCollected":{"id":"a"}}\n'
        b'{"MessagePosted":{"id":"m","channel":"c","sender":"s","content":"x},"}}\n'
        b'{"AgentStopped":{"id":"a","reason":"done},"}}\n'
    )
    for wanted in (None, _NOT_MESSAGES):
        fast = _outcome(data, wanted, exact=False)
        assert fast == _outcome(data, wanted, exact=True)
        assert fast[1] is None
