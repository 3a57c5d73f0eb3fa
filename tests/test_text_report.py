"""The text report: explanations only where they add to a finding's line, what to do once per
rule, the per-rule table before the summary line, and the summary on stderr with -o."""

from __future__ import annotations

import os
from pathlib import Path

from lifecheck.checker.reports.data import InputReport
from lifecheck.checker.reports.spool import Findings
from lifecheck.checker.reports.text import adds_to_message, render_text
from lifecheck.spec.catalogue import RULES
from tests.builders import created, not_found, replay, run_cli, started

EXAMPLES = os.path.join("checker", "examples")
CRASH_LOOP = os.path.join(EXAMPLES, "pr-2330-crash-loop.jsonl")
CLEAN = os.path.join(EXAMPLES, "clean-day.jsonl")
SUMMARY = "7 errors, 4 warnings, 0 info in 1 input (semantics d11b83e)\n"
#: Two records left in limbo (stale-pid, then limbo-unresolved at the end) around an
#: AgentSessionNotFound for a name no record has (unknown-name).
LOG = [created("a1"), started("a1"), not_found(), not_found("ghost"),
       created("a2", "other"), started("a2", 4200), not_found("other")]  # fmt: skip


def _text(explain: int | None) -> list[str]:
    report = InputReport("log.jsonl", findings=Findings(replay(LOG)))
    return render_text([report], "d11b83e", explain=explain).splitlines()


def _under(lines: list[str], finding: str) -> list[str]:
    """The indented lines under the first finding line that ``finding`` starts."""
    start = next(n for n, text in enumerate(lines) if text.startswith(f"  {finding}"))
    rest = lines[start + 1 :]
    return rest[: next(n for n, text in enumerate(rest) if not text.startswith("    "))]


def test_an_explanation_is_shown_only_when_it_adds_a_line_to_the_message() -> None:
    """A Let line (the record's past) before the Then: shown; a lone Then, which restates
    the message: left out."""
    assert adds_to_message("Let R be x (a1): created at line 1.\nThen line 3 (E): m.")
    assert not adds_to_message("Then line 4 (AgentSessionNotFound): m.")
    lines = _text(explain=None)
    stale = _under(lines, "log.jsonl:3: warning stale-pid")
    assert [row.split()[0] for row in stale] == ["Let", "Then", "4100", "what"]
    assert _under(lines, "log.jsonl:4: warning unknown-name") == [
        f"      what to do: {RULES['unknown-name'].action}"
    ]


def test_what_to_do_is_said_once_per_rule_under_its_first_finding() -> None:
    """Under the first stale-pid, explained; not under the second; and under a finding
    past the explained ones too (one line per rule keeps a long report a list); none with
    --no-explain."""
    for explain in (None, 1):
        lines = _text(explain)
        advice = [row for row in lines if row.startswith("      what to do: ")]
        advised = ("stale-pid", "limbo-unresolved", "unknown-name")
        assert advice == [f"      what to do: {RULES[rule].action}" for rule in advised]
        assert not any("what to do" in row for row in _under(lines, "log.jsonl:7: warning"))
    assert not any("what to do" in row for row in _text(explain=0))


def test_the_report_ends_with_the_count_of_each_rule_then_the_summary() -> None:
    """Errors first, then by count; a clean report has no table."""
    assert _text(explain=0)[-4:] == [
        "2  error    limbo-unresolved",
        "2  warning  stale-pid",
        "1  warning  unknown-name",
        "2 errors, 3 warnings, 0 info in 1 input (semantics d11b83e)",
    ]
    clean = run_cli("check", CLEAN).stdout
    assert clean.endswith("  no findings\n\n0 errors, 0 warnings, 0 info in 1 input "
                          "(semantics d11b83e)\n")  # fmt: skip


def test_with_o_the_summary_line_goes_to_stderr(tmp_path: Path) -> None:
    """Whatever the format; with -q only when something was found, as -q prints it."""
    target = str(tmp_path / "report")
    for output in ("text", "json", "sarif", "junit", "html", "github", "jsonl"):
        found = run_cli("check", CRASH_LOOP, "--format", output, "-o", target)
        assert (found.returncode, found.stdout, found.stderr) == (1, "", SUMMARY), output
    clean = run_cli("check", CLEAN, "-o", target)
    assert clean.stderr == "0 errors, 0 warnings, 0 info in 1 input (semantics d11b83e)\n"
    assert run_cli("check", CLEAN, "-o", target, "-q").stderr == ""
    assert run_cli("check", CRASH_LOOP, "-o", target, "-q").stderr == SUMMARY
    assert run_cli("check", CRASH_LOOP).stderr == ""
