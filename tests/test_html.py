"""The HTML report: self-contained, and it renders in a real headless browser."""

from __future__ import annotations

import base64
import re
import shutil
import subprocess
from html import escape, unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest

from lifecheck.checker import check_path
from lifecheck.checker.check import trace_overlay
from lifecheck.checker.reports import html_findings
from lifecheck.checker.reports.data import InputReport
from lifecheck.checker.reports.diagrams import overlay_from, render_diagram
from lifecheck.checker.reports.html import to_html
from lifecheck.checker.reports.spool import Findings
from lifecheck.checker.rules.findings import Finding
from lifecheck.spec.catalogue import RULES
from tests.builders import created, run_cli, snapshot, snapshot_agent, started, stopped, store

ROOT = Path(__file__).parents[1]
EXAMPLE = ROOT / "checker" / "examples" / "pr-2330-crash-loop.jsonl"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz 'dot' not installed")
GHOST = "0000000f-0000-4000-8000-000000000000"
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
    findings = text[text.index("<h3>Findings</h3>") : text.index("<h3>Timelines</h3>")]
    assert findings.count("<td class='where'") == len(check_path(str(EXAMPLE)).findings)
    assert "Let R be btucker-reviewer (7e0aa489)" in text
    assert text.count("<details id='i0-t") == 5
    assert "<svg" in text or "stateDiagram-v2" in text


def test_what_to_do_per_rule_and_explanations_only_where_they_add(tmp_path: Path) -> None:
    """As in the text report: each rule broken says what to do; an explanation that would
    only repeat its finding's message (resume-loop's) is left out."""
    text = _page(tmp_path).read_text()
    rules = text[text.index("<h3>Rules broken</h3>") : text.index("<h3>Findings</h3>")]
    for rule in ("stale-pid", "resume-loop", "limbo-unresolved"):
        assert escape(RULES[rule].action) in rules
    loop = re.search(r"<tr[^>]*><td class='error'>error</td><td>resume-loop</td>.*?</tr>", text)
    assert loop is not None
    assert "explanation" not in loop[0]


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
    assert ">line 36</td>" in dom
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


class _Page(HTMLParser):
    """A page's ids, internal links and text, checking that every element it opens is
    closed in order (void elements and ``<x/>`` aside)."""

    VOID = frozenset({"meta", "br", "hr", "img", "input", "link", "wbr"})

    def __init__(self, text: str) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.links: list[str] = []
        self.text: list[str] = []
        self._open: list[str] = []
        self.feed(text)
        self.close()
        assert self._open == []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_startendtag(tag, attrs)
        if tag not in self.VOID:
            self._open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.append(str(found["id"]))
        if tag == "a" and str(found.get("href")).startswith("#"):
            self.links.append(str(found["href"])[1:])

    def handle_endtag(self, tag: str) -> None:
        assert self._open[-1:] == [tag], (tag, self._open[-5:])
        self._open.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _checked(page: str) -> _Page:
    """``page`` parsed: well nested, its ids unique, each of its links to one of them."""
    parsed = _Page(page)
    assert len(parsed.ids) == len(set(parsed.ids))
    assert set(parsed.links) <= set(parsed.ids)
    return parsed


A = "aaaaaaaa-0000-4000-8000-000000000001"
NAME = "rev<i>&\"x'"


def _many(tmp_path: Path) -> Path:
    """A log with 25 warnings about one agent (a name to escape) and, after them, 3 errors."""
    ghosts = [f"0000000{i:x}-0000-4000-8000-000000000000" for i in range(3)]
    lines = [created(A, NAME), *(stopped(A) for _ in range(25)), *map(started, ghosts)]
    log = tmp_path / "many.jsonl"
    log.write_bytes(b"".join(x + b"\n" for x in lines))
    return log


def _html(*paths: Path) -> str:
    return to_html([check_path(str(p), timelines=True) for p in paths], "d11b83e").decode()


def _groups(page: str) -> dict[str, str]:
    """Each rule's ``<details>`` section, by rule."""
    found = re.findall(r"<details class='rule' id='i0-([a-z-]+)'(.*?)</details>", page, re.S)
    return dict(found)


def test_few_findings_stay_one_table_each_rule_linked_from_the_summary(tmp_path: Path) -> None:
    """The summary has a row per rule with its count and meaning, linking to the rule's first
    finding in the one table of findings, which keeps report order."""
    page = _page(tmp_path).read_text()
    parsed = _checked(page)
    report = check_path(str(EXAMPLE))
    summary = re.findall(
        r"<td><a href='#i0-([a-z-]+)'>\1</a></td><td class='count'>(\d+)</td><td>([^<]*)</td>",
        page,
    )
    assert {rule: int(count) for rule, count, _ in summary} == report.findings.rules
    assert all(unescape(meaning) == RULES[rule].summary for rule, _, meaning in summary)  # type: ignore[index]
    assert [rule for rule, _, _ in summary][:2] == ["session-not-found-ambiguous",
                                                    "session-not-found-misattributed"]  # fmt: skip
    assert "<details class='rule'" not in page
    rows = re.findall(r"<tr(?: id='[^']*')?><td class='\w+'>\w+</td><td>([a-z-]+)</td>", page)
    assert rows == [f.rule for f in report.findings]
    assert {f"i0-{rule}" for rule in report.findings.rules} <= set(parsed.ids)
    assert "<td class='where' title='" + escape(f"{EXAMPLE}:36") + "'>line 36</td>" in page


