"""Replay Midtown event logs through models of the daemon's projection and check the rules.

The public API: check a path (:func:`check_path`), or drive a :class:`Replay` yourself
with events from a :class:`LogReader`; render with :func:`render_text` or :func:`to_json`.
"""

from typing import TYPE_CHECKING

from lifecheck.lazy import lazy

if TYPE_CHECKING:
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

#: Where each name lives: imported when first used (any ``lifecheck.checker.*`` import runs
#: this module first; the command line's start-up needs none of them).
_LAZY = {
    "AgentIndex": "lifecheck.checker.reading.agents",
    "AgentRecord": "lifecheck.checker.reading.agents",
    "Finding": "lifecheck.checker.rules.findings",
    "InputError": "lifecheck.checker.reading.store",
    "InputReport": "lifecheck.checker.check",
    "LogReader": "lifecheck.checker.reading.reader",
    "Malformed": "lifecheck.checker.reading.reader",
    "PROJECTIONS": "lifecheck.checker.replay.projection",
    "RULES": "lifecheck.spec.catalogue",
    "Replay": "lifecheck.checker.replay.engine",
    "Rule": "lifecheck.spec.catalogue",
    "Severity": "lifecheck.spec.catalogue",
    "check_path": "lifecheck.checker.check",
    "decode_line": "lifecheck.checker.reading.reader",
    "locate": "lifecheck.checker.reading.store",
    "read_snapshot": "lifecheck.checker.reading.store",
    "render_text": "lifecheck.checker.reports.text",
    "to_json": "lifecheck.checker.reports.text",
}


__getattr__, __dir__ = lazy(__name__, _LAZY, __all__)
