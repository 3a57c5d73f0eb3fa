"""Every rule of the catalogue (docs/rules.md) has a log that triggers it and one that must not."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from lifecheck.checker import check_path
from lifecheck.checker.replay.engine import DEFAULT_SEMANTICS
from lifecheck.checker.rules.findings import Finding
from lifecheck.spec.catalogue import RULES, RuleId
from lifecheck.spec.examples import EXAMPLES, LOG
from tests.builders import (
    collected,
    created,
    line,
    not_found,
    replay,
    resumed,
    rules_at,
    snapshot,
    snapshot_agent,
    started,
    stopped,
    store,
)


@dataclass(frozen=True)
class Case:
    """A rule, whose example log (lifecheck.spec.examples) gives it at ``at``, and a
    near-identical log that must not."""

    rule: RuleId
    at: int | None
    clean: list[bytes]

    @property
    def semantics(self) -> str:
        return EXAMPLES[self.rule].semantics or DEFAULT_SEMANTICS

    @property
    def trigger(self) -> list[bytes]:
        return EXAMPLES[self.rule].files[LOG].encode().splitlines()


A, B = "a1", "b2"
LEAD = {"name": "midtown", "kind": "Lead", "channel": "midtown"}
FORK = {"name": "fork-t1", "kind": "Fork", "thread": "t1"}

CASES = [
    Case("parse-error", 2, [created(A), resumed(A)]),
    Case("unknown-agent", 1, [created(A), started(A), stopped(A)]),
    Case("duplicate-id", 2, [created(A), created(B)]),
    Case("fork-without-thread", 1, [created(A, "fork-1", "Fork", thread="thread-1")]),
    Case("event-after-gc", 5, [created(A), started(A), stopped(A), collected(A)]),
    Case("start-while-running", 3, [created(A), started(A), stopped(A), started(A)]),
    Case("resume-while-running", 3, [created(A), started(A), stopped(A), resumed(A)]),
    Case("resume-without-session", 2, [created(A), started(A), stopped(A), resumed(A)]),
    Case("stale-session-resumed", 10,
         [created(A), started(A, session="s-a"), created(B), started(B, session="s-b"), stopped(A),
          stopped(B), resumed(A), stopped(A), resumed(A)]),
    Case("pid-zero", 2, [created(A), started(A, pid=1)]),
    Case("pid-reuse", 4,
         [created(A), started(A, pid=7), stopped(A), created(B, "other"), started(B, pid=7)]),
    Case("duplicate-running-worker-task", 4,
         [created(A, "w1", task="t1"), started(A), stopped(A), created(B, "w2", task="t1"),
          started(B)]),
    Case("duplicate-running-fork-thread", 4,
         [created(A, **FORK), started(A), stopped(A), created(B, **FORK), started(B)]),
    Case("fork-thread-rebound", 4,
         [created(A, **FORK), started(A), stopped(A), collected(A), created(B, **FORK)]),
    Case("duplicate-running-lead-channel", 4,
         [created(A, **LEAD), started(A), stopped(A), created(B, **LEAD), started(B)]),
    Case("duplicate-running-name", 4, [created(A), started(A), stopped(A), created(B), started(B)]),
    Case("stop-not-running", 4, [created(A), started(A), stopped(A)]),
    Case("gc-running", 3, [created(A), started(A), stopped(A), collected(A)]),
    Case("gc-lead", 4, [created(A), started(A), stopped(A), collected(A)]),
    Case("gc-not-stopped", 2, [created(A), started(A), stopped(A), collected(A)]),
    Case("gc-index-clobber", 5, [created(A), started(A), stopped(A), collected(A), created(B)]),
    Case("unknown-name", 1, [created(A), started(A), not_found()]),
    Case("session-not-found-ambiguous", 5,
         [created(A), started(A), created(B), started(B), stopped(A), not_found()]),
    Case("session-not-found-misattributed", 6,
         [created(A), started(A), created(B), started(B), stopped(A), not_found()]),
    Case("stale-pid", 3, [created(A), started(A), stopped(A), not_found()]),
    Case("running-without-session", 3, [created(A), started(A), stopped(A), not_found()]),
    Case("resume-loop", 6,
         [created(A), started(A), not_found(), stopped(A), resumed(A), not_found()]),
    Case("zombie-running", 2,
         [created(A), started(A, session="s-a"), created(B), started(B), stopped(B), not_found(),
          stopped(A)]),
    Case("limbo-unresolved", 3, [created(A), started(A), not_found(), stopped(A)]),
    Case("started-without-session", 2, [created(A), started(A)]),
    Case("dangling-agent-ref", 1, [created(A), line("TaskAssigned", task_id="t1", agent_id=A)]),
]  # fmt: skip


Files = dict[str, bytes | list[bytes]]


@dataclass(frozen=True)
class StoreCase:
    """A store rule (docs/rules.md §2), whose example store gives it in ``file`` at line
    ``at``, and a near-identical store that must not."""

    rule: RuleId
    file: str
    at: int | None
    clean: Files

    def findings(self, directory: Path, *, clean: bool = False) -> tuple[Finding, ...]:
        """Every finding for the triggering (or the passing) store, written in ``directory``."""
        example = {name: text.encode() for name, text in EXAMPLES[self.rule].files.items()}
        files: Files = self.clean if clean else dict(example)
        return check_path(str(store(directory, files))).findings

    def finding(self, directory: Path) -> Finding:
        """The finding the triggering store must give."""
        return next(
            f for f in self.findings(directory)
            if (f.rule, os.path.basename(f.path), f.line) == (self.rule, self.file, self.at)
        )  # fmt: skip


STORE_CASES = [
    StoreCase("recovery-fails", "snapshot-0042.json", 2,
              {"snapshot-0042.json": snapshot([]), "log-0042.jsonl": [created(A)]}),
    StoreCase("snapshot-inconsistent", "snapshot-0042.json", None,
              {"snapshot-0042.json": snapshot([snapshot_agent("k1")])}),
    StoreCase("stale-snapshot-chosen", "snapshot-9999.json", None,
              {"snapshot-09999.json": snapshot([]), "snapshot-10000.json": snapshot([])}),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=[c.rule for c in CASES])
def test_rule_fires_on_its_trace(case: Case) -> None:
    """The triggering log gives the rule at the expected line."""
    assert (case.rule, case.at) in rules_at(case.trigger, case.semantics)


@pytest.mark.parametrize("case", CASES, ids=[c.rule for c in CASES])
def test_rule_is_silent_on_the_passing_trace(case: Case) -> None:
    """The passing log, one step away from the trigger, does not give the rule."""
    assert case.rule not in {rule for rule, _ in rules_at(case.clean, case.semantics)}


@pytest.mark.parametrize("case", STORE_CASES, ids=[c.rule for c in STORE_CASES])
def test_store_rule_fires_on_its_store(case: StoreCase, tmp_path: Path) -> None:
    """The triggering store gives the rule in the expected file, at the expected line."""
    assert case.finding(tmp_path).rule == case.rule


@pytest.mark.parametrize("case", STORE_CASES, ids=[c.rule for c in STORE_CASES])
def test_store_rule_is_silent_on_the_passing_store(case: StoreCase, tmp_path: Path) -> None:
    """The passing store, one step away from the trigger, does not give the rule."""
    assert case.rule not in {f.rule for f in case.findings(tmp_path, clean=True)}


@pytest.mark.parametrize("rule", EXAMPLES)
def test_each_example_gives_its_rule_and_no_other(rule: RuleId, tmp_path: Path) -> None:
    """Checking a rule's example (a log, or a store's files) gives the rule, the rules it
    says it cannot avoid, and nothing else: what `lifecheck rules RULE` shows is true."""
    example = EXAMPLES[rule]
    for name, text in example.files.items():
        (tmp_path / name).write_text(text)
    path = tmp_path if example.is_store else tmp_path / LOG
    report = check_path(str(path), example.semantics or DEFAULT_SEMANTICS)
    assert {rule, *example.also} == {f.rule for f in report.findings}
    assert rule not in example.also


def test_every_rule_has_cases() -> None:
    """No rule of the catalogue goes untested."""
    assert set(RULES) == {case.rule for case in [*CASES, *STORE_CASES]}


def test_catalogue_matches_rules_md() -> None:
    """Rule ids and severities are exactly those of docs/rules.md's table."""
    rules_md = Path(__file__).parents[1] / "docs" / "rules.md"
    rows = re.findall(r"^\| `([a-z-]+)` \| (error|warning|info) \|", rules_md.read_text(), re.M)
    assert [(rule.id, rule.severity.value) for rule in RULES.values()] == rows


