"""The library API: `lifecheck.check`, a replay fed one event at a time, reports from data."""

from __future__ import annotations

import gc
import multiprocessing
import re
import shutil
import sys
from pathlib import Path

import pytest

import lifecheck
from lifecheck.checker.check import check_path, new_replay, read_log
from lifecheck.checker.reading.reader import LogReader
from lifecheck.checker.reading.store import locate
from lifecheck.checker.replay.engine import Replay
from lifecheck.checker.replay.observers import Observer
from lifecheck.checker.rules.findings import Finding
from lifecheck.spec.catalogue import Family, rules_of
from lifecheck.spec.tables import Outcome
from lifecheck.testing import generate

ROOT = Path(__file__).parents[1]
EXAMPLE = ROOT / "checker" / "examples" / "pr-2330-crash-loop.jsonl"
STORE = ROOT / "checker" / "examples" / "store"


class TestCheck:
    def test_check_gives_the_reports_of_check_path(self) -> None:
        """`lifecheck.check` checks each path independently, as `check_path` does."""
        paths = [str(EXAMPLE), str(STORE)]
        assert [check_path(p) for p in paths] == lifecheck.check(paths)
        assert lifecheck.check(str(EXAMPLE)) == [check_path(str(EXAMPLE))]

    def test_coverage_can_be_left_out(self) -> None:
        """Without coverage, the same findings and counts, and no transitions counted."""
        counted, bare = check_path(str(EXAMPLE)), check_path(str(EXAMPLE), coverage=False)
        assert counted.taken
        assert (bare.taken, bare.entered) == ({}, {})
        assert (tuple(bare.findings), bare.events) == (tuple(counted.findings), counted.events)

    def test_check_changes_no_process_wide_setting(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Even a parallel check leaves the collector, the switch interval and no worker."""
        monkeypatch.setattr("lifecheck.checker.reading.segments.MIN_SPLIT", 0)
        monkeypatch.setattr("lifecheck.checker.reading.segments.SEGMENT", 4096)
        log = tmp_path / "log.jsonl"
        log.write_bytes(generate(1, events=2000, agents=20).data())
        interval = sys.getswitchinterval()
        assert gc.isenabled()
        (report,) = lifecheck.check([str(log)], jobs=2)
        assert report.error is None
        assert 2000 == report.events
        assert gc.isenabled()
        assert interval == sys.getswitchinterval()
        assert [] == multiprocessing.active_children()

    def test_renderers_are_reachable_from_the_package(self) -> None:
        """The renderers named in `__all__` resolve (the heavier ones when first used)."""
        reports = lifecheck.check(str(EXAMPLE), timelines=True)
        for name in ("render_text", "to_json", "to_sarif", "to_html"):
            assert name in lifecheck.__all__
            assert callable(getattr(lifecheck, name))
        assert lifecheck.to_sarif(reports, "d11b83e").startswith(b"{")
        with pytest.raises(AttributeError):
            lifecheck.no_such_thing  # noqa: B018

    def test_the_readme_library_example_runs(self, capsys: pytest.CaptureFixture[str]) -> None:
        """The README's "As a library" snippet runs as written, on the example store."""
        readme = (ROOT / "README.md").read_text()
        section = readme[readme.index("## As a library") :]
        code = re.search(r"```python\n(.*?)```", section, re.S)
        assert code is not None
        exec(code.group(1).replace('"events/"', repr(str(STORE))), {})
        assert "limbo-unresolved" in capsys.readouterr().out


class TestStreaming:
    def test_each_finding_is_handed_out_at_the_event_that_causes_it(self) -> None:
        """Fed one event at a time, the replay hands each finding out at its own line."""
        got: list[tuple[int, Finding]] = []
        current = 0
        replay = Replay(path=str(EXAMPLE), on_finding=lambda f: got.append((current, f)))
        for current, event in LogReader(EXAMPLE.read_bytes().split(b"\n")):
            replay.feed(current, event)
        during = len(got)
        replay.finish()
        assert all(f.line == line for line, f in got[:during])
        end = set(rules_of(Family.END))
        assert {f.rule for _, f in got[during:]} <= end
        assert not any(f.rule in end for _, f in got[:during])
        expected = check_path(str(EXAMPLE)).findings
        assert sorted(expected, key=Finding.sort_key) == sorted(
            (f for _, f in got), key=Finding.sort_key
        )
        assert [] == replay.findings  # handed out, not kept

    def test_an_observer_sees_every_step_and_every_move(self) -> None:
        """Observers see each table outcome taken and each change of state, in order."""

        class Steps(Observer):
            def __init__(self) -> None:
                self.lines: list[int] = []
                self.moves: list[tuple[int, str | None, str]] = []

            def took(self, line: int, agent_id: str, outcome: Outcome) -> None:
                self.lines.append(line)

            def moved(
                self, line: int, agent_id: str, event: str, before: str | None, after: str
            ) -> None:
                self.moves.append((line, before, after))

        steps = Steps()
        replay = Replay(path="log", observers=[steps])
        read_log(replay, EXAMPLE.read_bytes().split(b"\n"))
        assert steps.lines == sorted(steps.lines)
        assert (36, "running", "limbo") in steps.moves


class TestReportsFromData:
    def test_the_html_page_needs_no_input_once_checked(self, tmp_path: Path) -> None:
        """Timelines and the diagram come from the report data: the log may be gone."""
        log = tmp_path / "log.jsonl"
        shutil.copy(EXAMPLE, log)
        reports = lifecheck.check([str(log)], timelines=True)
        log.unlink()
        page = lifecheck.to_html(reports, "d11b83e").decode()
        assert "<h3>Timelines</h3>" in page
        assert "Lifecycle, with this log's transitions" in page

    def test_a_snapshot_replay_starts_from_the_snapshot(self) -> None:
        """`new_replay` of a store starts from its snapshot's index."""
        replay = new_replay(locate(str(STORE)), "d11b83e")
        assert replay.index.by_id
