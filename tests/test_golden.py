"""Every report format of the shipped examples, compared with committed files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from lifecheck.checker import check_path, render_text, to_json
from lifecheck.checker.reports.junit import to_junit
from lifecheck.checker.reports.sarif import to_sarif
from lifecheck.spec.catalogue import Severity

ROOT = Path(__file__).parents[1]
GOLDEN = Path(__file__).parent / "golden"
EXAMPLES = [
    ("pr-2330-crash-loop.jsonl", "d11b83e"),
    ("pr-2330-crash-loop.jsonl", "3d1b4c5d"),
    ("pr-2330-crash-loop.jsonl", "proposed"),
    ("clean-day.jsonl", "d11b83e"),
    ("store", "d11b83e"),
]


@pytest.mark.parametrize(("example", "semantics"), EXAMPLES)
@pytest.mark.parametrize("output", ["txt", "json", "sarif", "junit.xml"])
def test_report_matches_golden_file(
    example: str, semantics: str, output: str, update_golden: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The report is byte for byte the committed one (regenerate with --update-golden)."""
    monkeypatch.chdir(ROOT)
    reports = [check_path(os.path.join("checker", "examples", example), semantics)]
    render = {
        "txt": lambda: render_text(reports, semantics),
        "json": lambda: to_json(reports, semantics).decode(),
        "sarif": lambda: to_sarif(reports, semantics).decode(),
        "junit.xml": lambda: to_junit(reports, semantics, Severity.WARNING).decode(),
    }
    actual = render[output]()
    golden = GOLDEN / f"{Path(example).stem}.{semantics}.{output}"
    if update_golden:
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(actual)
    assert golden.read_text() == actual