def test_many_findings_are_grouped_by_rule_errors_open(tmp_path: Path) -> None:
    page = _html(_many(tmp_path))
    _checked(page)
    groups = _groups(page)
    assert list(groups) == ["unknown-agent", "stop-not-running"]  # errors first
    assert groups["unknown-agent"].startswith(" open><summary>")
    assert groups["stop-not-running"].startswith("><summary>")
    assert "<b>stop-not-running</b>: 25 findings</summary>" in groups["stop-not-running"]
    lines = re.findall(r">line (\d+)</td>", groups["stop-not-running"])
    assert lines == [str(n) for n in range(2, 27)]  # report order
    assert "The first" not in page
    _checked(_html(EXAMPLE, _many(tmp_path)))  # two inputs: ids stay unique


def test_each_group_shows_at_most_its_first_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past SHOWN, a group shows its first findings and says where all of them are."""
    monkeypatch.setattr(html_findings, "SHOWN", 4)
    groups = _groups(_html(_many(tmp_path)))
    cut = groups["stop-not-running"]
    assert "25 findings, the first 4 shown</summary>" in cut
    assert "The first 4 of 25, in report order; <code>--format json</code>" in cut
    assert re.findall(r">line (\d+)</td>", cut) == ["2", "3", "4", "5"]
    assert "The first" not in groups["unknown-agent"]


def test_a_big_report_renders_only_the_rows_it_shows() -> None:
    """Thousands of findings (past the spool's memory): a row per shown finding only."""
    findings = Findings(
        Finding(
            rule=rule,
            path="big.jsonl",
            line=line,
            agent_id=A,
            agent_name="x",
            message=f"{rule} {line}",
        )
        for line in range(1, 3001)
        for rule in ("stale-pid", "pid-reuse")
    )
    report = InputReport(path="big.jsonl", events=3000, agents=1, findings=findings)
    page = to_html([report], "d11b83e").decode()
    _checked(page)
    assert page.count("<td class='where'") == 2 * html_findings.SHOWN
    assert "<b>pid-reuse</b>: 3,000 findings, the first 100 shown" in page


def test_timelines_are_titled_with_name_short_id_and_finding_count(tmp_path: Path) -> None:
    page = _page(tmp_path).read_text()
    assert (
        "<details id='i0-t4'><summary title='7e0aa489-b967-459e-9f01-71b0e71c756f'>"
        "btucker-reviewer (7e0aa489): 1 finding, 2 more involve it; 11 lines</summary>"
    ) in page
    assert "btucker-reviewer (74c627c5): 2 findings; 6 lines</summary>" in page
    # Findings link to the timeline of their agent, when it has one.
    assert "<a href='#i0-t4'>btucker-reviewer (7e0aa489)</a>" in page


def test_names_and_paths_are_escaped(tmp_path: Path) -> None:
    """A name and a path with markup in them are shown as text, never as markup."""
    odd = tmp_path / "<b>'odd'&\"dir"
    odd.mkdir()
    page = _html(_many(odd))
    parsed = _checked(page)
    assert "<i>" not in page
    assert "<b>'odd'" not in page
    text = "".join(parsed.text)
    assert f"{NAME} (aaaaaaaa)" in text
    assert f"{odd}/many.jsonl" in text
    assert f"title='{escape(str(odd))}/many.jsonl:2'" in page


def test_a_record_loaded_in_a_forbidden_state_is_counted(tmp_path: Path) -> None:
    """A snapshot's record in limbo counts as loaded there, not as entered: the diagram says
    so on the state, draws it solid, and the legend says what that means."""
    limbo = snapshot_agent(A, pid=4242, stopped_at=None)
    directory = store(tmp_path / "store", {"snapshot-0001.json": snapshot([limbo]),
                                           "log-0001.jsonl": [created(GHOST)]})  # fmt: skip
    report = check_path(str(directory), timelines=True)
    assert (dict(report.loaded), report.entered["limbo"]) == ({"limbo": 1}, 0)
    page = to_html([report], "d11b83e").decode()
    assert "1 event, 2 agents; the snapshot held 1 record: 1 limbo</p>" in page
    assert re.search(r"limbo \(stale(-|&#45;)pid\) · entered 0× · loaded 1×", page)
    assert "records the snapshot held in that state" in page
    overlay = overlay_from("d11b83e", "s", 1, report.taken, report.entered, loaded=report.loaded)
    limbo_box = re.search(
        r'^  "limbo" \[(.*)$', render_diagram("d11b83e", "dot", overlay).decode(), re.M
    )
    assert limbo_box is not None
    assert 'penwidth="2"' in limbo_box[1]
    assert "dashed" not in limbo_box[1]
    assert trace_overlay(str(directory), "d11b83e").loaded == {"limbo": 1}  # diagram --trace
    assert check_path(str(EXAMPLE)).loaded == {}


@needs_dot
def test_the_diagram_can_fill_the_window_or_be_saved(tmp_path: Path) -> None:
    page = _page(tmp_path).read_text()
    _checked(page)
    assert "<a href='#i0-diagram'>Fill the window</a>" in page
    saved = re.search(
        r"<a download='lifecycle.svg' href='data:image/svg\+xml;base64,([^']+)'", page
    )
    assert saved is not None
    svg = base64.b64decode(saved[1]).decode()
    inline = page[page.index("<div class='diagram'") :]
    texts = re.compile(r"<text[^>]*>([^<]*)</text>")
    assert texts.findall(svg) == texts.findall(inline)  # the same drawing
    assert "id='i0-node1'" in inline  # its ids made the input's
