"""Event-store directories: which snapshot and log the daemon's recovery takes, whether it
can read them, what the snapshot's index says, and where findings point (docs/rules.md §2)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

from lifecheck.checker import check_path
from lifecheck.checker.check import read_log, timeline_of
from lifecheck.checker.reading.reader import Malformed, decode_line
from lifecheck.checker.reading.store import InputError, locate, read_snapshot, sequence_of
from lifecheck.checker.replay.engine import Replay
from lifecheck.checker.reports.data import InputReport
from tests.builders import collected, created, not_found, snapshot, started, stopped, store
from tests.builders import snapshot_agent as agent


def write_snapshot(
    directory: Path, sequence: str, agents: list[dict[str, object]], running: list[str]
) -> Path:
    path = directory / f"snapshot-{sequence}.json"
    path.write_bytes(snapshot(agents, running))
    return path


def write_log(path: Path, lines: list[bytes]) -> Path:
    path.write_bytes(b"".join(raw + b"\n" for raw in lines))
    return path


def found(report: InputReport) -> list[tuple[str, str, int | None, str | None]]:
    """``(rule, file name, line, agent_id)`` of each finding, in report order."""
    return [(f.rule, os.path.basename(f.path), f.line, f.agent_id) for f in report.findings]


class TestSnapshotChoice:
    def test_the_daemons_lexicographic_pick_is_replayed(self, tmp_path: Path) -> None:
        """snapshot-9999 sorts after snapshot-10000: the daemon restarts from it and its log,
        and the newer snapshot is stale-snapshot-chosen, at the snapshot taken."""
        write_snapshot(tmp_path, "9999", [agent("a1", "r")], [])
        write_log(tmp_path / "log-9999.jsonl", [started("a1"), stopped("a1")])
        write_snapshot(tmp_path, "10000", [], [])
        write_log(tmp_path / "log-10000.jsonl", [started("a1")])
        report = check_path(str(tmp_path))
        assert str(tmp_path / "snapshot-9999.json") == report.snapshot
        assert str(tmp_path / "log-9999.jsonl") == report.log
        assert (2, 1) == (report.events, report.agents)
        assert [("stale-snapshot-chosen", "snapshot-9999.json", None, None)] == found(report)
        (stale,) = report.findings
        assert "snapshot-10000.json (sequence 10000)" in stale.message
        assert any("log-10000.jsonl" in note for note in report.notes)

    def test_a_name_without_a_number_has_sequence_zero(self, tmp_path: Path) -> None:
        """snapshot-backup.json sorts after snapshot-0042.json: S is 0, log-0000 is replayed."""
        write_snapshot(tmp_path, "backup", [agent("a1", "r")], [])
        write_snapshot(tmp_path, "0042", [], [])
        write_log(tmp_path / "log-0000.jsonl", [started("a1"), stopped("a1")])
        write_log(tmp_path / "log-0042.jsonl", [])
        report = check_path(str(tmp_path))
        assert (str(tmp_path / "snapshot-backup.json"), 2) == (report.snapshot, report.events)
        assert [("stale-snapshot-chosen", "snapshot-backup.json", None, None)] == found(report)

    def test_equal_sequences_are_not_stale(self, tmp_path: Path) -> None:
        """snapshot-42.json and snapshot-0042.json have one sequence: nothing is newer."""
        write_snapshot(tmp_path, "0042", [], [])
        write_snapshot(tmp_path, "42", [agent("a1", "r")], [])
        report = check_path(str(tmp_path))
        assert (str(tmp_path / "snapshot-42.json"), []) == (report.snapshot, found(report))

    @pytest.mark.parametrize(
        ("name", "sequence"),
        [
            ("snapshot-0042.json", 42),
            ("snapshot-7.json", 7),
            ("snapshot-+7.json", 7),
            ("snapshot-18446744073709551615.json", 2**64 - 1),
            ("snapshot-18446744073709551616.json", 0),
            ("snapshot-.json", 0),
            ("snapshot-+.json", 0),
            ("snapshot--1.json", 0),
            ("snapshot-1_000.json", 0),
            ("snapshot- 1.json", 0),
            ("snapshot-\u0663.json", 0),
            ("snapshot-backup.json", 0),
        ],
    )
    def test_sequence_is_the_name_parsed_as_a_u64(self, name: str, sequence: int) -> None:
        """Rust's u64 parse: an optional +, ASCII digits, no overflow; anything else is 0."""
        assert sequence == sequence_of(name)

    @pytest.mark.parametrize(
        ("name", "log"), [("7", "log-0007.jsonl"), ("12000", "log-12000.jsonl")]
    )
    def test_the_log_replayed_has_at_least_four_digits(
        self, tmp_path: Path, name: str, log: str
    ) -> None:
        """S is zero-padded to four digits, never cut."""
        write_snapshot(tmp_path, name, [], [])
        write_log(tmp_path / log, [created("a1")])
        report = check_path(str(tmp_path))
        assert (str(tmp_path / log), 1) == (report.log, report.events)

    def test_names_that_are_not_utf8_are_not_snapshots(self, tmp_path: Path) -> None:
        """The daemon skips a file name that is not UTF-8, however it sorts."""
        write_log(tmp_path / "log-0000.jsonl", [created("a1")])
        fd = os.open(os.fsencode(tmp_path) + b"/snapshot-\xff.json", os.O_CREAT | os.O_WRONLY)
        os.close(fd)
        report = check_path(str(tmp_path))
        assert (None, 1, []) == (report.snapshot, report.events, found(report))

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

    def test_without_snapshot_or_log_0000_there_is_nothing_to_replay(self, tmp_path: Path) -> None:
        """Other logs are not replayed without their snapshot: no events, a note, no error."""
        write_log(tmp_path / "log-0005.jsonl", [created("a1")])
        report = check_path(str(tmp_path))
        assert (None, None, 0, []) == (report.error, report.log, report.events, found(report))
        assert any("log-0005.jsonl" in note for note in report.notes)

    def test_project_directory_finds_its_events_store(self, tmp_path: Path) -> None:
        """Pointing at ~/.midtown/projects/<key> checks its events/ store."""
        (tmp_path / "events").mkdir()
        write_log(tmp_path / "events" / "log-0000.jsonl", [created("a1")])
        assert str(tmp_path / "events" / "log-0000.jsonl") == check_path(str(tmp_path)).log


