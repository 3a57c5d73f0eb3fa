"""The Midtown ``DomainEvent`` schema as msgspec structs, one per variant.

Field names, order and types follow Midtown's ``events/mod.rs`` (newest version plus
``AgentSessionNotFound`` and ``ChannelCreated``). serde's rules are mirrored: a missing
``Option`` field is ``None``, unknown keys are ignored, everything else is required; the
few Rust facts a type cannot say (`#[serde(default)]`, chrono dates, the `author` alias)
are spelt out below for the exact decoder (:mod:`.serde`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec

U32 = Annotated[int, msgspec.Meta(ge=0, le=2**32 - 1)]
U64 = Annotated[int, msgspec.Meta(ge=0)]  # msgspec rejects integers above 2**64 - 1 itself
UtcDateTime = Annotated[datetime, msgspec.Meta(tz=True)]
#: A `chrono::DateTime<Utc>` in a log line, kept as written: chrono reads dates Python's
#: `datetime` cannot hold (year 0, a leap second); :mod:`.dates` checks and reads it.
ChronoDateTime = Annotated[str, msgspec.Meta(extra={"rust": "chrono::DateTime<Utc>"})]

AgentKind = Literal["Lead", "Fork", "Worker"]
Provider = Literal["ClaudeCode", "Codex"]
ProcessStatus = Literal["Running", "Stopped", "Dead"]
CiStatus = Literal["Pending", "Running", "Passed", "Failed"]
ReviewState = Literal["None", "Pending", "Approved", "ChangesRequested"]


class _Event(msgspec.Struct, frozen=True, gc=False):
    """Base of every variant: immutable, keyed by field name, untracked by the cycle
    collector (decoded JSON holds no cycles, and the reader makes millions of them)."""


# --- agent lifecycle -------------------------------------------------------------------


class AgentCreated(_Event, frozen=True):
    id: str
    name: str
    kind: AgentKind
    agent_type: str
    provider: Provider
    channel: str | None = None
    task_id: str | None = None
    bound_thread_id: str | None = None
    icon: str | None = None
    color: str | None = None


class AgentStarted(_Event, frozen=True):
    id: str
    pid: U32
    session_id: str | None = None


class AgentStopped(_Event, frozen=True):
    id: str
    reason: str


class AgentResumed(_Event, frozen=True):
    id: str
    pid: U32


class AgentGarbageCollected(_Event, frozen=True):
    id: str


class AgentStateReported(_Event, frozen=True):
    id: str
    state: str


class AgentSpawnFailed(_Event, frozen=True):
    name: str
    agent_type: str
    reason: str


class AgentStopFailed(_Event, frozen=True):
    id: str
    reason: str


class AgentSessionNotFound(_Event, frozen=True):
    name: str


# --- events that name agents without changing them --------------------------------------


class TaskAssigned(_Event, frozen=True):
    task_id: str
    agent_id: str


class MentionRouted(_Event, frozen=True):
    message_id: str
    target_agent: str


class ProcessHealthChecked(_Event, frozen=True):
    agent_id: str
    status: ProcessStatus


class UsageLimitHit(_Event, frozen=True):
    agent_id: str
    reset_at: ChronoDateTime


class AuthErrorDetected(_Event, frozen=True):
    agent_id: str


# --- channels ---------------------------------------------------------------------------


class ChannelRenamed(_Event, frozen=True):
    old_name: str
    new_name: str


class ChannelArchived(_Event, frozen=True):
    channel: str


class ChannelUnarchived(_Event, frozen=True):
    channel: str


class ChannelCreated(_Event, frozen=True):
    channel: str


class ChannelLeadDrivenSet(_Event, frozen=True):
    channel: str
    lead_driven: bool


class ChannelDirectorySet(_Event, frozen=True):
    channel: str
    directory: str | None = None


class WorkflowStateSet(_Event, frozen=True):
    channel: str
    key: str
    state: str


# --- tasks, PRs, messages and the rest ----------------------------------------------------


class TaskCreated(_Event, frozen=True):
    id: str
    subject: str
    channel: str
    blocked_by: list[str]
    agent_type: str | None = None
    agent_name: str | None = None
    icon: str | None = None
    color: str | None = None
    parent: str | None = None
    thread_id: str | None = None
    message_id: str | None = None


class TaskUpdated(_Event, frozen=True):
    task_id: str
    thread_id: str | None = None
    message_id: str | None = None


class TaskCompleted(_Event, frozen=True):
    task_id: str


class TaskReset(_Event, frozen=True):
    task_id: str
    reason: str


class TaskUnblocked(_Event, frozen=True):
    task_id: str


class _PrEvent(_Event, frozen=True):
    """A pull-request event; ``number`` is a ``u64``."""

    number: U64

    def __post_init__(self) -> None:
        if self.number > 2**64 - 1:
            raise ValueError("number must be an integer <= 18446744073709551615 (u64)")


class PrOpened(_PrEvent, frozen=True):
    branch: str
    # serde: `github_author` with `#[serde(alias = "author")]`; exactly one must be present.
    github_author: str | msgspec.UnsetType = msgspec.UNSET
    author: str | msgspec.UnsetType = msgspec.UNSET


class PrUpdated(_PrEvent, frozen=True):
    ci_status: CiStatus
    review_state: ReviewState


class PrMerged(_PrEvent, frozen=True):
    branch: str


class PrClosed(_PrEvent, frozen=True):
    """Only the number."""


class PrReviewRequested(_PrEvent, frozen=True):
    """Only the number."""


class PrLinkedToTask(_PrEvent, frozen=True):
    task_id: str


class MessagePosted(_Event, frozen=True):
    id: str
    channel: str
    sender: str
    content: str
    thread_id: str | None = None
    # `Vec<ToolBlock>`, read as serde_json `Value`s: any JSON, nesting and numbers checked.
    tool_data: list[Any] | None = None
    auto_output: bool = False


class WorktreeCreated(_Event, frozen=True):
    id: str
    path: str
    task_id: str | None = None


class WorktreeRemoved(_Event, frozen=True):
    id: str


class ReminderCreated(_Event, frozen=True):
    id: str
    trigger: str
    message: str
    cron_expr: str | None = None


class ReminderCancelled(_Event, frozen=True):
    id: str


class ConfigUpdated(_Event, frozen=True):
    key: str
    value: Any


#: Every known variant by its on-disk name.
EVENT_TYPES: dict[str, type[_Event]] = {
    cls.__name__: cls
    for cls in (
        AgentCreated,
        AgentStarted,
        AgentStopped,
        AgentResumed,
        AgentGarbageCollected,
        AgentStateReported,
        AgentSpawnFailed,
        AgentStopFailed,
        AgentSessionNotFound,
        TaskCreated,
        TaskUpdated,
        TaskAssigned,
        TaskCompleted,
        TaskReset,
        TaskUnblocked,
        PrOpened,
        PrUpdated,
        PrMerged,
        PrClosed,
        PrReviewRequested,
        PrLinkedToTask,
        MessagePosted,
        MentionRouted,
        ProcessHealthChecked,
        UsageLimitHit,
        AuthErrorDetected,
        WorktreeCreated,
        WorktreeRemoved,
        ReminderCreated,
        ReminderCancelled,
        WorkflowStateSet,
        ChannelLeadDrivenSet,
        ChannelDirectorySet,
        ChannelRenamed,
        ChannelArchived,
        ChannelUnarchived,
        ChannelCreated,
        ConfigUpdated,
    )
}

#: Fields with `#[serde(default)]`: besides being optional in an object, they may be left off
#: the end of a variant written as an array (other `Option` fields may not).
SERDE_DEFAULTS: dict[type[_Event], frozenset[str]] = {
    TaskCreated: frozenset({"thread_id", "message_id"}),
    TaskUpdated: frozenset({"thread_id", "message_id"}),
    MessagePosted: frozenset({"auto_output"}),
}

#: `#[serde(alias = ...)]`: another key for the same field (giving both is a duplicate).
SERDE_ALIASES: dict[type[_Event], dict[str, str]] = {PrOpened: {"author": "github_author"}}

#: Variants keyed by agent id whose target must exist (docs/rules.md §4).
ID_KEYED = (
    AgentStarted,
    AgentStopped,
    AgentResumed,
    AgentGarbageCollected,
    AgentStateReported,
    AgentStopFailed,
)

#: Variants that only mention an agent id (`dangling-agent-ref`), with the field naming it.
AGENT_REFERENCES: dict[type[_Event], str] = {
    TaskAssigned: "agent_id",
    MentionRouted: "target_agent",
    ProcessHealthChecked: "agent_id",
    UsageLimitHit: "agent_id",
    AuthErrorDetected: "agent_id",
}

Event = _Event
