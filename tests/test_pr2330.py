"""The PR #2330 crash loop, replayed under each daemon version."""

from __future__ import annotations

from importlib import resources

from lifecheck.checker import check_path
from lifecheck.checker.rules.findings import Finding

EXAMPLE = str(resources.files("checker") / "examples" / "pr-2330-crash-loop.jsonl")


def findings(semantics: str) -> list[Finding]:
    report = check_path(EXAMPLE, semantics)
    assert report.error is None
    return list(report.findings)


def rules(semantics: str) -> set[str]:
    return {f.rule for f in findings(semantics)}


class TestPr2330:
    def test_before_the_fix_the_reviewer_stays_running_without_a_session(self) -> None:
        """Under 3d1b4c5d, AgentSessionNotFound leaves btucker-reviewer running sessionless."""
        hits = [f for f in findings("3d1b4c5d") if f.rule == "running-without-session"]
        assert [(36, "btucker-reviewer"), (60, "btucker-reviewer")] == [
            (f.line, f.agent_name) for f in hits
        ]
        assert "stale-pid" not in rules("3d1b4c5d")

    def test_after_the_fix_the_reviewer_is_left_with_a_stale_pid(self) -> None:
        """Under d11b83e, the same lines leave it in limbo, and the last one unresolved."""
        by_rule = {(f.rule, f.line) for f in findings("d11b83e")}
        assert {("stale-pid", 36), ("stale-pid", 60), ("limbo-unresolved", 60)} <= by_rule
        assert "running-without-session" not in rules("d11b83e")

    def test_the_misattribution_is_found_under_both_versions(self) -> None:
        """The failing session belongs to another same-name record than by_name's."""
        for semantics in ("d11b83e", "3d1b4c5d"):
            assert {"session-not-found-misattributed", "session-not-found-ambiguous",
                    "resume-loop"} <= rules(semantics)  # fmt: skip

    def test_the_proposed_fix_leaves_no_forbidden_state(self) -> None:
        """Treating AgentSessionNotFound as a stop removes every state rule's finding."""
        assert not {"stale-pid", "running-without-session", "limbo-unresolved"} & rules("proposed")
