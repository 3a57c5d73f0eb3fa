"""SARIF and JUnit reports: valid against their formats, and pointing at the right lines."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from lifecheck.checker import InputReport, check_path
from lifecheck.checker.reports.junit import to_junit
from lifecheck.checker.reports.sarif import to_sarif, uri
from lifecheck.spec.catalogue import RULES, Severity
from tests.builders import run_cli

ROOT = Path(__file__).parents[1]
SCHEMA = ROOT.parent / "shared" / "schemas" / "sarif-schema-2.1.0.json"
EXAMPLES = ["pr-2330-crash-loop.jsonl", "clean-day.jsonl", "store"]


def _reports(*names: str, semantics: str = "d11b83e") -> list[InputReport]:
    return [check_path(str(ROOT / "checker" / "examples" / name), semantics) for name in names]


@pytest.mark.skipif(not SCHEMA.exists(), reason=f"the OASIS SARIF schema is not at {SCHEMA}")
@pytest.mark.parametrize("semantics", ["d11b83e", "3d1b4c5d"])
def test_sarif_validates_against_the_oasis_schema(semantics: str, tmp_path: Path) -> None:
    """Every example, and an unreadable input, give a schema-valid SARIF 2.1.0 log."""
    from jsonschema import Draft4Validator

    schema = json.loads(SCHEMA.read_text())
    missing = check_path(str(tmp_path / "missing.jsonl"), semantics)
    document = json.loads(to_sarif([*_reports(*EXAMPLES, semantics=semantics), missing], semantics))
    errors = sorted(Draft4Validator(schema).iter_errors(document), key=str)
    assert [] == [error.message for error in errors]
    (invocation,) = document["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    assert "missing.jsonl" in invocation["toolExecutionNotifications"][0]["message"]["text"]


def test_sarif_results_point_at_the_findings() -> None:
    """One result per finding, with its rule, level, file and line, and the rule's metadata."""
    reports = _reports("pr-2330-crash-loop.jsonl")
    run = json.loads(to_sarif(reports, "d11b83e"))["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == list(RULES)
    assert all(rule["help"]["text"] and rule["fullDescription"]["text"] for rule in rules)
    expected = [(f.rule, str(f.severity), f.line) for f in reports[0].findings]
    actual = []
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        (location,) = result["locations"]
        physical = location["physicalLocation"]
        assert physical["artifactLocation"]["uri"].endswith("pr-2330-crash-loop.jsonl")
        level = {"error": "error", "warning": "warning", "note": "info"}[result["level"]]
        actual.append((result["ruleId"], level, physical["region"]["startLine"]))
    assert sorted(expected) == sorted(actual)
    stale = [r for r in run["results"] if r["ruleId"] == "stale-pid"]
    assert [36, 60] == [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in stale]
    # The lines that matter: the reviewer's creation and the resume that set the stale pid.
    related = stale[0]["relatedLocations"]
    assert [26, 35] == [r["physicalLocation"]["region"]["startLine"] for r in related]
    assert "Let R be btucker-reviewer (7e0aa489)" in stale[0]["message"]["text"]


def test_a_finding_without_a_line_has_no_region(tmp_path: Path) -> None:
    """A record only the snapshot holds is reported at the snapshot file, with no line."""
    store = tmp_path / "events"
    store.mkdir()
    source = ROOT / "checker" / "examples" / "store" / "snapshot-0042.json"
    (store / "snapshot-0042.json").write_bytes(source.read_bytes())
    report = check_path(str(store))
    lineless = [f for f in report.findings if f.line is None]
    assert lineless, "the example snapshot holds a record in limbo"
    results = json.loads(to_sarif([report], "d11b83e"))["runs"][0]["results"]
    for result in results:
        physical = result["locations"][0]["physicalLocation"]
        assert "region" not in physical
        assert physical["artifactLocation"]["uri"].endswith("snapshot-0042.json")


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("logs/log 0000.jsonl", "logs/log%200000.jsonl"),
        ("/var/log/a.jsonl", "file:///var/log/a.jsonl"),
    ],
)
def test_paths_become_uris(path: str, expected: str) -> None:
    assert expected == uri(path)


def test_junit_has_a_suite_per_input_and_a_case_per_rule(tmp_path: Path) -> None:
    """Failures are the rules with errors or warnings; infos go to the case's output."""
    reports = [*_reports("pr-2330-crash-loop.jsonl", "clean-day.jsonl"),
               check_path(str(tmp_path / "missing.jsonl"))]  # fmt: skip
    root = ET.fromstring(to_junit(reports, "d11b83e", Severity.WARNING))
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [r.path for r in reports]
    crash, clean, missing = suites
    assert [c.get("name") for c in crash.findall("testcase")] == list(RULES)
    failing = {c.get("name") for c in crash.findall("testcase") if c.find("failure") is not None}
    assert failing == {f.rule for f in reports[0].findings if f.severity != Severity.INFO}
    assert crash.get("failures") == str(len(failing))
    assert clean.get("failures") == "0"
    assert (missing.get("errors"), missing.find("testcase/error") is not None) == ("1", True)
    assert root.get("failures") == str(len(failing))
    stale, path = crash.find("testcase[@name='stale-pid']/failure"), reports[0].path
    assert stale is not None
    assert stale.get("message") == f"stale-pid: 2 findings: {RULES['stale-pid'].summary}"
    assert (stale.text or "").splitlines() == [
        f"{path}:36: warning stale-pid: btucker-reviewer (7e0aa489): AgentSessionNotFound took "
        "it out of running but kept pid 51020 and set no stopped_at: it is neither running nor "
        "stopped",
        f"{path}:60: warning stale-pid: btucker-reviewer (74c627c5): AgentSessionNotFound took "
        "it out of running but kept pid 52901 and set no stopped_at: it is neither running nor "
        "stopped",
        f"what to do: {RULES['stale-pid'].action}",
    ]


def test_junit_fail_on_error_moves_warnings_to_output() -> None:
    """With --fail-on error, a warning rule's findings are output, not a failure."""
    reports = _reports("pr-2330-crash-loop.jsonl")
    root = ET.fromstring(to_junit(reports, "d11b83e", Severity.ERROR))
    case = root.find("testsuite/testcase[@name='stale-pid']")
    assert case is not None
    assert case.find("failure") is None
    assert ":36:" in (case.findtext("system-out") or "")


def test_cli_writes_sarif_and_junit_to_a_file(tmp_path: Path) -> None:
    """--format sarif|junit -o FILE: the exit code is still the findings'."""
    example = str(ROOT / "checker" / "examples" / "pr-2330-crash-loop.jsonl")
    for output in ("sarif", "junit"):
        target = tmp_path / f"report.{output}"
        result = run_cli("check", example, "--format", output, "-o", str(target))
        assert (result.returncode, result.stdout) == (1, "")
        assert target.read_bytes().startswith(b"{" if output == "sarif" else b"<?xml")