#: (log, findings): fork-thread-rebound compares the new fork with by_thread before it.
REBOUND = [
    # by_thread names a Worker, not GC'd: the new fork still takes the thread over.
    ([created(A, "w1", thread="t1"), created(B, **FORK)], {("fork-thread-rebound", 2)}),
    # A Worker (not a Fork) created for a fork's thread is not this rule.
    ([created(A, **FORK), created(B, "w1", thread="t1")], set()),
    # The same fork created again (duplicate-id) takes nothing from another record.
    ([created(A, **FORK), created(A, **FORK)], {("duplicate-id", 2)}),
    # Another thread.
    ([created(A, **FORK), created(B, "fork-t2", "Fork", thread="t2")], set()),
    # by_thread[t1] still names A after A is re-created on another thread.
    ([created(A, **FORK), created(A, "fork-t2", "Fork", thread="t2"), created(B, **FORK)],
     {("duplicate-id", 2), ("fork-thread-rebound", 3)}),
    # ... and once A is collected (its entry for t2 goes; t1 still names it), it is GC'd.
    ([created(A, **FORK), created(A, "fork-t2", "Fork", thread="t2"), collected(A),
      created(B, **FORK)],
     {("duplicate-id", 2), ("gc-not-stopped", 3)}),
    # A was collected with t1 while B held it: by_thread[t1] is gone for C.
    ([created(A, **FORK), started(A), stopped(A), created(B, **FORK), collected(A),
      created("c3", **FORK)],
     {("fork-thread-rebound", 4), ("gc-index-clobber", 5)}),
]  # fmt: skip


