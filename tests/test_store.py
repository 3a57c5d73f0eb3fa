"""Event-store directories: which snapshot, which log, and where findings point."""

from __future__ import annotations

import json
from pathlib import Path

from lifecheck.checker import check_path
from tests.builders import created, not_found, started, stopped


def agent(agent_id: str, name: str, **fields: object) -> dict[str, object]:
    record: dict[str, object] = {
        "id": agent_id, "name": name, "kind": "Worker", "agent_type": "midtown-code-reviewer",
        "provider": "ClaudeCode", "channel": None, "task_id": None, "bound_thread_id": None,
        "session_id": "sess-1", "pid": None, "started_at": "2026-04-05T09:00:00Z",
        "stopped_at": "2026-04-05T10:00:00Z", "icon": None, "color": None,
        "reported_state": None, "state_reported_at": None, "gc": False,
    }  # fmt: skip
    return record | fields


def write_snapshot(
    directory: Path, sequence: str, agents: list[dict[str, object]], running: list[str]
) -> Path:
    index = {
        "by_id": {a["id"]: a for a in agents},
        "by_name": {a["name"]: a["id"] for a in agents},
        "by_task": {}, "by_channel": {}, "by_thread": {}, "running": running,
    }  # fmt: skip
    path = directory / f"snapshot-{sequence}.json"
    path.write_text(json.dumps({"agents": index, "work": {}, "channels": {}}, indent=2))
    return path


def write_log(path: Path, lines: list[bytes]) -> Path:
    path.write_bytes(b"".join(raw + b"\n" for raw in lines))
    return path


class TestSnapshotChoice:
    def test_numeric_maximum_wins_with_a_note(self, tmp_path: Path) -> None:
        """snapshot-10000 beats snapshot-9999, and the daemon's lexicographic pick is noted."""
        write_snapshot(tmp_path, "9999", [], [])
        write_snapshot(tmp_path, "10000", [agent("a1", "r")], [])
        write_log(tmp_path / "log-10000.jsonl", [started("a1"), stopped("a1")])
        report = check_path(str(tmp_path))
        assert str(tmp_path / "snapshot-10000.json") == report.snapshot
        assert str(tmp_path / "log-10000.jsonl") == report.log
        assert any("snapshot-9999.json" in note for note in report.notes)
        assert () == report.findings

    def test_snapshot_agents_are_the_initial_state(self, tmp_path: Path) -> None:
        """Events for agents only the snapshot knows are not unknown-agent."""
        write_snapshot(tmp_path, "0002", [agent("a1", "r", pid=41, stopped_at=None)], ["a1"])
        write_log(tmp_path / "log-0002.jsonl", [stopped("a1")])
        report = check_path(str(tmp_path))
        assert (1, 1, ()) == (report.events, report.agents, report.findings)

    def test_only_the_snapshot_log_is_replayed(self, tmp_path: Path) -> None:
        """Older logs are history: replaying them would duplicate every id."""
        write_log(tmp_path / "log-0000.jsonl", [created("a1", "r"), started("a1")])
        write_snapshot(tmp_path, "0002", [agent("a1", "r")], [])
        write_log(tmp_path / "log-0002.jsonl", [])
        report = check_path(str(tmp_path))
        assert ((), 0) == (report.findings, report.events)
        assert any("log-0000.jsonl" in note for note in report.notes)

    def test_without_snapshot_log_0000_is_replayed(self, tmp_path: Path) -> None:
        """A store with no snapshot starts empty and replays log-0000.jsonl."""
        write_log(tmp_path / "log-0000.jsonl", [created("a1"), started("a1"), not_found()])
        report = check_path(str(tmp_path))
        assert [("stale-pid", 3), ("limbo-unresolved", 3)] == sorted(
            ((f.rule, f.line) for f in report.findings), reverse=True
        )
        assert all(f.path == str(tmp_path / "log-0000.jsonl") for f in report.findings)

    def test_project_directory_finds_its_events_store(self, tmp_path: Path) -> None:
        """Pointing at ~/.midtown/projects/<key> checks its events/ store."""
        (tmp_path / "events").mkdir()
        write_log(tmp_path / "events" / "log-0000.jsonl", [created("a1")])
        assert str(tmp_path / "events" / "log-0000.jsonl") == check_path(str(tmp_path)).log


class TestSnapshotFindings:
    def test_record_only_in_the_snapshot_points_at_the_snapshot(self, tmp_path: Path) -> None:
        """A limbo record the log never touches is reported at the snapshot, line null."""
        limbo = agent("a1", "r", pid=4242, stopped_at=None, session_id=None)
        snapshot = write_snapshot(tmp_path, "0002", [limbo], [])
        write_log(tmp_path / "log-0002.jsonl", [created("b2", "other")])
        (finding,) = check_path(str(tmp_path)).findings
        assert ("limbo-unresolved", str(snapshot), None) == (
            finding.rule,
            finding.path,
            finding.line,
        )

    def test_snapshot_without_its_log(self, tmp_path: Path) -> None:
        """A snapshot whose log does not exist yet is checked on its own."""
        write_snapshot(tmp_path, "0002", [agent("a1", "r", pid=7, stopped_at=None)], [])
        report = check_path(str(tmp_path))
        assert (None, ["limbo-unresolved"]) == (report.log, [f.rule for f in report.findings])

    def test_gc_records_in_the_snapshot_are_known(self, tmp_path: Path) -> None:
        """Events for a GC'd snapshot record are event-after-gc, not unknown-agent."""
        write_snapshot(tmp_path, "0002", [agent("a1", "r", gc=True)], [])
        write_log(tmp_path / "log-0002.jsonl", [started("a1")])
        assert ["event-after-gc"] == [f.rule for f in check_path(str(tmp_path)).findings]


class TestUnreadableStores:
    def test_directory_without_store_files(self, tmp_path: Path) -> None:
        """A directory with no log or snapshot cannot be checked."""
        (tmp_path / "notes.txt").write_text("hello")
        assert "no Midtown event log" in (check_path(str(tmp_path)).error or "")

    def test_logs_without_log_0000_or_a_snapshot(self, tmp_path: Path) -> None:
        """Without a snapshot only log-0000.jsonl would be replayed, and it is missing."""
        write_log(tmp_path / "log-0005.jsonl", [created("a1")])
        assert "no log-0000.jsonl to replay" in (check_path(str(tmp_path)).error or "")

    def test_corrupt_snapshot_names_file_and_line(self, tmp_path: Path) -> None:
        """Invalid JSON in the snapshot is one error naming the file and line."""
        (tmp_path / "snapshot-0002.json").write_text('{\n  "agents": {\n    "by_id": [\n')
        error = check_path(str(tmp_path)).error or ""
        assert error.startswith(f"{tmp_path / 'snapshot-0002.json'}:4: corrupt snapshot")

    def test_snapshot_with_wrong_types(self, tmp_path: Path) -> None:
        """A snapshot whose records have the wrong shape is corrupt, with the JSON path."""
        write_snapshot(tmp_path, "0002", [agent("a1", "r", pid="41")], [])
        assert "by_id" in (check_path(str(tmp_path)).error or "")
