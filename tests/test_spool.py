"""Findings held in memory that does not grow with them, in report order (docs/rules.md §5)."""

from __future__ import annotations

import pickle

import pytest

from lifecheck.checker.reports import spool
from lifecheck.checker.reports.spool import Findings
from lifecheck.checker.rules.findings import Finding


def _finding(line: int | None, rule: str = "stale-pid", path: str = "log.jsonl") -> Finding:
    return Finding(rule=rule, path=path, line=line, agent_id="a", agent_name="n",  # type: ignore[arg-type]
                   message=f"{rule} at {line}")  # fmt: skip


def test_findings_past_the_kept_ones_go_to_disk_and_come_back_in_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(spool, "KEPT", 3)
    found = [_finding(n) for n in range(1, 11)]
    findings = Findings(found)
    assert findings._spill is not None  # three chunks were written
    assert (list(findings), len(findings), list(findings)) == (found, 10, found)
    assert findings[4] == found[4]
    assert findings.counts["warning"] == 10


def test_late_findings_merge_after_the_findings_of_their_line() -> None:
    """End-of-replay findings are met last but belong at earlier lines, after the line's own
    findings; a snapshot's findings (line null) sort by their path."""
    met = [
        _finding(None, "snapshot-inconsistent", path="snapshot.json"),
        _finding(5, "stale-pid"),
        _finding(9, "resume-without-session"),
        _finding(5, "limbo-unresolved"),
        _finding(None, "limbo-unresolved", path="snapshot.json"),
    ]
    order = [(f.path, f.line, f.rule) for f in Findings(met)]
    assert order == [
        ("log.jsonl", 5, "stale-pid"),
        ("log.jsonl", 5, "limbo-unresolved"),
        ("log.jsonl", 9, "resume-without-session"),
        ("snapshot.json", None, "snapshot-inconsistent"),
        ("snapshot.json", None, "limbo-unresolved"),
    ]


def test_findings_compare_and_pickle_as_their_contents(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spool, "KEPT", 2)
    findings = Findings(_finding(n) for n in range(5))
    assert findings == tuple(findings)
    assert Findings() == ()
    assert findings != Findings()
    assert list(pickle.loads(pickle.dumps(findings))) == list(findings)
