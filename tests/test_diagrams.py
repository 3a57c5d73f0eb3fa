"""Diagrams of the spec: structure, version differences, overlays, files kept fresh."""

from __future__ import annotations

import html
import re
import shutil
from collections import Counter
from importlib import resources
from pathlib import Path

import pytest

from lifecheck.checker.check import trace_overlay
from lifecheck.checker.reports.diagrams import render_diagram, write_all
from lifecheck.spec import LIFECYCLE, SEMANTICS
from lifecheck.spec.graph import lifecycle_graph
from lifecheck.spec.render import DETAILS, selected, to_dot, to_mermaid, to_table, transition_line
from tests.builders import run_cli

ROOT = Path(__file__).parents[1]
EXAMPLE = str(resources.files("checker") / "examples" / "pr-2330-crash-loop.jsonl")
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz 'dot' not installed")

Line = tuple[str, str, str]  # source, target, transition text


def expected_lines(semantics: str) -> Counter[Line]:
    g = lifecycle_graph(LIFECYCLE, semantics)
    return Counter((u, v, transition_line(data)) for u, v, data in g.edges(data=True))


def mermaid_lines(text: str) -> Counter[Line]:
    names = {name.replace("-", "_"): name for name in (s.name for s in LIFECYCLE.states)}
    found: Counter[Line] = Counter()
    for u, v, label in re.findall(r"^    (\w+) --> (\w+) : (.*)$", text, re.M):
        for line in label.split("<br/>"):
            plain = line.replace("#58;", ":").replace("#59;", ";").removeprefix("⛔ ")
            found[(names[u], names[v], plain.removeprefix("➜ "))] += 1
    return found


def plain(dot: str) -> str:
    """DOT text with each transition's parts on one line, as Mermaid shows them."""
    return re.sub(r'<BR ALIGN="LEFT"/>(   |(?=</FONT>))', lambda m: " " if m[1] else "", dot)


def dot_lines(text: str) -> Counter[Line]:
    found: Counter[Line] = Counter()
    text = plain(text)
    cell = re.compile(r"<FONT[^>]*>([^<]*)</FONT></TD></TR>")
    for u, v, label in re.findall(r'^  "([^"]+)" -> "([^"]+)" \[.*label=(.*)\];$', text, re.M):
        for line in cell.findall(label):
            found[(u, v, html.unescape(line))] += 1
    for name, label in re.findall(r'^  "([^"]+)" \[.*label=(<.*>)\];$', text, re.M):
        for line in cell.findall(label):
            if line.startswith("↻ "):
                found[(name, name, html.unescape(line.removeprefix("↻ ")))] += 1
    return found


@pytest.mark.parametrize("semantics", SEMANTICS)
class TestStructure:
    def test_every_transition_once_in_mermaid(self, semantics: str) -> None:
        """Each spec transition is exactly one labelled line from its source to its target."""
        text = to_mermaid(lifecycle_graph(LIFECYCLE, semantics))
        assert expected_lines(semantics) == mermaid_lines(text)

    def test_every_transition_once_in_dot(self, semantics: str) -> None:
        """The same holds for DOT, self-transitions being listed in their state's box."""
        text = to_dot(lifecycle_graph(LIFECYCLE, semantics))
        assert expected_lines(semantics) == dot_lines(text)

    def test_forbidden_states_are_red_with_a_legend(self, semantics: str) -> None:
        """Forbidden states carry the red style; both formats have a legend."""
        g = lifecycle_graph(LIFECYCLE, semantics)
        dot, mermaid = to_dot(g), to_mermaid(g)
        assert re.search(r'"limbo" \[color="#c62828", fillcolor="#ffebee"', dot)
        assert "class running_without_session,limbo forbidden" in mermaid
        assert "Legend" in dot
        assert "Legend" in mermaid

    def test_output_is_deterministic(self, semantics: str) -> None:
        """Rendering twice gives the same bytes."""
        assert render_diagram(semantics, "dot") == render_diagram(semantics, "dot")
        assert render_diagram(semantics, "mermaid") == render_diagram(semantics, "mermaid")


def test_versions_differ_exactly_where_the_projections_differ() -> None:
    """Only AgentSessionNotFound's transitions change between daemon versions."""
    fixed, before = expected_lines("d11b83e"), expected_lines("3d1b4c5d")
    changed = (fixed - before) + (before - fixed)
    assert changed
    assert all("AgentSessionNotFound" in text for _, _, text in changed)
    drawn_fixed = mermaid_lines(render_diagram("d11b83e", "mermaid", detail="full").decode())
    drawn_before = mermaid_lines(render_diagram("3d1b4c5d", "mermaid", detail="full").decode())
    assert changed == (drawn_fixed - drawn_before) + (drawn_before - drawn_fixed)
    assert ("running", "limbo", "AgentSessionNotFound [has_pid and not stopped_at]") in fixed
    assert ("running", "running-without-session", "AgentSessionNotFound") in before


