"""Hypothesis stateful tests: drive each projection model and watch the spec's state rules.

The quality tests check that Hypothesis finds PR #2330's bug (3d1b4c5d) and the stale pid
its fix leaves (d11b83e) by itself, shrunk to created -> started -> session-not-found, and
that the proposed fix survives the same machine.
"""

from __future__ import annotations

import json
from itertools import count

import pytest
from hypothesis import HealthCheck, assume, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    rule,
    run_state_machine_as_test,
)

from lifecheck.checker.reading import events as ev
from lifecheck.checker.reading.reader import decode_line
from lifecheck.checker.replay.engine import Replay

STATE_RULES = {"stale-pid", "running-without-session", "limbo-unresolved", "zombie-running"}


def lifecycle_machine(semantics: str) -> type[RuleBasedStateMachine]:
    """A state machine emitting only events the spec allows from each record's state."""

    class LifecycleMachine(RuleBasedStateMachine):
        agents = Bundle("agents")

        def __init__(self) -> None:
            super().__init__()
            self.replay = Replay(path="generated.jsonl", semantics=semantics)
            self.lines = 0
            self.ids = count(1)
            self.pids = count(4100)

        def emit(self, event: ev.Event) -> None:
            self.lines += 1
            self.replay.run([(self.lines, event)])

        def allowed(self, agent: str, event: str, **fields: object) -> bool:
            """The spec allows ``event`` in the record's state (no transition rule)."""
            record = self.replay.index.by_id[agent]
            decoded = decode_line(json.dumps({event: {"id": agent, **fields}}).encode())
            outcome = self.replay.outcome(record, decoded)
            return not outcome.rules

        @rule(target=agents, name=st.sampled_from(["btucker-reviewer", "midtown"]))
        def create(self, name: str) -> str:
            agent = f"a{next(self.ids)}"
            self.emit(ev.AgentCreated(id=agent, name=name, kind="Worker",
                                      agent_type="midtown-code-reviewer",
                                      provider="ClaudeCode"))  # fmt: skip
            return agent

        @rule(agent=agents)
        def start(self, agent: str) -> None:
            assume(self.allowed(agent, "AgentStarted", pid=1, session_id="s"))
            self.emit(ev.AgentStarted(id=agent, pid=next(self.pids), session_id=f"sess-{agent}"))

        @rule(agent=agents)
        def stop(self, agent: str) -> None:
            assume(self.allowed(agent, "AgentStopped", reason="process exited"))
            self.emit(ev.AgentStopped(id=agent, reason="process exited"))

        @rule(agent=agents)
        def resume(self, agent: str) -> None:
            assume(self.allowed(agent, "AgentResumed", pid=1))
            self.emit(ev.AgentResumed(id=agent, pid=next(self.pids)))

        @rule(agent=agents)
        def session_not_found(self, agent: str) -> None:
            index = self.replay.index
            assume(index.by_name.get(index.by_id[agent].name) == agent)
            assume(agent in index.running)
            self.emit(ev.AgentSessionNotFound(name=index.by_id[agent].name))

        @rule(agent=agents)
        def collect(self, agent: str) -> None:
            assume(self.allowed(agent, "AgentGarbageCollected"))
            self.emit(ev.AgentGarbageCollected(id=agent))

        @invariant()
        def no_forbidden_state(self) -> None:
            broken = [f for f in self.replay.findings if f.rule in STATE_RULES]
            assert not broken, "; ".join(f"{f.rule}: {f.message}" for f in broken)

    LifecycleMachine.__name__ = LifecycleMachine.__qualname__ = "LifecycleMachine"
    return LifecycleMachine


SEARCH = settings(max_examples=300, stateful_step_count=12, derandomize=True, database=None,
                  deadline=None, suppress_health_check=list(HealthCheck))  # fmt: skip

#: The falsifying example exactly as Hypothesis prints it: three steps, invariant checked
#: after each.
PR_2330_PROGRAM = [
    "state = LifecycleMachine()",
    "state.no_forbidden_state()",
    "agents_0 = state.create(name='btucker-reviewer')",
    "state.no_forbidden_state()",
    "state.start(agent=agents_0)",
    "state.no_forbidden_state()",
    "state.session_not_found(agent=agents_0)",
    "state.no_forbidden_state()",
    "state.teardown()",
]


def falsifying_program(semantics: str) -> tuple[list[str], str]:
    """Run the machine until Hypothesis fails it; return the printed steps and the error."""
    with pytest.raises(AssertionError) as failure:
        run_state_machine_as_test(lifecycle_machine(semantics), settings=SEARCH)
    notes = getattr(failure.value, "__notes__", [])  # Hypothesis prints the program here
    steps = [line for note in notes for line in note.splitlines()
             if line.startswith(("state", "agents"))]  # fmt: skip
    return steps, str(failure.value)


@pytest.mark.quality
class TestHypothesisFindsPr2330:
    def test_before_the_fix_it_finds_running_without_session(self) -> None:
        """Under 3d1b4c5d the shrunk program is created, started, session-not-found."""
        steps, error = falsifying_program("3d1b4c5d")
        assert PR_2330_PROGRAM == steps
        assert error.startswith("running-without-session")

    def test_after_the_fix_it_finds_the_stale_pid(self) -> None:
        """Under d11b83e the same three steps leave a stale pid."""
        steps, error = falsifying_program("d11b83e")
        assert PR_2330_PROGRAM == steps
        assert error.startswith("stale-pid")


def test_the_proposed_fix_breaks_no_state_rule() -> None:
    """Under proposed, no valid lifecycle the machine finds reaches a forbidden state."""
    run_state_machine_as_test(lifecycle_machine("proposed"), settings=SEARCH)
