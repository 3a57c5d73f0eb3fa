"""`lifecheck coverage` counts what `check` replays; `lifecheck lint` checks the spec."""

from __future__ import annotations

import json
import os
from collections import Counter
from importlib import resources
from pathlib import Path

import pytest
from hypothesis import given

from lifecheck.checker.check import read_log
from lifecheck.checker.replay.coverage import Coverage
from lifecheck.checker.replay.engine import Replay
from lifecheck.spec import LIFECYCLE, SEMANTICS
from lifecheck.spec.analysis import coverage
from lifecheck.spec.catalogue import RULES, Family, rules_of
from tests.builders import run_cli
from tests.logs import logs

ROOT = Path(__file__).parents[1]
EXAMPLES = resources.files("checker") / "examples"


@pytest.mark.parametrize("semantics", SEMANTICS)
@given(lines=logs())
def test_coverage_counts_what_check_reports(semantics: str, lines: list[bytes]) -> None:
    """Forbidden pairs and states taken match, rule by rule, the findings of the replay."""
    observed = Coverage()
    replay = Replay(path="log.jsonl", semantics=semantics, observers=[observed])
    read_log(replay, lines)
    if not replay.daemon_starts:  # a log that is not UTF-8: nothing of it is replayed
        assert ["recovery-fails"] == [f.rule for f in replay.finish()]
        return
    result = coverage(LIFECYCLE, semantics, observed.taken)
    covered: Counter[str] = Counter()
    for entry in result["forbidden"]:
        covered[entry["rule"]] += entry["count"]
    reported = Counter(f.rule for f in replay.finish())
    assert {rule: n for rule, n in covered.items() if n} == {
        rule: reported[rule] for rule in covered if reported[rule]
    }
    assert sum(t["count"] for t in result["transitions"]) == sum(observed.taken.values())


class TestCoverageCommand:
    def test_json_shape(self) -> None:
        """JSON has every transition with its count and the forbidden entries with rules."""
        result = run_cli("coverage", str(EXAMPLES / "pr-2330-crash-loop.jsonl"),
                           "--format", "json")  # fmt: skip
        assert 0 == result.returncode
        report = json.loads(result.stdout)
        transitions = report["transitions"]
        assert len(LIFECYCLE.transitions_for("d11b83e")) == len(transitions)
        assert {"source", "event", "guard", "target", "count"} <= set(transitions[0])
        limbo = [f for f in report["forbidden"] if f["state"] == "limbo" and f["count"]]
        assert [{"kind": "state", "state": "limbo", "event": "AgentSessionNotFound",
                 "rule": "stale-pid", "count": 2}] == limbo  # fmt: skip

    def test_json_tells_legal_from_forbidden(self) -> None:
        """Each transition carries the rules taking it reports (none: legal), as the table
        of `diagram` does; the counts apart add up to the transitions never taken."""
        result = run_cli("coverage", str(EXAMPLES / "pr-2330-crash-loop.jsonl"),
                         "--format", "json")  # fmt: skip
        report = json.loads(result.stdout)
        by_arrow = {(t["source"], t["event"], t["guard"], t["target"]): t
                    for t in report["transitions"]}  # fmt: skip
        limbo = by_arrow["running", "AgentSessionNotFound", "has_pid and not stopped_at", "limbo"]
        assert (["stale-pid"], 2) == (limbo["rules"], limbo["count"])
        resumed = by_arrow["created", "AgentResumed", "not has_session", "running-without-session"]
        assert ["resume-without-session", "running-without-session"] == resumed["rules"]
        assert [] == by_arrow["running", "AgentStopped", "", "stopped"]["rules"]
        legal = [t for t in report["transitions"] if not t["rules"]]
        assert report["legal_never_taken"] == sum(1 for t in legal if not t["count"])
        assert (report["forbidden_hit"], report["forbidden_never_hit"]) == (1, 40)
        assert report["never_taken"] == report["legal_never_taken"] + 40

    def test_text_separates_legal_never_taken_from_forbidden(self) -> None:
        """Legal transitions taken and never taken are listed; forbidden ones only when hit,
        with their rules, and those never hit are a count."""
        result = run_cli("coverage", str(EXAMPLES / "pr-2330-crash-loop.jsonl"))
        lines = result.stdout.splitlines()
        assert lines[0] == ("1 input against the d11b83e spec: 7 of 28 legal transitions "
                            "taken, 1 of 41 forbidden ones hit")  # fmt: skip
        sections = [line for line in lines if not line.startswith(" ")]
        assert sections[1:] == [
            "legal, taken (7):",
            "legal, never taken (21):",
            "forbidden, hit (1):",
            "forbidden, never hit: 40 (lifecheck diagram --format table lists every transition)",
        ]
        hit = lines[lines.index("forbidden, hit (1):") + 1]
        assert (
            hit == "       2×  running --AgentSessionNotFound [has_pid and not stopped_at]--> "
            "limbo: stale-pid"
        )
        never = lines[lines.index("legal, never taken (21):") + 1 : lines.index(hit) - 1]
        assert "          created --AgentStateReported--> created" in never
        assert not any("duplicate-id" in line or "--AgentCreated-->" in line for line in never)
        assert max(map(len, lines)) <= 100

    @pytest.mark.parametrize("semantics", SEMANTICS)
    def test_a_clean_log_lists_the_legal_transitions_each_once(self, semantics: str) -> None:
        """Taken or not, every legal transition of the version is listed once; no forbidden
        one is (the clean day hits none)."""
        result = run_cli("coverage", str(EXAMPLES / "clean-day.jsonl"), "--semantics", semantics)
        listed = [line.split("×  ")[-1].strip() for line in result.stdout.splitlines()
                  if "-->" in line]  # fmt: skip
        legal = [str(t) for t in LIFECYCLE.transitions_for(semantics)
                 if not t.rules and LIFECYCLE.rule_on_entry(t) is None]  # fmt: skip
        assert sorted(listed) == sorted(legal)
        assert "forbidden, hit (0):" in result.stdout

    def test_unreadable_input(self, tmp_path: Path) -> None:
        """A missing input is one stderr line and exit 2, and nothing else: the counts of
        the other inputs would pass for the whole."""
        example = str(EXAMPLES / "pr-2330-crash-loop.jsonl")
        for output in ("text", "json"):
            result = run_cli("coverage", example, str(tmp_path / "missing.jsonl"),
                             "--format", output)  # fmt: skip
            assert (2, "") == (result.returncode, result.stdout)
            assert [f"lifecheck: {tmp_path / 'missing.jsonl'}: no such file or directory"] == (
                result.stderr.splitlines()
            )

    def test_replay_stopped_at_a_malformed_line(self, tmp_path: Path) -> None:
        """Nothing after a malformed line is covered: one line says so, and exit 1."""
        lines = (EXAMPLES / "pr-2330-crash-loop.jsonl").read_bytes().splitlines()
        log = tmp_path / "log.jsonl"
        log.write_bytes(b"\n".join([*lines[:10], b'{"Nope":{}}', *lines[10:]]) + b"\n")
        result = run_cli("coverage", str(log), "--format", "json")
        assert 1 == result.returncode
        assert [
            f'lifecheck: {log}:11: replay stopped at line 11: unknown event variant "Nope"; '
            "nothing after it is covered"
        ] == result.stderr.splitlines()
        assert json.loads(result.stdout)["transitions"]

    def test_daemon_that_will_not_start(self, tmp_path: Path) -> None:
        """A log that is not UTF-8: the daemon replays none of it, and coverage says so."""
        log = tmp_path / "log.jsonl"
        log.write_bytes((EXAMPLES / "clean-day.jsonl").read_bytes() + b"\xff\n")
        result = run_cli("coverage", str(log))
        assert 1 == result.returncode
        (line,) = result.stderr.splitlines()
        assert line.startswith(f"lifecheck: {log}:")
        assert line.endswith("; nothing of it is covered")


