"""`lifecheck generate`: streamed in bounded memory, the same per seed, in three mixes."""

from __future__ import annotations

import io
import json
import re
import select
import subprocess
import sys
import tracemalloc
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lifecheck.checker.commands import generate_command
from lifecheck.checker.commands.common import json_bytes
from lifecheck.testing import GeneratedLog, generate
from lifecheck.testing.faults import inject
from lifecheck.testing.fleet import RESTART, Fleet
from lifecheck.testing.generator import Seeded, stream
from lifecheck.testing.mixes import MIXES
from lifecheck.testing.moves import move
from tests.builders import replay, run_cli

ROOT = Path(__file__).parents[1]


def variants(log: GeneratedLog) -> Counter[str]:
    return Counter(next(iter(json.loads(line))) for line in log.lines)


def agent_share(log: GeneratedLog) -> float:
    counts = variants(log)
    return sum(n for variant, n in counts.items() if variant.startswith("Agent")) / len(log.lines)


def reconcile_stops(log: GeneratedLog) -> int:
    return sum(RESTART.encode() in line for line in log.lines)


class TestStreaming:
    def test_the_first_lines_come_before_the_log_is_made(self) -> None:
        """A log of a trillion lines hands out its first lines at once."""
        lines, _ = next(stream(1, events=10**12, mix="agents"))
        assert 0 < len(lines) < 1000
        assert all(json.loads(line) for line in lines)

    def test_a_log_ending_with_a_chunk_has_no_empty_chunk(self, tmp_path: Path) -> None:
        """When the last move fills a chunk exactly, no empty chunk (a blank line) follows."""
        lines, _ = next(stream(1, events=10**6))
        events = len(lines)
        assert [events] == [len(chunk) for chunk, _ in stream(1, events=events)]
        target = tmp_path / "log.jsonl"
        assert 0 == run_cli("generate", "--seed", "1", "--events", str(events), "-o",
                            str(target)).returncode  # fmt: skip
        assert b"\n\n" not in target.read_bytes()
        assert events == target.read_bytes().count(b"\n")

    def test_the_command_writes_its_first_line_before_it_ends(self) -> None:
        """`generate` writes to its output as it goes: the first line of a billion-line log
        is there to read while the command runs."""
        code = "from lifecheck.checker.commands.cli import main; main()"
        command = [sys.executable, "-c", code, "generate", "--events", "1000000000"]
        with subprocess.Popen(command, stdout=subprocess.PIPE, cwd=ROOT) as process:
            try:
                assert process.stdout is not None
                ready, _, _ = select.select([process.stdout], [], [], 60)
                assert ready, "nothing written within a minute"
                assert json.loads(process.stdout.readline())
                assert process.poll() is None
            finally:
                process.kill()

    def test_memory_does_not_grow_with_the_log(self) -> None:
        """Making 100,000 lines (17 MB) never holds 1 MB."""
        tracemalloc.start()
        try:
            for _ in stream(1, events=100_000, mix="agents"):
                pass
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert peak < 1_000_000

    @pytest.mark.parametrize("mix", MIXES)
    @settings(max_examples=3)
    @given(seed=st.integers(0, 2**32))
    def test_the_model_holds_a_bounded_state(self, mix: str, seed: int) -> None:
        """However many agents come and go, the model follows at most its mix's crowd of
        records, and holds a bounded number of entries for them (faults included)."""
        c, fleet = Seeded(seed), Fleet(mix=MIXES[mix])
        largest = 0
        while fleet.created < 600:
            if not fleet.mix.leaks and c.number(0, 49) == 0:
                inject(c, fleet)
            move(c, fleet)
            fleet.drain()
            largest = max(largest, fleet.size())
            assert len(fleet.agents) <= fleet.mix.crowd
        assert largest <= 12 * fleet.mix.crowd + 100


class TestDeterminism:
    @pytest.mark.parametrize("mix", MIXES)
    def test_the_same_seed_gives_the_same_bytes(self, mix: str, tmp_path: Path) -> None:
        """Two runs of the command with one seed write the same file; another seed does not."""
        outputs = []
        for seed in (5, 5, 6):
            target = tmp_path / f"{seed}-{len(outputs)}.jsonl"
            result = run_cli("generate", "--mix", mix, "--seed", str(seed), "--events", "3000",
                             "-o", str(target))  # fmt: skip
            assert 0 == result.returncode, result.stderr
            outputs.append(target.read_bytes())
        assert outputs[0] == outputs[1] != outputs[2]
        assert 3000 == outputs[0].count(b"\n")

    def test_generate_collects_the_stream(self) -> None:
        """`generate` is the stream's chunks joined, faults and all."""
        log = generate(4, events=5000, faults=True, mix="agents")
        chunks = list(stream(4, events=5000, faults=True, mix="agents"))
        assert list(log.lines) == [line for lines, _ in chunks for line in lines]
        assert list(log.faults) == [fault for _, faults in chunks for fault in faults]
        assert 5000 == len(log.lines)


