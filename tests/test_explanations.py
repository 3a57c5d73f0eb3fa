"""Every finding carries the lines that matter and a Let/Then explanation built from them."""

from __future__ import annotations

from pathlib import Path

from lifecheck.checker.check import read_log
from lifecheck.checker.replay.engine import Replay
from lifecheck.checker.replay.history import END_RULES
from lifecheck.checker.rules.findings import Finding
from lifecheck.spec.catalogue import RULES
from tests.test_rules import CASES, Case

GOLDEN = Path(__file__).parent / "golden" / "explanations.txt"


def _finding(case: Case) -> Finding:
    replay = Replay(path="log.jsonl", semantics=case.semantics)
    read_log(replay, case.trigger)
    return next(f for f in replay.finish() if (f.rule, f.line) == (case.rule, case.at))


def _entry(case: Case) -> str:
    finding = _finding(case)
    lines = ", ".join("snapshot" if e.line is None else str(e.line) for e in finding.evidence)
    explanation = finding.explanation or "(none: the reason is the message)"
    return f"## {case.rule} (line {case.at})\n{explanation}\nlines that matter: {lines or '-'}\n"


def test_every_rule_has_a_golden_explanation(update_golden: bool) -> None:
    """One explanation per rule, from its failing trace in test_rules (regenerate with
    --update-golden)."""
    seen: dict[str, Case] = {}
    for case in CASES:
        seen.setdefault(case.rule, case)
    assert set(seen) == set(RULES)
    actual = "\n".join(_entry(seen[rule]) for rule in RULES)
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
