"""What is reported: rule selection, severity overrides, baselines, and the fingerprints that
baselines rest on (checker/rules/policy.py, checker/rules/fingerprints.py)."""

from __future__ import annotations

import json
import multiprocessing
import pickle
import random
from collections import Counter
from functools import partial
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lifecheck
from lifecheck.checker.check import check_path
from lifecheck.checker.pools import worker_pool
from lifecheck.checker.reports import spool
from lifecheck.checker.reports.sarif import to_sarif
from lifecheck.checker.reports.text import render_text, to_json
from lifecheck.checker.rules.findings import Finding
from lifecheck.checker.rules.policy import Policy, PolicyError
from lifecheck.spec.catalogue import RULES, Family, Severity
from tests.builders import (
    collected,
    created,
    line,
    not_found,
    replay,
    snapshot,
    started,
    stopped,
    store,
)
from tests.logs import logs

ROOT = Path(__file__).parents[1]
EXAMPLE = ROOT / "checker" / "examples" / "pr-2330-crash-loop.jsonl"
STORE = ROOT / "checker" / "examples" / "store"
A = "0000000a-0000-4000-8000-000000000000"
B = "0000000b-0000-4000-8000-000000000000"


def _write(path: Path, lines: list[bytes]) -> str:
    path.write_bytes(b"".join(x + b"\n" for x in lines))
    return str(path)


# --- selection and severities ----------------------------------------------------------------


class TestPolicyOf:
    def test_nothing_chosen_is_every_rule_as_it_is(self) -> None:
        assert Policy.of() == Policy()
        assert Policy.of().is_default
        assert Policy.of(select=["all"]).is_default

    def test_select_takes_comma_separated_ids_and_accumulates(self) -> None:
        policy = Policy.of(select=["stale-pid, pid-reuse", "gc-lead,"])
        assert {"stale-pid", "pid-reuse", "gc-lead"} == policy.rules
        assert not policy.is_default

    def test_ignore_wins_over_select(self) -> None:
        policy = Policy.of(select=["stale-pid,pid-reuse"], ignore=["pid-reuse"])
        assert {"stale-pid"} == policy.rules
        assert frozenset() == Policy.of(select=["stale-pid"], ignore=["all"]).rules
        assert set(RULES) - {"stale-pid"} == Policy.of(ignore=["stale-pid"]).rules

    @pytest.mark.parametrize(
        ("option", "word", "closest"),
        [("select", "stale-pids", "stale-pid"), ("ignore", "gc_lead", "gc-lead"),
         ("select", "al", "all")],
    )  # fmt: skip
    def test_an_unknown_rule_names_the_closest_id(
        self, option: str, word: str, closest: str
    ) -> None:
        with pytest.raises(PolicyError) as raised:
            Policy.of(**{option: [f"pid-reuse,{word}"]})
        assert f"unknown rule {word!r} (did you mean {closest!r}?)" == str(raised.value)

    def test_a_rule_like_none_points_at_the_list(self) -> None:
        with pytest.raises(PolicyError, match=r"unknown rule 'xyzzy' \('lifecheck rules' lists"):
            Policy.of(ignore=["xyzzy"])

    def test_severity_overrides(self) -> None:
        policy = Policy.of(severity=["stale-pid=error", "pid-zero = Info", "stale-pid=info"])
        assert {"stale-pid": Severity.INFO, "pid-zero": Severity.INFO} == policy.severities

    @pytest.mark.parametrize(
        ("value", "message"),
        [("stale-pid", "--severity takes RULE=LEVEL, not 'stale-pid'"),
         ("stale-pid=fatal",
          "unknown severity 'fatal' for stale-pid (one of error, warning, info)"),
         ("stale-pids=error", "unknown rule 'stale-pids' (did you mean 'stale-pid'?)")],
    )  # fmt: skip
    def test_a_malformed_severity_is_one_line(self, value: str, message: str) -> None:
        with pytest.raises(PolicyError) as raised:
            Policy.of(severity=[value])
        assert message == str(raised.value)

    def test_a_policy_travels_to_other_processes(self) -> None:
        policy = Policy.of(select=["stale-pid"], severity=["stale-pid=error"], baseline=["ab"])
        assert policy == pickle.loads(pickle.dumps(policy))