class TestSnapshotFindings:
    def test_record_only_in_the_snapshot_points_at_the_snapshot(self, tmp_path: Path) -> None:
        """A limbo record the log never touches is reported at the snapshot, line null."""
        limbo = agent("a1", "r", pid=4242, stopped_at=None, session_id=None)
        write_snapshot(tmp_path, "0002", [limbo], [])
        write_log(tmp_path / "log-0002.jsonl", [created("b2", "other")])
        assert [("limbo-unresolved", "snapshot-0002.json", None, "a1")] == found(
            check_path(str(tmp_path))
        )

    def test_snapshot_without_its_log(self, tmp_path: Path) -> None:
        """A snapshot whose log does not exist yet is checked on its own."""
        write_snapshot(tmp_path, "0002", [agent("a1", "r", pid=7, stopped_at=None)], [])
        report = check_path(str(tmp_path))
        assert (None, ["limbo-unresolved"]) == (report.log, [f.rule for f in report.findings])
        assert any("no log-0002.jsonl" in note for note in report.notes)

    def test_gc_records_in_the_snapshot_are_known(self, tmp_path: Path) -> None:
        """Events for a GC'd snapshot record are event-after-gc, not unknown-agent."""
        write_snapshot(tmp_path, "0002", [agent("a1", "r", gc=True)], [])
        write_log(tmp_path / "log-0002.jsonl", [started("a1")])
        assert ["event-after-gc"] == [f.rule for f in check_path(str(tmp_path)).findings]


#: A log whose replay gives findings, to show that a failed recovery reports none of them.
FAULTY = [created("a1"), started("a1"), not_found(), stopped("zz")]


