"""The HTML report: self-contained, and it renders in a real headless browser."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from lifecheck.checker import check_path
from lifecheck.checker.reports.html import to_html
from tests.builders import run_cli

ROOT = Path(__file__).parents[1]
EXAMPLE = ROOT / "checker" / "examples" / "pr-2330-crash-loop.jsonl"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium is not installed (Debian: apt-get install chromium)"
)


def _page(tmp_path: Path) -> Path:
    report = check_path(str(EXAMPLE), timelines=True)
    page = tmp_path / "report.html"
    page.write_bytes(to_html([report], "d11b83e"))
    return page


def _load(page: Path) -> tuple[str, list[str]]:
    """The DOM after loading ``page`` in headless Chromium, and its console messages."""
    assert CHROMIUM is not None
    done = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr",
         "--v=0", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    return done.stdout, [row for row in done.stderr.splitlines() if ":CONSOLE" in row]


def test_the_page_is_self_contained(tmp_path: Path) -> None:
    """No script, and nothing fetched from elsewhere."""
    text = _page(tmp_path).read_text()
    assert "<script" not in text
    assert not re.search(r"""(src|href)=["']?https?:""", text)


def test_the_page_holds_findings_explanations_timelines_and_diagram(tmp_path: Path) -> None:
    text = _page(tmp_path).read_text()
    assert text.count("<tr>") == 1 + len(check_path(str(EXAMPLE)).findings)
    assert "Let R be btucker-reviewer (7e0aa489)" in text
    assert "<details><summary>7e0aa489-b967-459e-9f01-71b0e71c756f</summary>" in text
    assert "<svg" in text or "stateDiagram-v2" in text


@needs_chromium
def test_chromium_notices_console_errors(tmp_path: Path) -> None:
    """The check below can fail: a page that errs is seen to err."""
    bad = tmp_path / "bad.html"
    bad.write_text("<html><body><script>console.error('boom'); missing();</script></body></html>")
    _, console = _load(bad)
    assert any("boom" in row for row in console)


@needs_chromium
def test_the_report_renders_in_chromium_without_console_errors(tmp_path: Path) -> None:
    """It loads with no console message, and the findings are in the rendered page."""
    dom, console = _load(_page(tmp_path))
    assert console == []
    assert "stale-pid" in dom
    assert f"{EXAMPLE}:36</td>" in dom
    assert "lifecheck report" in dom


def test_cli_writes_the_page(tmp_path: Path) -> None:
    """--format html -o FILE; the exit code is still the findings'."""
    target = tmp_path / "report.html"
    result = run_cli("check", str(EXAMPLE), "--format", "html", "-o", str(target))
    assert (result.returncode, result.stdout) == (1, "")
    assert target.read_text().startswith("<!DOCTYPE html>")


def test_without_graphviz_the_page_carries_the_mermaid_source(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("lifecheck.checker.reports.diagrams.shutil.which", lambda name: None)
    text = _page(tmp_path).read_text()
    assert "<svg" not in text
    assert "stateDiagram-v2" in text


@pytest.mark.parametrize("kept", [2, 4096])
def test_timelines_show_each_finding_once_at_its_step(
    kept: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Findings reach the timelines as they are found, also when the spool keeps them on
    disk: each at the step of its line, and none again at the end."""
    from lifecheck.checker.reports import spool

    monkeypatch.setattr(spool, "KEPT", kept)
    report = check_path(str(EXAMPLE), timelines=True)
    assert report.timelines
    for timeline in report.timelines:
        shown = [f for step in timeline.steps for f in step.findings]
        assert shown
        assert all(f.line == step.line for step in timeline.steps for f in step.findings)
        assert not set(shown) & set(timeline.final)