class TestCheckWithAPolicy:
    @pytest.mark.parametrize("policy", [Policy(), Policy.of(severity=["stale-pid=warning"])])
    def test_a_policy_that_changes_nothing_changes_nothing(self, policy: Policy) -> None:
        for path in (str(EXAMPLE), str(STORE)):
            plain, screened = check_path(path), check_path(path, policy=policy)
            assert plain == screened
            assert [f.fingerprint for f in plain.findings] == [
                f.fingerprint for f in screened.findings
            ]

    def test_selection_leaves_out_findings_and_their_counts(self) -> None:
        everything = check_path(str(EXAMPLE))
        chosen = check_path(str(EXAMPLE), policy=Policy.of(select=["stale-pid,zombie-running"]))
        kept = [f for f in everything.findings if f.rule in ("stale-pid", "zombie-running")]
        assert kept
        assert kept == list(chosen.findings)
        assert Counter(f.severity for f in kept) == chosen.findings.counts
        assert 0 == chosen.hidden
        ignored = check_path(str(EXAMPLE), policy=Policy.of(ignore=["all"]))
        assert 0 == len(ignored.findings)
        assert not ignored.findings.counts

    def test_a_severity_override_changes_findings_counts_and_reports(self) -> None:
        policy = Policy.of(select=["stale-pid"], severity=["stale-pid=error"])
        report = check_path(str(EXAMPLE), policy=policy)
        assert {Severity.ERROR} == {f.severity for f in report.findings}
        assert {Severity.ERROR: len(report.findings)} == report.findings.counts
        document = json.loads(to_json([report], "d11b83e"))
        assert {"error"} == {f["severity"] for f in document["findings"]}
        results = json.loads(to_sarif([report], "d11b83e"))["runs"][0]["results"]
        assert {"error"} == {r["level"] for r in results}

    def test_the_library_api_takes_a_policy(self) -> None:
        policy = Policy.of(ignore=["stale-pid"])
        (report,) = lifecheck.check(str(EXAMPLE), policy=policy)
        assert report == check_path(str(EXAMPLE), policy=policy)
        assert "stale-pid" not in {f.rule for f in report.findings}
        assert lifecheck.Policy is Policy