class TestRecoveryFailsOnTheSnapshot:
    @pytest.mark.parametrize(
        ("text", "line"),
        [
            (b'{\n  "agents": {\n    "by_id": {\n', 3),  # truncated: the last line, not past it
            (b'{\n  "agents": {\n    "by_id": {\n\n\n', 5),
            (b'{\n  "agents": NaN\n}\n', 2),
            (b'{"agents":\n  nul}\n', 2),
            (b'\xef\xbb\xbf{"agents": {}}', 1),
            (b"", None),
        ],
    )
    def test_invalid_json_at_its_line(self, tmp_path: Path, text: bytes, line: int | None) -> None:
        """The line is the one holding the error, never past the file's last line; the log
        is not replayed and no other finding is reported."""
        store(tmp_path, {"snapshot-0002.json": text, "log-0002.jsonl": FAULTY})
        report = check_path(str(tmp_path))
        assert [("recovery-fails", "snapshot-0002.json", line, None)] == found(report)
        assert (0, 0, None) == (report.events, report.agents, report.error)
        assert report.findings[0].message.startswith("the daemon will not start")

    def test_invalid_utf8_at_its_line(self, tmp_path: Path) -> None:
        """fs::read_to_string fails first: the line of the first invalid byte."""
        text = snapshot([agent("a1", "r")]).replace(b'"r"', b'"r\xe9"')
        store(tmp_path, {"snapshot-0002.json": text})
        line = text[: text.index(b"\xe9")].count(b"\n") + 1
        assert [("recovery-fails", "snapshot-0002.json", line, None)] == found(
            check_path(str(tmp_path))
        )

    @pytest.mark.parametrize(
        "change",
        [
            {"agents": None},
            {"work": []},
            {"channels": "none"},
            {"reminders": 3},
            {"drop": "work"},
            {"drop": "by_thread"},
            {"drop": "running"},
            {"by_name": {"r": 7}},
            {"running": {"a1": True}},
            {"by_channel": {"c": "a1"}},
            {"record": {"pid": "41"}},
            {"record": {"pid": -1}},
            {"record": {"pid": 2**32}},
            {"record": {"pid": 1.0}},
            {"record": {"kind": "Robot"}},
            {"record": {"provider": None}},
            {"record": {"gc": None}},
            {"record": {"stopped_at": "yesterday"}},
            {"record": {"drop": "agent_type"}},
        ],
        ids=str,
    )
    def test_a_snapshot_that_is_not_projections(
        self, tmp_path: Path, change: dict[str, object]
    ) -> None:
        """Every map of the agent index is required and every record well typed; work and
        channels are objects: else the daemon's recovery fails, at the line of the value
        (the whole snapshot is one line here; tests/test_reading_robustness.py has pretty
        ones)."""
        document = json.loads(snapshot([agent("a1", "r")], ["a1"]))
        record = document["agents"]["by_id"]["a1"]
        for key, value in change.items():
            if key == "record":
                assert isinstance(value, dict)
                record.update(value)
                record.pop(value.get("drop"), None)
            elif key == "drop":
                document.pop(value, None)
                document["agents"].pop(value, None)
            elif key in ("agents", "work", "channels", "reminders"):
                document[key] = value
            else:
                document["agents"][key] = value
        store(tmp_path, {"snapshot-0002.json": json.dumps(document).encode()})
        report = check_path(str(tmp_path))
        assert [("recovery-fails", "snapshot-0002.json", 1, None)] == found(report)

    def test_a_snapshot_the_daemon_accepts(self, tmp_path: Path) -> None:
        """Missing Option fields are null, unknown keys ignored, reminders optional (a list or
        an object), other parts any JSON object."""
        record = agent("a1", "r", extra={"nested": [1, {"deep": None}]})
        for field in ("channel", "session_id", "pid", "started_at", "stopped_at", "gc"):
            record.pop(field)
        document = json.loads(snapshot([record]))
        document |= {"work": {"tasks": {"t": 1}}, "reminders": [], "workflow_states": {}}
        store(tmp_path, {"snapshot-0002.json": json.dumps(document).encode()})
        report = check_path(str(tmp_path))
        assert ([], 1) == (found(report), report.agents)

    def test_read_snapshot_refuses_it_in_one_line(self, tmp_path: Path) -> None:
        """The library's read_snapshot (used by minimize) names the file and the line."""
        path = tmp_path / "snapshot-0002.json"
        path.write_bytes(b'{\n  "agents": {"by_id": {}, ]\n')
        with pytest.raises(InputError, match=rf"^{path}:2: the daemon will not start: .*JSON"):
            read_snapshot(str(path))

    def test_no_timeline_when_the_daemon_will_not_start(self, tmp_path: Path) -> None:
        """`lifecheck explain` says why instead of telling a story of nothing (exit 2)."""
        store(tmp_path, {"snapshot-0002.json": b"{", "log-0002.jsonl": [created("a1")]})
        with pytest.raises(InputError, match=r"snapshot-0002.json:1: the daemon will not start"):
            timeline_of(locate(str(tmp_path)), "a1", "d11b83e")

    def test_text_report_says_so_first(self, tmp_path: Path) -> None:
        """The report's first line says the daemon will not start, the next why (before any
        note), and the input comes before inputs that are fine."""
        from lifecheck.checker import render_text

        good = store(tmp_path / "good", {"log-0000.jsonl": [created("a1")]})
        bad = store(tmp_path / "bad", {"snapshot-0002.json": b"{", "log-0000.jsonl": []})
        text = render_text([check_path(str(good)), check_path(str(bad))], "d11b83e")
        first, second = text.splitlines()[:2]
        assert first == f"{bad}: snapshot-0002.json: the daemon will not start " + (
            "(its recovery fails; nothing replayed)"
        )
        assert second.startswith(f"  {bad}/snapshot-0002.json:1: error recovery-fails: the ")