class TestOverlay:
    def overlay_text(self, semantics: str, agent: str | None = None) -> str:
        overlay = trace_overlay(EXAMPLE, semantics, agent, label="pr-2330-crash-loop.jsonl")
        return plain(to_dot(lifecycle_graph(LIFECYCLE, semantics), overlay))

    def test_pr_2330_forbidden_transition_with_its_count(self) -> None:
        """The fix's transition into limbo was taken twice; limbo was entered twice."""
        text = self.overlay_text("d11b83e")
        assert "2× AgentSessionNotFound [has_pid and not stopped_at]" in text
        assert "limbo (stale-pid) · entered 2×" in text

    def test_pr_2330_before_the_fix(self) -> None:
        """Before the fix the same lines go into running-without-session instead."""
        text = self.overlay_text("3d1b4c5d")
        assert re.search(r'"running" -> "running-without-session" \[color="#c62828"', text)
        assert "2× AgentSessionNotFound</FONT>" in text
        assert "running-without-session · entered 2×" in text

    def test_untaken_transitions_are_dashed(self) -> None:
        """A transition the log never took is drawn grey and dashed."""
        text = self.overlay_text("d11b83e")
        assert re.search(r'"created" -> "stopped" \[color="#9e9e9e", style="dashed"', text)

    def test_agent_path_is_numbered_with_lines(self) -> None:
        """--agent numbers the agent's steps with their line numbers."""
        text = self.overlay_text("d11b83e", "74c627c5")
        for step in ("#1 l.56", "#2 l.57", "#3 l.58", "#4 l.59", "#5 l.60"):
            assert step in text
        assert "path of btucker-reviewer (74c627c5)" in text


class TestAtAGlance:
    """The default diagram: the lifecycle, and only the ways into its forbidden states."""

    def edges(self, g: object) -> set[tuple[str, str, str]]:
        return {(u, v, transition_line(d)) for u, v, d in g.edges(data=True)}  # type: ignore[attr-defined]

    @pytest.mark.parametrize("semantics", SEMANTICS)
    def test_legal_moves_and_the_ways_into_forbidden_states(self, semantics: str) -> None:
        full = lifecycle_graph(LIFECYCLE, semantics)
        forbidden = {s.name for s in LIFECYCLE.states if s.forbidden}
        expected = {
            (u, v, transition_line(d)) for u, v, d in full.edges(data=True)
            if u not in forbidden and u != v and (v in forbidden or not d["forbidden"])
        }  # fmt: skip
        glance = selected(full)
        assert self.edges(glance) == expected
        assert set(glance.nodes) == set(full.nodes)  # every state, even with no arrow
        assert self.edges(selected(full, "full")) == self.edges(full)

    def test_it_says_what_it_leaves_out(self) -> None:
        text = plain(render_diagram("d11b83e", "dot").decode())
        assert "Not drawn: events that change nothing" in text
        assert "Not drawn" not in render_diagram("d11b83e", "dot", detail="full").decode()

    def test_a_trace_hides_legal_transitions_never_taken(self) -> None:
        """Over a trace: taken transitions are drawn whatever the detail, forbidden ones
        never taken stay (dashed), legal ones never taken go unless asked for."""
        overlay = trace_overlay(EXAMPLE, "d11b83e", None, label="x")
        full = lifecycle_graph(LIFECYCLE, "d11b83e")
        taken = {
            d["transition"]
            for _, _, d in full.edges(data=True)
            if overlay.counts.get(d["transition"])
        }
        for detail in DETAILS:
            drawn = {
                d["transition"]: d for _, _, d in selected(full, detail, overlay).edges(data=True)
            }
            assert taken <= set(drawn)
            assert all(d["forbidden"] for t, d in drawn.items() if t not in taken)
            with_untaken = selected(full, detail, overlay, untaken=True)
            assert set(drawn) < {d["transition"] for _, _, d in with_untaken.edges(data=True)}
        # stopped -> garbage-collected of a worker is legal, and the example never takes it
        drawn_lines = self.edges(selected(full, "full", overlay))
        assert ("stopped", "garbage-collected", "AgentGarbageCollected [not is_lead]") not in {
            (u, v, line.partition("× ")[2]) for u, v, line in drawn_lines
        }

    @needs_dot
    def test_readable_at_1000_pixels(self) -> None:
        """The SVG's natural width fits 1000 px, so its 11 pt labels are drawn at full size."""
        svg = render_diagram("d11b83e", "svg").decode()
        width = re.search(r'<svg width="(\d+)pt"', svg)
        assert width is not None
        assert int(width[1]) * 4 / 3 <= 1400  # pt to px; at 1000 px, labels stay >= 10 px


