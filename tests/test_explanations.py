"""Every finding carries the lines that matter and a Let/Then explanation built from them."""

from __future__ import annotations

from pathlib import Path

import pytest

from lifecheck.checker.check import read_log
from lifecheck.checker.replay.engine import Replay
from lifecheck.checker.replay.history import END_RULES
from lifecheck.checker.rules.findings import Finding
from lifecheck.spec.catalogue import RULES
from tests.test_rules import CASES, STORE_CASES, Case, StoreCase

GOLDEN = Path(__file__).parent / "golden" / "explanations.txt"


def _finding(case: Case) -> Finding:
    replay = Replay(path="log.jsonl", semantics=case.semantics)
    read_log(replay, case.trigger)
    return next(f for f in replay.finish() if (f.rule, f.line) == (case.rule, case.at))


def _entry(finding: Finding, where: str) -> str:
    lines = ", ".join("snapshot" if e.line is None else str(e.line) for e in finding.evidence)
    explanation = finding.explanation or "(none: the reason is the message)"
    return f"## {finding.rule} ({where})\n{explanation}\nlines that matter: {lines or '-'}\n"


def test_every_rule_has_a_golden_explanation(update_golden: bool, tmp_path: Path) -> None:
    """One explanation per rule, from its failing trace or store in test_rules (regenerate
    with --update-golden)."""
    seen: dict[str, str] = {}
    for case in CASES:
        if case.rule not in seen:
            seen[case.rule] = _entry(_finding(case), f"line {case.at}")
    for store_case in STORE_CASES:
        where = store_case.file + ("" if store_case.at is None else f":{store_case.at}")
        seen[store_case.rule] = _entry(store_case.finding(tmp_path / store_case.rule), where)
    assert set(seen) == set(RULES)
    actual = "\n".join(seen[rule] for rule in RULES)
    if update_golden:
        GOLDEN.write_text(actual)
    assert GOLDEN.read_text() == actual


def test_explanations_end_at_the_line_that_broke_the_rule() -> None:
    """The last line that matters is the finding's own, and the Then sentence names it;
    every record the finding involves has a Let sentence."""
    for case in CASES:
        finding = _finding(case)
        if finding.rule == "parse-error":
            assert (finding.evidence, finding.explanation) == ((), None)
            continue
        assert finding.explanation is not None
        *lets, then = finding.explanation.splitlines()
        assert then.startswith("Then"), case.rule
        if finding.rule not in END_RULES:  # an end rule's line is only its record's last one
            assert finding.evidence[-1].line == finding.line, case.rule
            assert then.startswith(f"Then line {finding.line}"), case.rule
            assert all(e.line is None or e.line <= finding.line for e in finding.evidence)
        involved = [r for r in (finding.agent_id, *finding.related) if r]
        records = [let for let in lets if not let.startswith("Let line")]
        assert len(records) <= len(dict.fromkeys(involved)), case.rule  # none for the unborn


@pytest.mark.parametrize("case", STORE_CASES, ids=[c.rule for c in STORE_CASES])
def test_store_findings_are_explained(case: StoreCase, tmp_path: Path) -> None:
    """A store finding ends its explanation with a Then sentence (naming its line when it
    has one), and its last line that matters is its own."""
    finding = case.finding(tmp_path)
    assert finding.explanation is not None
    then = finding.explanation.splitlines()[-1]
    assert then.startswith("Then" if finding.line is None else f"Then line {finding.line}:")
    assert not finding.evidence or finding.evidence[-1].line == finding.line
