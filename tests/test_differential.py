"""lifecheck agrees exactly with an independent, naive implementation of docs/rules.md."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings

from lifecheck.checker.check import check_path, read_log
from lifecheck.checker.replay.engine import Replay
from lifecheck.testing.strategies import generate
from tests import oracle, oracle_store
from tests.logs import logs
from tests.stores import stores


def lifecheck(lines: list[bytes], semantics: str) -> dict[str, object]:
    replay = Replay(path="log.jsonl", semantics=semantics)
    events = read_log(replay, lines)
    findings = [
        {"rule": f.rule, "severity": str(f.severity), "path": f.path, "line": f.line,
         "agent_id": f.agent_id, "agent_name": f.agent_name}
        for f in replay.finish()
    ]  # fmt: skip
    key = lambda f: (f["path"], f["line"], f["rule"], f["agent_id"] or "", f["agent_name"] or "")
    agents = len(replay.index.by_id) if replay.daemon_starts else 0  # nothing replayed
    return {"events": events, "agents": agents, "findings": sorted(findings, key=key)}


@pytest.mark.parametrize("semantics", ["d11b83e", "3d1b4c5d", "proposed"])
@settings(max_examples=400)
@given(lines=logs())
def test_findings_match_the_oracle(semantics: str, lines: list[bytes]) -> None:
    """Every finding, line and agent agrees with the oracle on random collision-heavy logs."""
    assert oracle.check_lines(lines, "log.jsonl", semantics) == lifecheck(lines, semantics)


@pytest.mark.parametrize("seed", range(20))
def test_generated_logs_match_the_oracle(seed: int) -> None:
    """Logs from `lifecheck generate --faults --seed N` get the oracle's findings exactly."""
    log = generate(seed, events=2000, agents=30, faults=True)
    assert oracle.check_lines(list(log.lines), "log.jsonl") == lifecheck(list(log.lines), "d11b83e")


def lifecheck_store(directory: str, semantics: str) -> dict[str, object]:
    report = check_path(directory, semantics)
    assert report.error is None, report.error
    findings = [
        {"rule": f.rule, "severity": str(f.severity), "path": f.path, "line": f.line,
         "agent_id": f.agent_id, "agent_name": f.agent_name}
        for f in report.findings
    ]  # fmt: skip
    key = lambda f: (f["path"], -1 if f["line"] is None else f["line"], f["rule"],
                     f["agent_id"] or "", f["agent_name"] or "")  # fmt: skip
    return {"events": report.events, "agents": report.agents,
            "findings": sorted(findings, key=key)}  # fmt: skip


@pytest.mark.parametrize("semantics", ["d11b83e", "3d1b4c5d"])
@settings(max_examples=100)
@given(files=stores())
def test_stores_match_the_oracle(semantics: str, files: dict[str, bytes]) -> None:
    """Snapshot choice, recovery failures, contradicting snapshots and the replay from a
    snapshot agree with the oracle on random stores."""
    with tempfile.TemporaryDirectory() as directory:
        for name, data in files.items():
            Path(directory, name).write_bytes(data)
        expected = oracle_store.check_store(directory, semantics)
        assert expected == lifecheck_store(directory, semantics)
