"""Properties of the checker itself: splitting a log into a store, and the JSON report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lifecheck.checker import check_path, to_json
from lifecheck.checker.check import read_log
from lifecheck.checker.replay.engine import Replay
from lifecheck.spec import SEMANTICS
from lifecheck.testing.snapshot import snapshot_bytes
from lifecheck.testing.strategies import GeneratedLog, faulty_logs
from tests.logs import logs

#: Rules that depend on what the checker remembers of earlier lines (failed sessions, the
#: count of not-found lines), which a snapshot of the daemon's index does not hold.
MEMORY = {"stale-session-resumed", "zombie-running", "resume-loop"}
END_RULES = {"limbo-unresolved", "zombie-running"}


def findings_of(report_findings: object) -> set[tuple[str, int | None, str | None]]:
    return {(f.rule, f.line, f.agent_id) for f in report_findings if f.rule not in MEMORY}  # type: ignore[attr-defined]


@pytest.mark.parametrize("semantics", SEMANTICS)
@given(data=st.data())
def test_splitting_a_log_into_snapshot_and_rest_keeps_the_findings(
    semantics: str, data: st.DataObject, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Snapshot the index after line k, replay the rest: the findings after k are the same."""
    realistic = faulty_logs(semantics, max_moves=30).map(lambda log: list(log.lines))
    drawn = data.draw(st.one_of(realistic, logs(faults=False)))
    lines = [line for line in drawn if not line.startswith(b'{"AgentResumed":{"id":"legacy')]
    k = data.draw(st.integers(0, len(lines)))
    first = Replay(path="whole", semantics=semantics)
    read_log(first, lines[:k])
    store = tmp_path_factory.mktemp("store")
    (store / f"snapshot-{k:04d}.json").write_bytes(snapshot_bytes(first.index))
    (store / f"log-{k:04d}.jsonl").write_bytes(b"".join(line + b"\n" for line in lines[k:]))
    whole = Replay(path="whole", semantics=semantics)
    read_log(whole, lines)
    expected = set()
    for rule, line, agent in findings_of(whole.finish()):
        if line is not None and line > k:
            expected.add((rule, line - k, agent))
        elif rule in END_RULES:  # left by the first part: reported at the snapshot
            expected.add((rule, None, agent))
    assert expected == findings_of(check_path(str(store), semantics).findings)


@given(data=st.data())
def test_json_report_round_trips(
    data: st.DataObject, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The JSON report parses back to the same findings, in the same order."""
    log: GeneratedLog = data.draw(faulty_logs())
    path = tmp_path_factory.mktemp("log") / "log-0000.jsonl"
    path.write_bytes(log.data())
    report = check_path(str(path))
    document = json.loads(to_json([report], "d11b83e"))
    keys = ("rule", "severity", "path", "line", "agent_id", "agent_name", "message")
    assert [tuple(str(getattr(f, k)) for k in keys) for f in report.findings] == [
        tuple(str(f[k]) for k in keys) for f in document["findings"]
    ]
    assert Path(document["inputs"][0]["path"]) == path
