"""Per-rule counts: the table that ends a text report, and ``--statistics`` after the others.

Errors first, then warnings, then infos; within a severity the rules that fired most first.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence

from lifecheck.checker.reports.colours import SEVERITY_COLOURS, paint
from lifecheck.checker.reports.data import InputReport
from lifecheck.spec.catalogue import Severity

_ORDER = {severity: rank for rank, severity in enumerate(Severity)}


def rule_counts(reports: Sequence[InputReport]) -> list[tuple[str, Severity, int]]:
    """``(rule, severity, count)`` of every rule found: by severity (errors first), count
    (most first), then rule; counted as the findings were found, with no pass over them."""
    counts: Counter[str] = Counter()
    severity: dict[str, Severity] = {}
    for report in reports:
        counts.update(report.findings.rules)
        severity.update(report.findings.rule_severity)
    rows = [(rule, severity[rule], count) for rule, count in counts.items() if count]
    return sorted(rows, key=lambda row: (_ORDER[row[1]], -row[2], row[0]))


def statistics_lines(reports: Sequence[InputReport], *, colour: bool = False) -> Iterator[str]:
    """``COUNT  SEVERITY  RULE`` aligned, a line each (none when nothing was found)."""
    rows = rule_counts(reports)
    if not rows:
        return
    count_width = max(len(str(count)) for _, _, count in rows)
    severity_width = max(len(severity) for _, severity, _ in rows)
    for rule, severity, count in rows:
        label = paint(f"{severity:<{severity_width}}", SEVERITY_COLOURS[severity], colour)
        yield f"{count:>{count_width}}  {label}  {rule}\n"
