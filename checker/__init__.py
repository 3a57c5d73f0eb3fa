"""Replay Midtown event logs through models of the daemon's projection and check the rules.

The public API: check a path (:func:`check_path`), or drive a :class:`Replay` yourself
with events from a :class:`LogReader`; render with :func:`render_text` or :func:`to_json`.
"""

from lifecheck.checker.check import InputReport, check_path
from lifecheck.checker.reading.agents import AgentIndex, AgentRecord
from lifecheck.checker.reading.reader import LogReader, Malformed, decode_line
from lifecheck.checker.reading.store import InputError, locate, read_snapshot
from lifecheck.checker.replay.engine import Replay
from lifecheck.checker.replay.projection import PROJECTIONS
from lifecheck.checker.reports.text import render_text, to_json
from lifecheck.checker.rules.findings import Finding
from lifecheck.spec.catalogue import RULES, Rule, Severity

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
