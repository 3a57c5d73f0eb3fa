"""``lifecheck rules``: the catalogue as a table or JSON, one rule's help and example input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from lifecheck.checker.commands.cli import cli
from lifecheck.spec.catalogue import RULES, closest_rule
from lifecheck.spec.examples import EXAMPLES, LOG


def _run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def test_the_table_lists_every_rule_aligned_in_catalogue_order() -> None:
    """A header, then one row per rule: id, severity, family, summary in aligned columns."""
    result = _run("rules")
    header, *rows = result.output.splitlines()
    assert 0 == result.exit_code
    assert header.split() == ["RULE", "SEVERITY", "FAMILY", "SUMMARY"]
    assert [row.split()[:3] for row in rows] == [
        [r.id, str(r.severity), str(r.family)] for r in RULES.values()
    ]
    summary_at = header.index("SUMMARY")
    assert [row[summary_at:] for row in rows] == [r.summary for r in RULES.values()]


def test_json_lists_the_catalogue() -> None:
    """``--format json``: every rule's id, severity, family, summary, help and action."""
    result = _run("rules", "--format", "json")
    assert [
        {"id": r.id, "severity": str(r.severity), "family": str(r.family), "summary": r.summary,
         "help": r.help, "action": r.action}
        for r in RULES.values()
    ] == json.loads(result.output)  # fmt: skip


@pytest.mark.parametrize("rule", ["stale-pid", "running-without-session", "limbo-unresolved"])
def test_a_rule_shows_its_help_and_a_log_that_gives_it(rule: str, tmp_path: Path) -> None:
    """The help names the rule and says what to do; the log it shows, saved and checked with
    the command it gives, reports the rule."""
    text = _run("rules", rule).output
    chosen, example = RULES[rule], EXAMPLES[rule]
    assert text.startswith(f"{rule} ({chosen.severity}, {chosen.family} rule): {chosen.summary}")
    assert " ".join(chosen.help.split()) in " ".join(text.split())
    assert f"What to do: {chosen.action}" in " ".join(text.split())
    lines = [line for line in text.splitlines() if line.startswith("{")]
    assert example.files[LOG] == "".join(f"{line}\n" for line in lines)
    (tmp_path / LOG).write_text(example.files[LOG])
    command = text.split("'")[1].split()  # 'lifecheck check [--semantics S] log.jsonl'
    checked = _run(*command[1:-1], str(tmp_path / LOG), "--format", "json")
    assert 1 == checked.exit_code
    assert rule in checked.output
    assert all(f"also reports {other}" in " ".join(text.split()) for other in example.also)


def test_a_store_rule_shows_the_store_s_files(tmp_path: Path) -> None:
    """A store rule's example is a directory's files, each under its name."""
    text = _run("rules", "stale-snapshot-chosen").output
    assert "'lifecheck check DIR'" in " ".join(text.split())
    for name, content in EXAMPLES["stale-snapshot-chosen"].files.items():
        assert f"==> {name} <==\n{content}" in text + "\n"
        (tmp_path / name).write_text(content)
    assert "stale-snapshot-chosen" in _run("check", str(tmp_path)).output


def test_json_of_a_rule_carries_its_example() -> None:
    """One rule as JSON: its catalogue fields and its example's files, semantics and rules."""
    document = json.loads(_run("rules", "resume-loop", "--format", "json").output)
    assert ("resume-loop", "error", "name") == (
        document["id"], document["severity"], document["family"])  # fmt: skip
    assert {"files": {LOG: EXAMPLES["resume-loop"].files[LOG]}, "semantics": None,
            "also": []} == document["example"]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "line"),
    [
        ("stale-pids", "lifecheck: unknown rule 'stale-pids' (did you mean 'stale-pid'?)"),
        ("gc_lead", "lifecheck: unknown rule 'gc_lead' (did you mean 'gc-lead'?)"),
        ("nothing-alike", "lifecheck: unknown rule 'nothing-alike' (see 'lifecheck rules')"),
    ],
)
def test_an_unknown_rule_is_a_usage_error_naming_the_closest(name: str, line: str) -> None:
    """Exit 2, one line on stderr, the closest id when one is close enough."""
    result = _run("rules", name)
    assert (2, "", line) == (result.exit_code, result.stdout, result.stderr.strip())


def test_closest_rule() -> None:
    """A misspelt id finds its rule; nothing alike finds none."""
    assert ("pid-reuse", None) == (closest_rule("pid-reuse "), closest_rule("zzz"))


def test_help_lists_the_command() -> None:
    """``lifecheck --help`` names the rules command."""
    assert "rules" in _run("--help").output
