"""The lifecycle spec: its self-checks, its rule ids, and its two executable forms."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lifecheck.spec import LIFECYCLE, SEMANTICS, InvalidSpec, Spec, State, Transition, when
from lifecheck.spec.catalogue import RULES
from lifecheck.spec.lifecycle import COLLECTED, CREATED, LIMBO, RUNNING, SESSIONLESS, STOPPED
from lifecheck.spec.machine import build_machine
from lifecheck.spec.tables import compile_table
from lifecheck.spec.validate import validate

FACTS = (*LIFECYCLE.record_facts, *LIFECYCLE.event_facts)


def rebuilt(**changes: object) -> Spec:
    """The built-in spec with some fields replaced (and so validated again)."""
    fields = {f.name: getattr(LIFECYCLE, f.name) for f in dataclasses.fields(Spec) if f.init}
    return Spec(**(fields | changes))  # type: ignore[arg-type]


def retargeted(predicate: object, target: str) -> Spec:
    """The built-in spec with the transitions matching ``predicate`` sent to ``target``."""
    return rebuilt(transitions=tuple(
        dataclasses.replace(t, target=target) if predicate(t) else t  # type: ignore[operator]
        for t in LIFECYCLE.transitions))  # fmt: skip


def without(predicate: object) -> tuple[Transition, ...]:
    return tuple(t for t in LIFECYCLE.transitions if not predicate(t))  # type: ignore[operator]


class TestBuiltInSpec:
    def test_has_the_required_states(self) -> None:
        """Created, running, stopped, garbage-collected and the two forbidden states exist."""
        names = {state.name for state in LIFECYCLE.states}
        assert {CREATED, RUNNING, STOPPED, COLLECTED, SESSIONLESS, LIMBO} == names

    def test_forbidden_states_carry_their_rules(self) -> None:
        """The two states the daemon can produce are tied to the state rules of docs/rules.md."""
        forbidden = {s.name: s.rule for s in LIFECYCLE.states if s.forbidden}
        assert {SESSIONLESS: "running-without-session", LIMBO: "stale-pid"} == forbidden

    def test_every_rule_id_is_in_the_catalogue(self) -> None:
        """Every rule the spec names is a rule of docs/rules.md."""
        named = {r for t in LIFECYCLE.transitions for r in (*t.rules, t.entry_rule) if r}
        named |= {s.rule for s in LIFECYCLE.states if s.rule}
        assert named <= set(RULES)

    def test_forbidden_pairs_cover_the_lifecycle_rules(self) -> None:
        """The per-record transition rules of docs/rules.md all live in the table."""
        named = {r for t in LIFECYCLE.transitions for r in t.rules}
        assert {
            "duplicate-id", "event-after-gc", "start-while-running", "resume-while-running",
            "resume-without-session", "stop-not-running", "gc-running", "gc-lead",
            "gc-not-stopped",
        } == named  # fmt: skip

    def test_only_session_not_found_differs_between_versions(self) -> None:
        """The daemon versions differ exactly in what AgentSessionNotFound does."""
        versioned = {t.event for t in LIFECYCLE.transitions if t.semantics}
        assert {"AgentSessionNotFound"} == versioned

    def test_spec_package_imports_nothing_from_the_project(self) -> None:
        """spec/ is pure: it imports only itself and third-party packages."""
        for path in Path("spec").glob("*.py"):
            tree = ast.parse(path.read_text())
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom) and node.module:
                    assert not node.module.startswith("checker"), path


class TestSelfChecks:
    def test_the_lifecycle_passes_every_check(self) -> None:
        """The shipped spec passes the graph checks too, which construction does not run."""
        validate(LIFECYCLE)

    def test_unreachable_state_is_named(self) -> None:
        """A state no allowed transition reaches is named with the version."""
        with pytest.raises(
            InvalidSpec, match=r"unreachable from 'created' under \w+: \['running'\]"
        ):
            validate(retargeted(lambda t: t.target == RUNNING != t.source, STOPPED))

    def test_construction_runs_only_the_table_checks(self) -> None:
        """Building a spec with an unreachable state succeeds; validate() rejects it."""
        spec = retargeted(lambda t: t.target == RUNNING != t.source, STOPPED)
        with pytest.raises(InvalidSpec, match="unreachable"):
            validate(spec)

    def test_an_undeclared_creation_event_is_named(self) -> None:
        with pytest.raises(InvalidSpec, match=r"creation event not declared: \['AgentBorn'\]"):
            rebuilt(creation="AgentBorn")

    def test_dead_end_is_named(self) -> None:
        """A state with no path to garbage-collected is named."""
        with pytest.raises(InvalidSpec) as caught:
            validate(retargeted(lambda t: t.source == LIMBO and not t.forbidden, LIMBO))
        assert any("no path to 'garbage-collected'" in p and "'limbo'" in p
                   for p in caught.value.problems)  # fmt: skip

    def test_missing_pair_is_named(self) -> None:
        """A (state, event) pair with no transition is named with its guard facts."""
        with pytest.raises(
            InvalidSpec, match=r"no transition under \w+: \['stopped --AgentStateReported'\]"
        ):
            rebuilt(transitions=without(
                lambda t: t.source == STOPPED and t.event == "AgentStateReported"))  # fmt: skip

    def test_nondeterminism_is_named(self) -> None:
        """Two allowed transitions enabled at once are named."""
        extra = Transition(source=STOPPED, event="AgentStopFailed", target=CREATED)
        with pytest.raises(
            InvalidSpec, match=r"nondeterministic .*\['stopped --AgentStopFailed'\]"
        ):
            rebuilt(transitions=(*LIFECYCLE.transitions, extra))

    def test_allowed_and_forbidden_pair_is_named(self) -> None:
        """A pair that is both allowed and forbidden is named."""
        extra = Transition(source=STOPPED, event="AgentStopFailed", target=STOPPED, rules=("x",))
        with pytest.raises(
            InvalidSpec, match=r"both allowed and forbidden .*'stopped --AgentStopFailed'"
        ):
            rebuilt(transitions=(*LIFECYCLE.transitions, extra))

    def test_every_offender_is_named_not_just_the_first(self) -> None:
        """Several problems are all reported, each with all its offenders."""
        broken = (
            Transition(source="nowhere", event="AgentStopped", target=STOPPED),
            Transition(source=STOPPED, event="AgentTeleported", target=STOPPED),
            Transition(source=STOPPED, event="AgentStopped", target=STOPPED,
                       guard=when(moon_is_full=True)),
        )  # fmt: skip
        with pytest.raises(InvalidSpec) as caught:
            rebuilt(transitions=(*LIFECYCLE.transitions, *broken))
        problems = "\n".join(caught.value.problems)
        assert "undeclared states" in problems
        assert "nowhere" in problems
        assert "undeclared events" in problems
        assert "AgentTeleported" in problems
        assert "undeclared facts" in problems
        assert "moon_is_full" in problems

    def test_states_must_partition_the_records(self) -> None:
        """Record facts that fall in no state, or in two, are named."""
        states = tuple(s for s in LIFECYCLE.states if s.name != LIMBO)
        overlap = State(name="also-running", description="", invariants=when(running=True))
        with pytest.raises(InvalidSpec) as caught:
            rebuilt(states=(*states, overlap), transitions=without(
                lambda t: LIMBO in (t.source, t.target)))  # fmt: skip
        problems = "\n".join(caught.value.problems)
        assert "record facts in no state" in problems
        assert "record facts in several states" in problems

    def test_guard_contradicting_its_state_is_named(self) -> None:
        """A transition that can never fire because its guard contradicts its source is named."""
        dead = Transition(source=RUNNING, event="AgentStopFailed", target=RUNNING,
                          guard=when(running=False))  # fmt: skip
        with pytest.raises(InvalidSpec, match="guard contradicts their source state"):
            rebuilt(transitions=(*LIFECYCLE.transitions, dead))


def _facts_for(state: str, draw: st.DrawFn) -> dict[str, bool]:
    facts = {fact: draw(st.booleans()) for fact in FACTS}
    return facts | {c.fact: c.holds for c in LIFECYCLE.state(state).invariants}


class TestTablesAgreeWithTheMachine:
    @given(data=st.data())
    def test_random_sequences(self, data: st.DataObject) -> None:
        """The compiled tables and the transitions machine agree on every step."""
        semantics = data.draw(st.sampled_from(SEMANTICS))
        state = data.draw(st.sampled_from([s.name for s in LIFECYCLE.states]))
        machine = build_machine(LIFECYCLE, semantics, initial=state)
        table = compile_table(LIFECYCLE, semantics)
        for _ in range(data.draw(st.integers(1, 30))):
            event = data.draw(st.sampled_from(LIFECYCLE.events))
            facts = _facts_for(state, data.draw)
            outcome = table[state][event].outcome(facts)
            machine.reported.clear()
            assert machine.trigger(event, facts=facts)
            assert (outcome.target, list(outcome.rules)) == (machine.state, machine.reported)
            state = outcome.target

    def test_tables_are_total(self) -> None:
        """Every (state, event) has an outcome for every consistent assignment of its facts."""
        for semantics in SEMANTICS:
            table = compile_table(LIFECYCLE, semantics)
            for state in LIFECYCLE.states:
                for event in LIFECYCLE.events:
                    assert table[state.name][event].outcomes, (semantics, state.name, event)