class _Unreadable:
    """A stand-in for the reader on a log that is not UTF-8 (issue 12 teaches the real one):
    events up to the bad byte, then ``Malformed(unreadable=True)`` at its line."""

    def __init__(self, log: Iterable[bytes], *_: object, **__: object) -> None:
        self._lines = [line.rstrip(b"\n") for line in log]
        self._bad = next(i for i, line in enumerate(self._lines) if b"\xff" in line)
        self.malformed: Malformed | None = None
        self.events = 0

    def __iter__(self) -> Iterator[tuple[int, object]]:
        for number, raw in enumerate(self._lines[: self._bad], 1):
            self.events += 1
            yield number, decode_line(raw)
        self.malformed = Malformed(self._bad + 1, "invalid UTF-8", 0, unreadable=True)


class TestRecoveryFailsOnTheLog:
    def test_nothing_of_the_log_counts(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """The findings of the lines before the bad byte are dropped; recovery-fails at its
        line is the one finding, with no event and no agent."""
        monkeypatch.setattr("lifecheck.checker.check.LogReader", _Unreadable)
        replay = Replay(path="log.jsonl")
        events = read_log(replay, [*FAULTY, b'{"AgentStopped":{"id":"\xff","reason":"x"}}'])
        findings = replay.finish()
        assert [("recovery-fails", "log.jsonl", 5, None)] == [
            (f.rule, f.path, f.line, f.agent_id) for f in findings
        ]
        assert (0, 0, False) == (events, len(replay.index.by_id), replay.daemon_starts)
        assert findings[0].message.endswith("cannot read this log: invalid UTF-8")

    def test_a_store_whose_log_is_unreadable(self, tmp_path: Path) -> None:
        """The snapshot's findings go too: the daemon does not start at all."""
        limbo = agent("a1", "r", pid=4242, stopped_at=None)
        store(tmp_path, {"snapshot-0002.json": snapshot([limbo], ["zz"]),
                         "snapshot-00010.json": snapshot([]),
                         "log-0002.jsonl": [created("b2"), b"\xff"]})  # fmt: skip
        report = check_path(str(tmp_path))
        assert [("recovery-fails", "log-0002.jsonl", 2, None)] == found(report)
        assert (0, 0, {}) == (report.events, report.agents, dict(report.taken))

    def test_the_parallel_reader_too(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """A big log read in segments maps the reader's verdict the same way."""
        log = store(tmp_path, {"log-0000.jsonl": [created("a1"), b"\xff"]}) / "log-0000.jsonl"

        def segments(path: str, cuts_at: object, wanted: object, run: Any, **_: object) -> Any:
            run(iter([(1, decode_line(created("a1")))]))
            return 1, Malformed(2, "invalid UTF-8", 0, unreadable=True)

        monkeypatch.setattr("lifecheck.checker.check.cuts", lambda *_: [0, 1, 2])
        monkeypatch.setattr("lifecheck.checker.check.read_parallel", segments)
        report = check_path(str(tmp_path), jobs=2)
        assert [("recovery-fails", str(log), 2)] == [
            (f.rule, f.path, f.line) for f in report.findings
        ]
        assert (0, 0) == (report.events, report.agents)


class TestSnapshotInconsistent:
    def test_records_are_keyed_by_their_by_id_key(self, tmp_path: Path) -> None:
        """A record under another id's key is reached by the key, as the daemon does; the
        contradiction is reported once, about the key."""
        record = agent("a1", "r", pid=41, stopped_at=None)
        text = snapshot([], ["k1"], by_id={"k1": record}, by_name={"r": "k1"})
        store(tmp_path, {"snapshot-0002.json": text,
                         "log-0002.jsonl": [stopped("k1"), stopped("a1")]})  # fmt: skip
        report = check_path(str(tmp_path))
        assert [
            ("unknown-agent", "log-0002.jsonl", 2, "a1"),
            ("snapshot-inconsistent", "snapshot-0002.json", None, "k1"),
        ] == found(report)
        assert "by_id key k1 holds a record whose id is a1" in report.findings[1].message

    def test_each_entry_naming_no_record_once(self, tmp_path: Path) -> None:
        """running, by_name, by_task, by_thread and by_channel entries naming no record: one
        finding each (a repeated id once), with no agent, and the replay goes on."""
        text = snapshot(
            [agent("a1", "r", channel="c", pid=5, stopped_at=None)], ["a1", "x1", "x1"],
            by_name={"r": "a1", "ghost": "x2"}, by_task={"t": "x3"},
            by_thread={"th": "x4"}, by_channel={"c": ["a1", "x5", "x5"]},
        )  # fmt: skip
        store(tmp_path, {"snapshot-0002.json": text, "log-0002.jsonl": [stopped("a1")]})
        report = check_path(str(tmp_path))
        inconsistent = [f for f in report.findings if f.rule == "snapshot-inconsistent"]
        assert [(None, None, None)] * 5 == [
            (f.line, f.agent_id, f.agent_name) for f in inconsistent
        ]
        assert {"running lists x1", "by_name[ghost] is x2", "by_task[t] is x3",
                "by_thread[th] is x4", "by_channel[c] lists x5"} == {
            f.message.split(",")[0] for f in inconsistent
        }  # fmt: skip
        assert (1, 5) == (report.events, len(report.findings))

    def test_dangling_entries_do_not_break_the_rules(self, tmp_path: Path) -> None:
        """Rules that follow by_name, by_task, by_thread or running meet an id with no
        record: the replay does as the daemon does and does not crash."""
        text = snapshot(
            [agent("a1", "r", task_id="t", bound_thread_id="th", channel="c")], ["x1"],
            by_name={"r": "x1"}, by_task={"t": "x2"}, by_thread={"th": "x3"},
            by_channel={"c": ["x4", "a1"]},
        )  # fmt: skip
        log = [started("a1"), not_found("r"), stopped("a1"), started("a1"), stopped("a1"),
               collected("a1"),
               b'{"ChannelRenamed":{"old_name":"c","new_name":"d"}}']  # fmt: skip
        store(tmp_path, {"snapshot-0002.json": text, "log-0002.jsonl": log})
        report = check_path(str(tmp_path))
        assert "session-not-found-misattributed" in [f.rule for f in report.findings]
        assert "gc-index-clobber" in [f.rule for f in report.findings]
        assert (7, None) == (report.events, report.error)