BROKEN = """
from lifecheck.spec import LIFECYCLE, Spec
from lifecheck.spec.model import Transition
import dataclasses

fields = {f.name: getattr(LIFECYCLE, f.name) for f in dataclasses.fields(Spec) if f.init}
fields["transitions"] = tuple(
    t for t in LIFECYCLE.transitions
    if not (t.source == "stopped" and t.event == "AgentStateReported")
) + (Transition(source="stopped", event="AgentStopFailed", target="created"),)
SPEC = Spec(**fields)
"""


class TestLintCommand:
    def test_built_in_spec_facts(self) -> None:
        """lint prints states, initial and terminal, reachability and unused events."""
        result = run_cli("lint")
        assert 0 == result.returncode
        assert "midtown-agent: valid" in result.stdout
        assert "initial: created (a record's AgentCreated); terminal: garbage-collected" in (
            result.stdout
        )
        assert "limbo (forbidden: stale-pid)" in result.stdout
        assert "events accepted nowhere: none" in result.stdout  # AgentCreated creates a record

    def test_facts_count_the_catalogue_by_family(self) -> None:
        """lint counts the catalogue's rules by family and names those the spec carries."""
        result = run_cli("lint", "--format", "json")
        found = json.loads(result.stdout)
        assert {family.value: list(rules_of(family)) for family in Family} == found["rules"]
        assert "stale-pid" in found["carried"]
        assert "fork-thread-rebound" not in found["carried"]  # an index rule: not in the table
        text = run_cli("lint").stdout
        assert f"rules ({len(RULES)} in the catalogue):" in text

    def test_json_facts(self) -> None:
        """JSON facts give each version's reachable states."""
        facts = json.loads(run_cli("lint", "--format", "json").stdout)
        assert "limbo" not in facts["semantics"]["proposed"]["reachable"]
        assert "limbo" in facts["semantics"]["d11b83e"]["reachable"]

    def test_broken_spec_names_every_problem(self, tmp_path: Path) -> None:
        """An invalid spec exits 1 with one line per problem, each naming its offenders."""
        (tmp_path / "broken_spec.py").write_text(BROKEN)
        env = os.environ | {"PYTHONPATH": f"{tmp_path}{os.pathsep}{ROOT}"}
        result = run_cli("lint", "--spec", "broken_spec:SPEC", env=env)
        assert 1 == result.returncode
        assert "'stopped --AgentStateReported'" in result.stderr
        assert "nondeterministic" in result.stderr
        assert "'stopped --AgentStopFailed'" in result.stderr
        assert "Traceback" not in result.stderr


@pytest.mark.parametrize("command", ["coverage", "lint"])
def test_help_shows_examples(command: str) -> None:
    """Like the other commands, --help ends with examples of the command, each on a line."""
    help_text = run_cli(command, "--help").stdout
    examples = help_text.split("Examples:\n")[1].splitlines()
    assert len(examples) >= 2
    assert all(line.startswith(f"    lifecheck {command}") for line in examples)
    assert max(map(len, examples)) <= 100