class TestBaseline:
    def test_a_baseline_hides_its_findings_and_counts_them(self) -> None:
        everything = check_path(str(EXAMPLE))
        stale = {f.fingerprint for f in everything.findings if f.rule == "stale-pid"}
        known = [f.fingerprint for f in everything.findings if f.fingerprint]
        report = check_path(str(EXAMPLE), policy=Policy.of(baseline=stale))
        assert len(stale) == report.hidden
        assert [f for f in everything.findings if f.rule != "stale-pid"] == list(report.findings)
        assert f", {len(stale)} hidden by the baseline (semantics" in render_text([report], "x")
        document = json.loads(to_json([report], "d11b83e"))
        assert len(stale) == document["hidden_by_baseline"]
        assert [len(stale)] == [i["hidden_by_baseline"] for i in document["inputs"]]
        hidden_all = check_path(str(EXAMPLE), policy=Policy.of(baseline=known))
        assert (0, len(known)) == (len(hidden_all.findings), hidden_all.hidden)

    def test_an_ignored_finding_is_not_counted_as_hidden(self) -> None:
        known = [f.fingerprint or "" for f in check_path(str(EXAMPLE)).findings]
        report = check_path(str(EXAMPLE), policy=Policy.of(ignore=["all"], baseline=known))
        assert 0 == report.hidden

    def test_only_what_the_daemon_would_see_is_counted_when_it_will_not_start(
        self, tmp_path: Path
    ) -> None:
        """A log that is not UTF-8: earlier findings are forgotten, hidden or not."""
        lines = [created(A), stopped(A), stopped(A), b"\xff"]
        path = _write(tmp_path / "log.jsonl", lines)
        first = check_path(path, policy=Policy.of(select=["stop-not-running"]))
        assert 0 == len(first.findings)
        known = [f.fingerprint or "" for f in replay(lines[:3])]
        report = check_path(path, policy=Policy.of(baseline=known))
        assert (["recovery-fails"], 0) == ([f.rule for f in report.findings], report.hidden)

    def test_the_policy_reaches_spawned_and_forked_workers(self, tmp_path: Path) -> None:
        paths = [str(EXAMPLE), str(STORE), _write(tmp_path / "log.jsonl", [started(A)])]
        known = [f.fingerprint or "" for f in check_path(str(EXAMPLE)).findings][:3]
        policy = Policy.of(ignore=["unknown-agent"], severity=["stale-pid=info"], baseline=known)
        alone = [check_path(path, policy=policy) for path in paths]
        for method in ("spawn", "fork"):
            with worker_pool(2, multiprocessing.get_context(method)) as pool:
                pooled = list(pool.map(partial(check_path, policy=policy), paths))
            assert alone == pooled
            assert [3, 0, 0] == [r.hidden for r in pooled]
            assert [r.findings.counts for r in alone] == [r.findings.counts for r in pooled]
            assert not pooled[2].findings


# --- fingerprints ----------------------------------------------------------------------------


def _fingerprints(findings: list[Finding]) -> list[str]:
    prints = [f.fingerprint or "" for f in findings]
    assert all(len(p) == 32 and int(p, 16) >= 0 for p in prints)
    return prints


def _reserialised(raw: bytes, rng: random.Random) -> bytes:
    """The same JSON value with its keys in another order and other spacing."""

    def shuffled(value: object) -> object:
        if isinstance(value, dict):
            keys = list(value)
            rng.shuffle(keys)
            return {key: shuffled(value[key]) for key in keys}
        return value

    spacing = rng.choice([(",", ":"), (", ", ": "), (" ,", " :  ")])
    return json.dumps(shuffled(json.loads(raw)), separators=spacing, ensure_ascii=False).encode()


def _blanks(draw: st.DrawFn, lines: list[bytes]) -> list[bytes]:
    spaced: list[bytes] = []
    for raw in lines:
        spaced += [draw(st.sampled_from([b"", b"  ", b"\t"]))] * draw(st.integers(0, 1))
        spaced.append(raw)
    return spaced


def _end(finding: Finding) -> bool:
    return RULES[finding.rule].family is Family.END


