"""The library's entry point, :func:`lifecheck.check` (imported when first used)."""

from __future__ import annotations

from collections.abc import Iterable

from lifecheck.checker.check import check_path
from lifecheck.checker.replay.engine import DEFAULT_SEMANTICS
from lifecheck.checker.reports.data import InputReport
from lifecheck.checker.rules.policy import Policy


def check(
    paths: str | Iterable[str],
    semantics: str = DEFAULT_SEMANTICS,
    *,
    exact: bool = False,
    jobs: int = 1,
    timelines: bool = False,
    policy: Policy | None = None,
) -> list[InputReport]:
    """Check each path (a log file or a Midtown event-store directory) independently.

    ``semantics`` picks the daemon version (:data:`SEMANTICS`); ``exact`` runs the exact
    decoder on every line (the same verdicts, slower); ``jobs`` > 1 validates a big log in
    that many processes; ``timelines`` keeps the timelines of the agents with most findings (for
    :func:`to_html`); ``policy`` picks the findings reported (by rule, severity and
    baseline: :meth:`Policy.of`). An input that cannot be read comes back with ``error`` set.
    """
    chosen = [paths] if isinstance(paths, str) else list(paths)
    return [
        check_path(path, semantics, exact=exact, jobs=jobs, timelines=timelines, policy=policy)
        for path in chosen
    ]