class TestRuleDetails:
    def test_unknown_agent_suppresses_every_other_rule_on_its_line(self) -> None:
        """An id-keyed event for an unknown id gives unknown-agent and nothing else."""
        assert {("unknown-agent", 1)} == rules_at([collected(A)])

    def test_parse_error_stops_replay_and_counts_dropped_lines(self) -> None:
        """Nothing after the bad line is replayed; dropped counts its non-blank successors."""
        lines = [created(A), b"{broken", b"", started(A), started(A)]
        findings = replay(lines)
        assert [("parse-error", 2, 2)] == [(f.rule, f.line, f.dropped) for f in findings]

    def test_end_rules_run_on_the_state_before_a_bad_line(self) -> None:
        """Limbo left before a malformed line is still reported at the end."""
        lines = [created(A), started(A), not_found(), b"junk"]
        assert {("stale-pid", 3), ("limbo-unresolved", 3), ("parse-error", 4)} == rules_at(lines)

    def test_stopping_a_record_in_limbo_is_the_way_out(self) -> None:
        """AgentStopped of a record in limbo is not stop-not-running."""
        assert {("stale-pid", 3)} == rules_at([created(A), started(A), not_found(), stopped(A)])

    def test_a_lead_listed_twice_is_reported_once_when_renamed_into_a_busy_channel(
        self,
    ) -> None:
        """A record twice in by_channel's list (re-created there) is still one moved lead."""
        lines = [
            created(A, kind="Lead", name="a", channel="c1"),
            created(A, kind="Lead", name="a", channel="c1"),
            started(A),
            created(B, kind="Lead", name="b", channel="c2"),
            started(B, pid=4200, session="sess-2"),
            line("ChannelRenamed", old_name="c1", new_name="c2"),
        ]
        found = [(f.rule, f.line, f.agent_id) for f in replay(lines)]
        assert 1 == found.count(("duplicate-running-lead-channel", 6, A))

    def test_pid_reuse_gives_one_finding_per_event(self) -> None:
        """Two other records holding the pid give one finding naming both, in the order
        they took it."""
        lines = [created(A, "x"), started(A, pid=9), created(B, "y"), started(B, pid=9),
                 created("c3", "z"), started("c3", pid=9)]  # fmt: skip
        (reuse,) = [f for f in replay(lines) if f.rule == "pid-reuse" and f.line == 6]
        assert ("c3", (A, B), 2) == (reuse.agent_id, reuse.related, reuse.related_count)
        assert reuse.message == (
            f"AgentStarted with pid 9, which 2 other records still hold: x ({A[:8]}) "
            f"(running), y ({B[:8]}) (running)"
        )

    def test_name_rule_skips_records_reported_by_task_rule(self) -> None:
        """duplicate-running-name does not repeat what duplicate-running-worker-task said."""
        lines = [created(A, task="t1"), started(A), created(B, task="t1"), started(B, pid=42)]
        assert {("duplicate-running-worker-task", 4)} == rules_at(lines)

    def test_name_rule_skips_records_reported_by_fork_rule(self) -> None:
        """duplicate-running-name does not repeat what duplicate-running-fork-thread said."""
        lines = [created(A, **FORK), started(A, pid=1), created(B, **FORK), started(B, pid=2)]
        assert {("fork-thread-rebound", 3), ("duplicate-running-fork-thread", 4)} == rules_at(lines)

    def test_fork_thread_rule_gives_one_finding_per_event_naming_five(self) -> None:
        """Seven running forks on one thread: one finding, every other fork related, five
        named in the message."""
        ids = [f"f{n}" for n in range(7)]
        lines = [created(i, f"fork-{i}", "Fork", thread="t1") for i in ids]
        lines += [started(i, pid=n + 1) for n, i in enumerate(ids)]
        (finding,) = [f for f in replay(lines) if f.rule == "duplicate-running-fork-thread"
                      and f.line == len(lines)]  # fmt: skip
        assert ("f6", tuple(ids[:6])) == (finding.agent_id, finding.related)
        assert finding.message == (
            "6 other Forks are running for thread t1: fork-f0 (f0), fork-f1 (f1), "
            "fork-f2 (f2), fork-f3 (f3), fork-f4 (f4) and 1 more"
        )

    def test_fork_rule_ignores_other_kinds_on_the_thread(self) -> None:
        """A running Worker bound to the thread is not a second fork."""
        lines = [created(A, "w1", thread="t1"), started(A, pid=1), created(B, **FORK),
                 started(B, pid=2)]  # fmt: skip
        assert {("fork-thread-rebound", 3)} == rules_at(lines)

    @pytest.mark.parametrize(("lines", "expected"), REBOUND)
    def test_fork_thread_rebound_reads_by_thread_before_the_event(
        self, lines: list[bytes], expected: set[tuple[str, int]]
    ) -> None:
        """The rule compares the new fork with by_thread[T] as the daemon holds it."""
        assert expected == rules_at(lines)

    def test_fork_thread_rebound_relates_the_old_record(self) -> None:
        """Agent: the new fork; related: the record by_thread named."""
        (finding,) = replay([created(A, **FORK), created(B, **FORK)])
        assert ("fork-thread-rebound", B, "fork-t1", (A,)) == (
            finding.rule, finding.agent_id, finding.agent_name, finding.related)  # fmt: skip

    def test_rename_into_a_channel_with_a_running_lead(self) -> None:
        """ChannelRenamed moving a running Lead next to another running Lead is reported."""
        lines = [created(A, "backend", "Lead", channel="backend"), started(A),
                 created(B, "midtown", "Lead", channel="midtown"), started(B),
                 line("ChannelRenamed", old_name="backend", new_name="midtown")]  # fmt: skip
        findings = [f for f in replay(lines) if f.line == 5]
        assert [("duplicate-running-lead-channel", A)] == [(f.rule, f.agent_id) for f in findings]

    def test_rename_to_the_same_name_gives_back_a_stale_listing_its_channel(self) -> None:
        """A Lead re-created with no channel stays listed under its old one; a rename of that
        channel to itself sets its channel again (found by Hypothesis against the oracle)."""
        lines = [created(A, "a", "Lead", channel="backend"), started(A),
                 created(A, "a", "Lead", channel=None),
                 created(B, "b", "Lead", channel="backend"), started(B),
                 line("ChannelRenamed", old_name="backend", new_name="backend"),
                 stopped(A), started(A, pid=77)]  # fmt: skip
        findings = [f for f in replay(lines) if f.line == 8]
        assert [("duplicate-running-lead-channel", A)] == [(f.rule, f.agent_id) for f in findings]

    def test_misattribution_records_the_failed_session(self) -> None:
        """The running candidate, not by_name's record, is the one whose session failed."""
        lines = [created(A), started(A, session="s-a"), created(B), started(B, session="s-b"),
                 stopped(B), not_found()]  # fmt: skip
        misattributed = next(
            f for f in replay(lines) if f.rule == "session-not-found-misattributed"
        )
        assert (A, (B,)) == (misattributed.agent_id, misattributed.related)

    def test_started_without_session_is_info_not_error(self) -> None:
        """A null-session start gives the info rule instead of running-without-session."""
        rules = {f.rule: str(f.severity) for f in replay([created(A), started(A, session=None)])}
        assert {"started-without-session": "info"} == rules

    def test_resume_of_a_sessionless_record_is_running_without_session(self) -> None:
        """Resuming a record with no session reports both the resume and the state it makes."""
        lines = [created(A), started(A, session=None), stopped(A), resumed(A)]
        assert {("started-without-session", 2), ("resume-without-session", 4),
                ("running-without-session", 4)} == rules_at(lines)  # fmt: skip

    def test_proposed_semantics_treats_session_not_found_as_a_stop(self) -> None:
        """Under proposed, the PR #2330 steps leave no forbidden state."""
        assert set() == rules_at([created(A), started(A), not_found()], "proposed")
