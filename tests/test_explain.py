"""`lifecheck explain`: one agent's timeline, consistent with the replay and the report."""

from __future__ import annotations

from pathlib import Path

import pytest

from lifecheck.checker import check_path
from lifecheck.checker.check import new_replay, timeline_of, timelines_of
from lifecheck.checker.reading.store import locate
from lifecheck.checker.replay.timeline import Step, Timeline
from lifecheck.checker.reports.timeline import render_timeline
from lifecheck.spec import SEMANTICS
from tests.builders import run_cli

ROOT = Path(__file__).parents[1]
EXAMPLE = ROOT / "checker" / "examples" / "pr-2330-crash-loop.jsonl"
GOLDEN = Path(__file__).parent / "golden"
REVIEWER = "7e0aa489-b967-459e-9f01-71b0e71c756f"
STEP = Step(1, "AgentSessionNotFound", None, None, None, (), ())


def _timeline(agent: str, semantics: str = "d11b83e") -> Timeline:
    return timeline_of(locate(str(EXAMPLE)), agent, semantics)


@pytest.mark.parametrize(
    ("agent", "semantics"),
    [(REVIEWER, "d11b83e"), (REVIEWER, "3d1b4c5d"), ("btucker-reviewer", "d11b83e")],
)
def test_timeline_matches_golden_file(agent: str, semantics: str, update_golden: bool) -> None:
    """The text is byte for byte the committed one (regenerate with --update-golden)."""
    result = run_cli("explain", str(EXAMPLE), "--agent", agent, "--semantics", semantics)
    assert result.returncode == 0
    golden = GOLDEN / f"explain-{agent[:8]}.{semantics}.txt"
    actual = result.stdout.replace(str(EXAMPLE), "EXAMPLE")
    if update_golden:
        golden.write_text(actual)
    assert golden.read_text() == actual


@pytest.mark.parametrize("semantics", SEMANTICS)
def test_every_finding_about_an_agent_is_in_its_timeline(semantics: str) -> None:
    """Each finding the report gives for a record appears in that record's timeline."""
    report = check_path(str(EXAMPLE), semantics)
    for agent_id in {f.agent_id for f in report.findings if f.agent_id}:
        timeline = _timeline(agent_id, semantics)
        shown = [f for step in timeline.steps for f in step.findings] + timeline.final
        expected = [f for f in report.findings if f.agent_id == agent_id]
        assert all(f in shown for f in expected), agent_id


@pytest.mark.parametrize("semantics", SEMANTICS)
def test_states_chain_from_step_to_step(semantics: str) -> None:
    """A record's state after one step is its state before its next one."""
    timeline = _timeline("btucker-reviewer", semantics)
    last: dict[str, str | None] = {}
    for step in timeline.steps:
        if step.agent_id is None:
            continue
        if step.agent_id in last:
            assert last[step.agent_id] == step.before, step
        last[step.agent_id] = step.after


def test_an_unknown_agent_is_said_to_be_untouched() -> None:
    assert render_timeline(_timeline("nobody")) == "nobody: no line of the log touches this agent\n"


def test_unreadable_input_exits_2(tmp_path: Path) -> None:
    result = run_cli("explain", str(tmp_path / "missing.jsonl"), "--agent", "x")
    assert result.returncode == 2
    assert "missing.jsonl" in result.stderr


@pytest.mark.parametrize("semantics", SEMANTICS)
@pytest.mark.parametrize(
    "path", [EXAMPLE, ROOT / "checker" / "examples" / "store"], ids=["log", "store"]
)
def test_one_replay_gives_every_agent_its_own_timeline(path: Path, semantics: str) -> None:
    """The timelines of several agents from one replay (the HTML report's) are each the one
    `explain` gives for that agent alone: names, ids, snapshot starts and end findings."""
    source = locate(str(path))
    found = check_path(str(path), semantics).findings
    agents = sorted({f.agent_id or f.agent_name or "" for f in found} - {""})
    agents += [record.name for record in new_replay(source, semantics).index.by_id.values()]
    agents += ["nobody"]
    together = timelines_of(source, agents, semantics)
    assert [timeline_of(source, agent, semantics) for agent in agents] == together


@pytest.mark.parametrize("agent", [REVIEWER, "7e0aa489"])
def test_the_header_names_the_record_by_name_and_id(agent: str) -> None:
    """Chosen by id or short id, the record is named as well as identified in full."""
    result = run_cli("explain", str(EXAMPLE), "--agent", agent)
    header = f"btucker-reviewer (id {REVIEWER}): 11 lines touch it"
    assert header == result.stdout.splitlines()[0]


def test_the_header_of_a_name_lists_its_records() -> None:
    timeline = _timeline("btucker-reviewer")
    assert (timeline.name, len(timeline.records)) == ("btucker-reviewer", 5)
    header = render_timeline(timeline).splitlines()[0]
    assert header == (
        "btucker-reviewer (5 records: 4045fc89, 13df1ea3, 387cc9a5, 7e0aa489, 74c627c5): 44 "
        "lines touch them"
    )


@pytest.mark.parametrize(
    ("timeline", "header"),
    [
        (Timeline("a1", None, ["a1"], steps=[STEP]), "id a1: 1 line touches it"),
        (Timeline("ghost-2", "ghost-2", steps=[STEP, STEP]), "ghost-2: 2 lines touch it"),
        (Timeline("calm", "calm", [f"{n}" * 8 for n in range(7)], steps=[STEP]),
         "calm (7 records: 00000000, 11111111, 22222222, 33333333, 44444444, and 2 more): "
         "1 line touches them"),
    ],
    ids=["never-created-id", "name-without-record", "many-records"],
)  # fmt: skip
def test_the_header_says_whose_timeline_it_is(timeline: Timeline, header: str) -> None:
    assert header == render_timeline(timeline).splitlines()[0]


def test_a_record_only_the_snapshot_holds_is_named_and_untouched() -> None:
    result = run_cli("explain", str(ROOT / "checker" / "examples" / "store"), "--agent", "17fc")
    assert result.stdout.splitlines()[:2] == [
        "calm-meadow-reviewer (id 17fc695a-07a0-4a6e-8822-e8f36c031199): no line touches it",
        "snapshot: 17fc695a is limbo",
    ]


def test_a_name_only_a_session_not_found_gives_is_the_timeline_name(tmp_path: Path) -> None:
    log = tmp_path / "ghost.jsonl"
    log.write_text('{"AgentSessionNotFound":{"name":"ghost-2"}}\n')
    result = run_cli("explain", str(log), "--agent", "ghost-2")
    assert result.stdout.splitlines()[0] == "ghost-2: 1 line touches it"


def test_every_line_fits_100_columns() -> None:
    """Findings under a step wrap (ids and names whole), as a 100-column terminal shows them."""
    text = run_cli("explain", str(EXAMPLE), "--agent", "btucker-reviewer").stdout
    assert max(map(len, text.splitlines())) <= 100
