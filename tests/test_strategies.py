"""The log strategies: valid logs are clean, injected faults are found where injected."""

from __future__ import annotations

from collections import defaultdict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lifecheck.checker.reading.reader import decode_line
from lifecheck.spec import SEMANTICS
from lifecheck.testing.strategies import (
    FAULTS,
    GeneratedLog,
    agent_events,
    event_line,
    faulty_logs,
    generate,
    valid_logs,
)
from tests.builders import replay


@pytest.mark.parametrize("semantics", SEMANTICS)
@given(data=st.data())
def test_valid_logs_give_no_finding(semantics: str, data: st.DataObject) -> None:
    """A valid log breaks no rule of the semantics it was generated for."""
    log = data.draw(valid_logs(semantics))
    assert [] == [(f.line, f.rule, f.message) for f in replay(list(log.lines), semantics)]


@pytest.mark.parametrize("semantics", SEMANTICS)
@given(data=st.data())
def test_injected_faults_are_found_exactly_where_injected(
    semantics: str, data: st.DataObject
) -> None:
    """Each fault's line gives exactly its rule; no other line gives anything."""
    log: GeneratedLog = data.draw(faulty_logs(semantics))
    found: dict[int | None, set[str]] = defaultdict(set)
    for finding in replay(list(log.lines), semantics):
        found[finding.line].add(finding.rule)
    assert {fault.line: {fault.rule} for fault in log.faults} == dict(found)


@settings(max_examples=300)
@given(log=faulty_logs())
def test_faults_cover_the_catalogue(log: GeneratedLog) -> None:
    """Every injected rule is one the generator declares."""
    assert {fault.rule for fault in log.faults} <= set(FAULTS)


@pytest.mark.parametrize("seed", range(12))
def test_generated_faults_are_exactly_the_findings(seed: int) -> None:
    """`lifecheck generate --faults --seed N`: the expected findings are the findings."""
    log = generate(seed, events=3000, agents=40, faults=True)
    found = {(f.line, f.rule) for f in replay(list(log.lines))}
    assert {(fault.line, fault.rule) for fault in log.faults} == found
    assert 3000 == len(log.lines)


def test_generated_logs_inject_every_fault() -> None:
    """The seeds above inject every fault the generator declares, the fork bugs included."""
    logs = [generate(seed, events=3000, agents=40, faults=True) for seed in range(12)]
    injected = {fault.rule for log in logs for fault in log.faults}
    assert set(FAULTS) == injected


def test_generate_is_deterministic() -> None:
    """The same seed gives the same bytes."""
    assert generate(3, events=500).data() == generate(3, events=500).data()


@given(event=agent_events())
def test_every_generated_event_reads_back(event: object) -> None:
    """Each agent event strategy writes a line the reader decodes to the same event."""
    assert event == decode_line(event_line(event))


def test_a_logs_text_is_its_bytes_decoded() -> None:
    log = generate(5, events=300, faults=True)
    assert isinstance(log.text(), str)
    assert log.text().encode(errors="surrogateescape") == log.data()
