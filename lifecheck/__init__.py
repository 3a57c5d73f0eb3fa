"""lifecheck: check Midtown agent event logs against an explicit lifecycle state machine.

The library API, with no process-wide side effect::

    import lifecheck

    reports = lifecheck.check(["events/"], semantics="d11b83e")
    for report in reports:
        for finding in report.findings:
            print(finding.path, finding.line, finding.rule, finding.message)
    page = lifecheck.to_html(lifecheck.check(["events/"], timelines=True), "d11b83e")

:func:`check` returns one :class:`InputReport` per path: its findings (each a
:class:`Finding`), counts, coverage and, when asked for, timelines; ``policy=Policy.of(select=...,
ignore=..., severity=["stale-pid=error"], baseline=fingerprints)`` picks what is reported
(every finding carries its ``fingerprint``). The renderers
(:func:`render_text`, :func:`to_json`, :func:`to_sarif`, :func:`to_junit`,
:func:`to_html`) turn those reports into text or bytes. For a live or streamed log, feed a
:class:`Replay` ``(line, event)`` pairs yourself (``replay.feed``), with ``on_finding`` to
get each finding as it is found.

The one installed top-level package. :mod:`lifecheck.spec` is the lifecycle as data (it
imports nothing else of lifecheck); :mod:`lifecheck.checker` reads logs, replays them and
reports; :mod:`lifecheck.testing` generates logs for tests and is never imported by the
checker. The import-linter contracts in pyproject.toml hold these layers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lifecheck.lazy import lazy

if TYPE_CHECKING:
    from lifecheck.api import check
    from lifecheck.checker.replay.engine import DEFAULT_SEMANTICS, Replay
    from lifecheck.checker.reports.data import InputReport
    from lifecheck.checker.reports.html import to_html
    from lifecheck.checker.reports.junit import to_junit
    from lifecheck.checker.reports.sarif import to_sarif
    from lifecheck.checker.reports.text import render_text, to_json
    from lifecheck.checker.rules.findings import Finding
    from lifecheck.checker.rules.policy import Policy
    from lifecheck.spec import SEMANTICS
    from lifecheck.spec.catalogue import RULES, Severity

__all__ = [
    "DEFAULT_SEMANTICS",
    "RULES",
    "SEMANTICS",
    "Finding",
    "InputReport",
    "Policy",
    "Replay",
    "Severity",
    "check",
    "render_text",
    "to_html",
    "to_json",
    "to_junit",
    "to_sarif",
]

#: Where each name lives: imported when first used, so that `lifecheck --version` starts
#: with none of them and `lifecheck check` without the renderers it does not use.
_LAZY = {
    "DEFAULT_SEMANTICS": "lifecheck.checker.replay.engine",
    "RULES": "lifecheck.spec.catalogue",
    "SEMANTICS": "lifecheck.spec",
    "Finding": "lifecheck.checker.rules.findings",
    "InputReport": "lifecheck.checker.reports.data",
    "Policy": "lifecheck.checker.rules.policy",
    "Replay": "lifecheck.checker.replay.engine",
    "Severity": "lifecheck.spec.catalogue",
    "check": "lifecheck.api",
    "render_text": "lifecheck.checker.reports.text",
    "to_html": "lifecheck.checker.reports.html",
    "to_json": "lifecheck.checker.reports.text",
    "to_junit": "lifecheck.checker.reports.junit",
    "to_sarif": "lifecheck.checker.reports.sarif",
}


__getattr__, __dir__ = lazy(__name__, _LAZY, __all__)
