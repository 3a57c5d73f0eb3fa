"""Findings stay linear in the log (docs/rules.md §4 "Size"): many records sharing a pid, a
task, a thread, a channel or a name give at most one finding per rule and event, whose
message names at most 5 others and whose ``related`` holds at most 20 of them."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from lifecheck.checker.check import check_path
from lifecheck.checker.reports.data import InputReport
from lifecheck.checker.reports.spool import Findings
from lifecheck.checker.reports.text import render_text, to_json
from lifecheck.checker.rules.findings import Finding
from tests.builders import collected, created, line, not_found, replay, started, stopped

MANY = 300


def _ids(prefix: str, count: int) -> list[str]:
    return [f"{prefix}{i:07d}-0000-4000-8000-000000000000" for i in range(count)]


def _others_named(finding: Finding) -> int:
    """How many records a message names by short id."""
    return len(re.findall(r"\([0-9a-z]{8}\)|\b[0-9a-z]{8}\b(?=,|$|\))", finding.message))


def _assert_bounded(findings: list[Finding], rule: str, events: int) -> list[Finding]:
    found = [f for f in findings if f.rule == rule]
    per_line = Counter(f.line for f in found)
    assert found
    assert max(per_line.values()) == 1, f"{rule}: one finding per event"
    assert len(found) <= events
    for finding in found:
        assert len(finding.related) <= 20
        assert len(finding.message) < 600, finding.message
    return found


def test_one_pid_held_by_many_records_gives_one_finding_per_start() -> None:
    workers = _ids("a", MANY)
    lines = [created(w, f"w{i}", task=f"t{i}") for i, w in enumerate(workers)]
    lines += [started(w, pid=4242, session=f"s{i}") for i, w in enumerate(workers)]
    found = _assert_bounded(replay(lines), "pid-reuse", MANY)
    assert len(found) == MANY - 1
    last = found[-1]
    assert last.message.endswith(f"and {MANY - 1 - 5} more")
    assert last.related == tuple(workers[:20])  # the earliest holders first


def test_one_task_shared_by_many_workers_gives_one_finding_per_start() -> None:
    workers = _ids("b", MANY)
    lines = [created(w, f"w{i}", task="task-1") for i, w in enumerate(workers)]
    lines += [started(w, pid=5000 + i) for i, w in enumerate(workers)]
    found = _assert_bounded(replay(lines), "duplicate-running-worker-task", MANY)
    assert len(found) == MANY - 1
    assert f"{MANY - 1} other" in found[-1].message


def test_one_channel_and_one_name_shared_by_many_leads() -> None:
    leads = _ids("c", MANY)
    lines = [created(r, "lead", "Lead", channel="general") for r in leads]
    lines += [started(r, pid=6000 + i) for i, r in enumerate(leads)]
    findings = replay(lines)
    _assert_bounded(findings, "duplicate-running-lead-channel", MANY)
    # The other leads are reported by the channel rule, so not again by the name rule.
    assert not [f for f in findings if f.rule == "duplicate-running-name"]


def test_name_rule_counts_only_records_the_other_rules_did_not_report() -> None:
    leads, workers = _ids("d", 8), _ids("e", 7)
    lines = [created(r, "same", "Lead", channel="general") for r in leads]
    lines += [created(w, "same", task=f"t{i}") for i, w in enumerate(workers)]
    lines += [started(r, pid=7000 + i) for i, r in enumerate([*workers, *leads])]
    findings = replay(lines)
    last = [f for f in findings if f.line == len(lines)]
    assert [f.rule for f in last] == ["duplicate-running-lead-channel", "duplicate-running-name"]
    channel, name = last
    assert channel.message.endswith("and 2 more")
    assert name.message.startswith("7 other running records named same:")
    assert name.related == tuple(workers)


def test_many_same_name_records_and_session_not_found() -> None:
    records = _ids("f", MANY)
    lines = [created(r, "dup", task=f"t{i}") for i, r in enumerate(records)]
    lines += [started(r, pid=8000 + i) for i, r in enumerate(records)]
    lines += [not_found("dup")] * 3
    findings = replay(lines)
    _assert_bounded(findings, "duplicate-running-name", MANY)
    ambiguous = _assert_bounded(findings, "session-not-found-ambiguous", 3)
    assert f"while {MANY} records with that name are running" in ambiguous[0].message


def test_collecting_a_big_channel_keeps_the_daemons_channel_list() -> None:
    workers = _ids("g", MANY)
    lines = [created(w, f"w{i}", channel="general") for i, w in enumerate(workers)]
    lines += [started(w, pid=9000 + i) for i, w in enumerate(workers)]
    lines += [stopped(w) for w in workers[::2]] + [collected(w) for w in workers[::2]]
    lines += [line("ChannelRenamed", old_name="general", new_name="lobby")]
    findings = replay(lines)
    assert not [f for f in findings if f.rule.startswith("gc-")]


def test_json_related_is_capped_with_the_full_count(tmp_path: Path) -> None:
    workers = _ids("h", 40)
    lines = [created(w, f"w{i}") for i, w in enumerate(workers)]
    lines += [started(w, pid=4242, session=f"s{i}") for i, w in enumerate(workers)]
    log = tmp_path / "log.jsonl"
    log.write_bytes(b"\n".join(lines) + b"\n")
    document = json.loads(to_json([check_path(str(log))], "d11b83e"))
    last = [f for f in document["findings"] if f["rule"] == "pid-reuse"][-1]
    assert (len(last["related"]), last["related_count"]) == (20, 39)


@pytest.mark.parametrize("rule", ["pid-reuse", "duplicate-running-worker-task"])
def test_a_single_other_record_is_named_as_before(rule: str) -> None:
    a, b = _ids("i", 2)
    lines = [created(a, "w0", task="t"), created(b, "w1", task="t")]
    lines += [started(a, pid=1), started(b, pid=1)]
    (finding,) = [f for f in replay(lines) if f.rule == rule]
    assert finding.related == (a,)
    assert "w0 (i0000000)" in finding.message, finding.message


def test_messages_echo_at_most_200_characters_of_a_value_from_the_log() -> None:
    huge = "n" * 50_000
    lines = [created("a", huge, task=huge), created("b", huge, task=huge)]
    lines += [started("a", pid=1), started("b", pid=2), line("AgentStopped", id=huge, reason="x")]
    lines += [not_found(huge)] * 3
    findings = replay(lines)
    assert {"duplicate-running-worker-task", "unknown-agent", "resume-loop"} <= {
        f.rule for f in findings
    }
    for finding in findings:
        assert len(finding.message) < 1000, finding.rule
    (loop,) = [f for f in findings if f.rule == "resume-loop"]
    assert "n… (49800 more characters)" in loop.message
    text = render_text([InputReport("log.jsonl", findings=Findings(findings))], "d11b83e")
    assert max(map(len, text.splitlines())) < 1000