class TestTable:
    @pytest.mark.parametrize("semantics", SEMANTICS)
    def test_every_transition_is_a_row(self, semantics: str) -> None:
        g = lifecycle_graph(LIFECYCLE, semantics)
        rows = [line for line in to_table(g).splitlines() if line.startswith("| ")][1:]
        assert len(rows) == g.number_of_edges()
        found = Counter(
            (cells[0], cells[2], cells[1]) for cells in
            ([c.strip() for c in row.strip("|").split("|")] for row in rows)
        )  # fmt: skip
        labels = Counter((u, v, str(d["label"])) for u, v, d in g.edges(data=True))
        assert found == labels

    def test_rules_and_forbidden_states_entered(self) -> None:
        table = to_table(lifecycle_graph(LIFECYCLE, "d11b83e"))
        row = next(r for r in table.splitlines() if "[has_pid and not stopped_at]" in r)
        assert [cell.strip() for cell in row.split("|")[3:5]] == ["limbo", "stale-pid"]

    def test_command(self) -> None:
        result = run_cli("diagram", "--format", "table", "--semantics", "3d1b4c5d")
        assert (0, "") == (result.returncode, result.stderr)
        assert result.stdout == to_table(lifecycle_graph(LIFECYCLE, "3d1b4c5d"))


class TestFiles:
    def test_committed_diagrams_are_fresh(self, tmp_path: Path) -> None:
        """diagrams/ holds exactly what 'lifecheck diagram --all' writes today."""
        if shutil.which("dot") is None:
            for semantics in SEMANTICS:
                for output, suffix in (("mermaid", ".mmd"), ("dot", ".dot")):
                    committed = ROOT / "diagrams" / f"lifecycle-{semantics}{suffix}"
                    assert committed.read_bytes() == render_diagram(semantics, output), committed
            pytest.skip("Graphviz 'dot' not installed: only .mmd and .dot compared")
        for path in write_all(tmp_path):
            committed = ROOT / "diagrams" / path.name
            assert committed.read_bytes() == path.read_bytes(), f"stale: {committed}"

    def test_readme_shows_the_default_mermaid_diagram(self) -> None:
        """The README embeds the default version's Mermaid source and links the SVGs."""
        readme = (ROOT / "README.md").read_text()
        assert render_diagram("d11b83e", "mermaid").decode() in readme
        for semantics in SEMANTICS:
            assert f"diagrams/lifecycle-{semantics}.svg" in readme

    @needs_dot
    def test_dot_renders_to_svg(self) -> None:
        """Graphviz accepts the DOT and draws every state."""
        svg = html.unescape(render_diagram("d11b83e", "svg").decode())
        assert svg.lstrip().startswith("<?xml")
        for state in LIFECYCLE.states:
            assert state.name in svg


class TestCommand:
    def test_svg_without_graphviz_says_how_to_install_it(self, tmp_path: Path) -> None:
        """With no dot on PATH, SVG is one line naming the package, exit 2."""
        result = run_cli("diagram", "--format", "svg", env={"PATH": str(tmp_path)})
        assert 2 == result.returncode
        assert 1 == len(result.stderr.splitlines())
        assert "apt-get install graphviz" in result.stderr

    def test_mermaid_to_a_file(self, tmp_path: Path) -> None:
        """-o writes the diagram to a file."""
        target = tmp_path / "d.mmd"
        assert 0 == run_cli("diagram", "-o", str(target)).returncode
        assert render_diagram("d11b83e", "mermaid") == target.read_bytes()

    def test_untaken_needs_a_trace(self) -> None:
        result = run_cli("diagram", "--untaken")
        assert 2 == result.returncode
        assert "--untaken needs --trace" in result.stderr

    def test_detail_full_draws_every_transition(self) -> None:
        result = run_cli("diagram", "--detail", "full", "--format", "dot")
        assert result.stdout == to_dot(lifecycle_graph(LIFECYCLE, "d11b83e"))

    def test_unknown_agent_is_one_line(self) -> None:
        """An --agent that names no record is one line and exit 2."""
        result = run_cli("diagram", "--trace", EXAMPLE, "--agent", "nobody")
        assert (2, 1) == (result.returncode, len(result.stderr.splitlines()))
        assert "nobody" in result.stderr


@pytest.mark.parametrize("semantics", ["d11b83e", "3d1b4c5d"])
@pytest.mark.parametrize("suffix", ["mmd", "dot"])
def test_overlay_matches_golden_file(semantics: str, suffix: str, update_golden: bool) -> None:
    """The PR #2330 overlay with btucker-reviewer's path, as `diagram --trace` draws it by
    default, is the committed text."""
    overlay = trace_overlay(
        EXAMPLE, semantics, "btucker-reviewer", label="pr-2330-crash-loop.jsonl"
    )
    g = selected(lifecycle_graph(LIFECYCLE, semantics), overlay=overlay)
    actual = to_mermaid(g, overlay) if suffix == "mmd" else to_dot(g, overlay)
    golden = ROOT / "tests" / "golden" / f"overlay-pr-2330.{semantics}.{suffix}"
    if update_golden:
        golden.write_text(actual)
    assert golden.read_text() == actual
