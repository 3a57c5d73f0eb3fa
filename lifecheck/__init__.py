"""lifecheck: check Midtown agent event logs against an explicit lifecycle state machine.

The library API, with no process-wide side effect::

    import lifecheck

    reports = lifecheck.check(["events/"], semantics="d11b83e")
    for report in reports:
        for finding in report.findings:
            print(finding.path, finding.line, finding.rule, finding.message)
    page = lifecheck.to_html(lifecheck.check(["events/"], timelines=True), "d11b83e")

:func:`check` returns one :class:`InputReport` per path: its findings (each a
:class:`Finding`), counts, coverage and, when asked for, timelines. The renderers
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

from collections.abc import Iterable
from importlib import import_module
from typing import TYPE_CHECKING, Any

from lifecheck.checker.check import check_path
from lifecheck.checker.replay.engine import DEFAULT_SEMANTICS, Replay
from lifecheck.checker.reports.data import InputReport
from lifecheck.checker.reports.text import render_text, to_json
from lifecheck.checker.rules.findings import Finding
from lifecheck.spec import SEMANTICS
from lifecheck.spec.catalogue import RULES, Severity

if TYPE_CHECKING:
    from lifecheck.checker.reports.html import to_html
    from lifecheck.checker.reports.junit import to_junit
    from lifecheck.checker.reports.sarif import to_sarif

__all__ = [
    "DEFAULT_SEMANTICS",
    "RULES",
    "SEMANTICS",
    "Finding",
    "InputReport",
    "Replay",
    "Severity",
    "check",
    "render_text",
    "to_html",
    "to_json",
    "to_junit",
    "to_sarif",
]

#: Renderers imported when first used: `lifecheck check` starts without them.
_LAZY = {
    "to_html": "lifecheck.checker.reports.html",
    "to_junit": "lifecheck.checker.reports.junit",
    "to_sarif": "lifecheck.checker.reports.sarif",
}


def check(
    paths: str | Iterable[str],
    semantics: str = DEFAULT_SEMANTICS,
    *,
    exact: bool = False,
    jobs: int = 1,
    timelines: bool = False,
) -> list[InputReport]:
    """Check each path (a log file or a Midtown event-store directory) independently.

    ``semantics`` picks the daemon version (:data:`SEMANTICS`); ``exact`` runs the exact
    decoder on every line (the same verdicts, slower); ``jobs`` > 1 validates a big log in
    that many processes; ``timelines`` keeps the timelines of the agents with most findings (for
    :func:`to_html`). An input that cannot be read comes back with ``error`` set.
    """
    chosen = [paths] if isinstance(paths, str) else list(paths)
    return [
        check_path(path, semantics, exact=exact, jobs=jobs, timelines=timelines) for path in chosen
    ]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'lifecheck' has no attribute {name!r}")