class TestFingerprints:
    @settings(max_examples=150, deadline=None)
    @given(st.data(), logs(), logs(faults=False))
    def test_a_finding_keeps_its_fingerprint_as_the_log_grows(
        self, data: st.DataObject, lines: list[bytes], more: list[bytes]
    ) -> None:
        """Every finding still reported at the old lines (and every end-of-replay finding
        still reported) keeps its fingerprint; the new ones get new fingerprints."""
        lines = _blanks(data.draw, lines)
        before, after = replay(lines), replay(lines + _blanks(data.draw, more))
        assert len(set(_fingerprints(after))) == len(after)

        def at_old_lines(findings: list[Finding]) -> dict[tuple[object, ...], list[str | None]]:
            kept: dict[tuple[object, ...], list[str | None]] = {}
            for f in findings:
                if f.rule != "recovery-fails" and (_end(f) or (f.line or 0) <= len(lines)):
                    key = (f.rule, f.agent_id, f.agent_name, "end" if _end(f) else f.line)
                    kept.setdefault(key, []).append(f.fingerprint)
            return kept

        old, new = at_old_lines(before), at_old_lines(after)
        for key, prints in new.items():
            if key in old or key[3] != "end":  # an end-of-replay finding may be new
                assert old[key] == prints
        added = [f.fingerprint for f in after if not _end(f) and (f.line or 0) > len(lines)]
        assert not set(added) & set(_fingerprints(before))

    @settings(max_examples=150, deadline=None)
    @given(st.data(), logs(faults=False), st.randoms(use_true_random=False))
    def test_a_rewritten_log_keeps_every_fingerprint(
        self, data: st.DataObject, lines: list[bytes], rng: random.Random
    ) -> None:
        """The daemon's recovery rewrite (blank lines gone, each line re-serialised) changes
        line numbers only: the same findings with the same fingerprints, in the same order."""
        original = replay(_blanks(data.draw, lines))
        rewritten = replay([_reserialised(raw, rng) for raw in lines])
        assert [(f.rule, f.agent_id) for f in original] == [(f.rule, f.agent_id) for f in rewritten]
        assert _fingerprints(original) == _fingerprints(rewritten)
        assert len(set(_fingerprints(original))) == len(original)

    def test_identical_lines_give_distinct_findings(self) -> None:
        findings = replay([created(A), stopped(A), stopped(A), stopped(A)])
        assert ["stop-not-running"] * 3 == [f.rule for f in findings]
        assert len(set(_fingerprints(findings))) == 3

    def test_the_input_and_the_event_make_the_fingerprint(self, tmp_path: Path) -> None:
        lines = [created(A), started(A, pid=0), created(B), started(B, pid=0)]
        one, two = (_write(tmp_path / name, lines) for name in ("one.jsonl", "two.jsonl"))
        first, second = check_path(one), check_path(two)
        assert not set(_fingerprints(list(first.findings))) & set(
            _fingerprints(list(second.findings))
        )
        assert _fingerprints(list(first.findings)) == _fingerprints(
            list(check_path(f"{tmp_path}/./one.jsonl").findings)
        )
        a, b = (f.fingerprint for f in first.findings if f.rule == "pid-zero")
        assert a != b

    def test_a_store_is_named_by_its_directory_not_the_log_the_daemon_replays(
        self, tmp_path: Path
    ) -> None:
        """The daemon snapshots (here: an empty index) and switches to the next log: the same
        findings in log-0001.jsonl keep the fingerprints they had in log-0000.jsonl."""
        lines = [created(A), started(A), not_found(), collected(A), line("AgentStopped", id=B,
                 reason="x")]  # fmt: skip
        events = tmp_path / "events"
        store(events, {"log-0000.jsonl": lines})
        first = check_path(str(events))
        (events / "log-0000.jsonl").rename(events / "log-0001.jsonl")
        store(events, {"snapshot-0001.json": snapshot([])})
        second = check_path(str(events) + "/")
        assert [f.path for f in second.findings] == [str(events / "log-0001.jsonl")] * len(
            second.findings
        )
        assert first.findings
        assert _fingerprints(list(first.findings)) == _fingerprints(list(second.findings))

    def test_fingerprints_and_overrides_survive_the_spool(
        self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        """Findings spilled to disk come back with their fingerprints and severities."""
        monkeypatch.setattr(spool, "KEPT", 2)
        policy = Policy.of(severity=["stop-not-running=error"])
        lines = [created(A), *[stopped(A)] * 7]
        report = check_path(_write(tmp_path / "log.jsonl", lines), policy=policy)
        assert 7 == len(report.findings)
        assert {Severity.ERROR} == {f.severity for f in report.findings}
        assert len(set(_fingerprints(list(report.findings)))) == 7

    def test_sarif_carries_the_fingerprints(self) -> None:
        reports = [check_path(str(EXAMPLE)), check_path(str(STORE))]
        results = json.loads(to_sarif(reports, "d11b83e"))["runs"][0]["results"]
        document = json.loads(to_json(reports, "d11b83e"))
        assert [r["partialFingerprints"] for r in results] == [
            {"lifecheck/v1": f["fingerprint"]} for f in document["findings"]
        ]
