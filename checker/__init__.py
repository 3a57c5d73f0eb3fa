"""Replay Midtown event logs through models of the daemon's projection and check the rules.

The public API: check a path (:func:`check_path`), or drive a :class:`Replay` yourself
with events from a :class:`LogReader`; render with :func:`render_text` or :func:`to_json`.
"""

from checker.check import InputReport, check_path
from checker.findings import Finding
from checker.projection import PROJECTIONS, AgentIndex, AgentRecord
from checker.reader import LogReader, Malformed, decode_line
from checker.replay import Replay
from checker.report import render_text, to_json
from checker.rules import RULES, Rule, Severity
from checker.store import InputError, locate, read_snapshot

__all__ = [
    "PROJECTIONS",
    "RULES",
    "AgentIndex",
    "AgentRecord",
    "Finding",
    "InputError",
    "InputReport",
    "LogReader",
    "Malformed",
    "Replay",
    "Rule",
    "Severity",
    "check_path",
    "decode_line",
    "locate",
    "read_snapshot",
    "render_text",
    "to_json",
]