class TestMixes:
    def test_messages_are_mostly_messages(self) -> None:
        """The default mix: four lines in five are messages, with restarts now and then."""
        log = generate(1, events=20_000)
        assert 0.7 < variants(log)["MessagePosted"] / len(log.lines) < 0.9
        assert reconcile_stops(log) > 0

    def test_agents_are_mostly_agent_events(self) -> None:
        """At least half the lines are agent events, about one new agent in ten lines, and
        restarts stop and then resume the running agents."""
        log = generate(1, events=50_000, mix="agents")
        counts = variants(log)
        assert agent_share(log) >= 0.5
        assert 0.08 < counts["AgentCreated"] / len(log.lines) < 0.12
        assert reconcile_stops(log) > 100
        restart = next(i for i, line in enumerate(log.lines) if RESTART.encode() in line)
        after = log.lines[restart:]
        resumed = next(line for line in after if not line.startswith(b'{"AgentStopped"'))
        assert resumed.startswith(b'{"AgentResumed"')

    def test_no_restarts_has_no_reconcile(self) -> None:
        """The day repeated without restarts: agent-heavy, and no reconcile stop at all."""
        log = generate(1, events=20_000, mix="no-restarts")
        assert agent_share(log) >= 0.5
        assert 0 == reconcile_stops(log)

    @pytest.mark.parametrize("semantics", ["d11b83e", "3d1b4c5d", "proposed"])
    @pytest.mark.parametrize("mix", ["messages", "agents"])
    def test_a_daemon_that_restarts_breaks_no_rule(self, mix: str, semantics: str) -> None:
        """Without faults, the messages and agents mixes give no finding."""
        log = generate(2, events=20_000, mix=mix, semantics=semantics)
        assert [] == [(f.line, f.rule) for f in replay(list(log.lines), semantics)]

    def test_a_daemon_never_restarted_leaks_records(self) -> None:
        """Records left running share names, channels and pids with newer ones; sessions
        lost leave records in limbo."""
        log = generate(1, events=60_000, mix="no-restarts")
        found = Counter(f.rule for f in replay(list(log.lines)))
        for rule in ("pid-reuse", "duplicate-running-name", "duplicate-running-lead-channel",
                     "stale-pid", "limbo-unresolved"):  # fmt: skip
            assert found[rule] > 0, rule

    @pytest.mark.parametrize("seed", range(4))
    def test_agents_faults_are_exactly_the_findings(self, seed: int) -> None:
        """With --faults, the agent-heavy mix's expected findings are its findings."""
        log = generate(seed, events=3000, faults=True, mix="agents")
        assert log.faults
        found = {(f.line, f.rule) for f in replay(list(log.lines))}
        assert {(fault.line, fault.rule) for fault in log.faults} == found


class TestCommand:
    @pytest.mark.parametrize("faults", [True, False])
    def test_expect_lists_the_faults_as_a_report_would(self, faults: bool, tmp_path: Path) -> None:
        """--expect, written fault by fault, is the indented JSON of the injected faults."""
        log, expected = tmp_path / "log.jsonl", tmp_path / "expected.json"
        args = ["--seed", "3", "--events", "2000", "--mix", "agents"] + ["--faults"] * faults
        result = run_cli("generate", *args, "-o", str(log), "--expect", str(expected))
        assert 0 == result.returncode, result.stderr
        made = generate(3, events=2000, mix="agents", faults=faults)
        assert bool(made.faults) == faults
        findings = [{"line": f.line, "rule": f.rule} for f in made.faults]
        document = {"semantics": "d11b83e", "findings": findings}
        assert json_bytes(document) == expected.read_bytes()
        assert made.data() == log.read_bytes()

    def test_faults_need_a_mix_that_breaks_no_rule(self, tmp_path: Path) -> None:
        """--faults with --mix no-restarts is a usage error: its findings could not be listed."""
        result = run_cli("generate", "--faults", "--mix", "no-restarts", "-o",
                         str(tmp_path / "log.jsonl"))  # fmt: skip
        assert 2 == result.returncode
        assert "--faults" in result.stderr.splitlines()[-1]
        assert not (tmp_path / "log.jsonl").exists()


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class TestProgress:
    @pytest.mark.parametrize("terminal", [True, False])
    def test_a_bar_only_on_a_terminal(
        self, terminal: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """On a terminal a bar counts the lines made, then clears; elsewhere stderr stays
        empty (the log is the same either way)."""
        stderr = _Terminal() if terminal else io.StringIO()
        monkeypatch.setattr(sys, "stderr", stderr)
        monkeypatch.setattr(generate_command, "PROGRESS_AFTER", 0.0)
        monkeypatch.delenv("CI", raising=False)
        target = tmp_path / "log.jsonl"
        args = ["--events", "40000", "-o", str(target)]
        generate_command.generate.main(args, standalone_mode=False)
        assert generate(0, events=40000).data() == target.read_bytes()
        shown = stderr.getvalue()
        if terminal:
            assert ["41%", "83%"] == re.findall(r"\d+%", shown)  # every 16,384 lines
            assert shown.startswith("\rgenerating [")
            assert shown.endswith("\r\x1b[2K")
        else:
            assert "" == shown

    def test_no_bar_in_ci(self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
        """CI logs are not terminals, whatever stderr says."""
        stderr = _Terminal()
        monkeypatch.setattr(sys, "stderr", stderr)
        monkeypatch.setattr(generate_command, "PROGRESS_AFTER", 0.0)
        monkeypatch.setenv("CI", "true")
        generate_command.generate.main(["-o", str(tmp_path / "log")], standalone_mode=False)
        assert "" == stderr.getvalue()


def test_the_command_offers_every_mix() -> None:
    """The command's --mix choices are the generator's mixes (named without importing it)."""
    assert tuple(MIXES) == generate_command.MIXES
