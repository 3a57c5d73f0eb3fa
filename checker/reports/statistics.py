"""Per-rule counts (``--statistics``): the rules that fired most first, as ruff shows them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence

from lifecheck.checker.reports.data import InputReport


def rule_counts(reports: Sequence[InputReport]) -> list[tuple[str, str, int]]:
    """``(rule, severity, count)`` of every rule found, by count (most first), then rule."""
    counts = Counter((f.rule, str(f.severity)) for r in reports for f in r.findings)
    return sorted(((rule, severity, n) for (rule, severity), n in counts.items()),
                  key=lambda row: (-row[2], row[0]))  # fmt: skip


def statistics_lines(reports: Sequence[InputReport]) -> Iterator[str]:
    """``COUNT  RULE  SEVERITY`` aligned, a line each (none when nothing was found)."""
    rows = rule_counts(reports)
    if not rows:
        return
    count_width = len(str(rows[0][2]))
    rule_width = max(len(rule) for rule, _, _ in rows)
    for rule, severity, count in rows:
        yield f"{count:>{count_width}}  {rule:<{rule_width}}  {severity}\n"
