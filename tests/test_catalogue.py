"""The rule catalogue is the one list of rules: the spec, messages and docs agree with it."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from itertools import takewhile
from pathlib import Path
from typing import cast, get_args

import pytest

from lifecheck.checker.rules.messages import TRANSITION_MESSAGES
from lifecheck.spec import LIFECYCLE, InvalidSpec, State, Transition
from lifecheck.spec.catalogue import (
    RULES,
    Family,
    Rule,
    RuleId,
    check_catalogue,
    markdown_table,
    rules_of,
)
from lifecheck.spec.graph import enters_forbidden
from lifecheck.spec.lifecycle import LIMBO, STOPPED

ROOT = Path(__file__).parents[1]
ROW = re.compile(r"^\| `([a-z-]+)` \| (error|warning|info) \| (?:([a-z]+) \| )?(.+) \|$")


def _table(text: str, header: str) -> str:
    """The Markdown table that starts at ``header``: the header and its following rows."""
    lines = text[text.index(header) :].splitlines(keepends=True)
    return "".join(takewhile(lambda line: line.startswith("|"), lines))


def _odd(rule_id: str) -> RuleId:
    """A rule id that only untyped code could write."""
    return cast("RuleId", rule_id)


def _section(text: str, title: str) -> str:
    """A ``## title`` section of a Markdown file, up to the next ``## ``."""
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else None]


class TestCatalogue:
    def test_rules_follow_the_rule_id_type(self) -> None:
        """Every RuleId once, in RuleId's order, each keyed by its own id."""
        assert get_args(RuleId) == tuple(RULES)
        assert all(key == rule.id for key, rule in RULES.items())

    def test_every_rule_has_a_summary_and_help(self) -> None:
        """One line to summarise it, and a help text saying what a finding means."""
        for rule in RULES.values():
            assert rule.summary
            assert not {"\n", "|"} & set(rule.summary)
            assert rule.help.endswith(".")

    @pytest.mark.parametrize("rule", RULES.values(), ids=list(RULES))
    def test_every_rule_says_what_to_do_in_one_sentence(self, rule: Rule) -> None:
        """An imperative sentence that fits on one line under a finding as its explanation
        does (80 characters): a capital first, one full stop, at its end; not in the help."""
        action = rule.action
        assert action[0].isupper()
        assert action.endswith(".")
        assert ". " not in action
        assert "\n" not in action
        assert len(action) <= 80
        assert action not in rule.help

    def test_every_family_has_rules(self) -> None:
        """The families are a closed set, and none is empty."""
        assert set(Family) == {rule.family for rule in RULES.values()}
        assert all(rules_of(family) for family in Family)
        assert len(RULES) == sum(len(rules_of(family)) for family in Family)

    @pytest.mark.parametrize(
        ("change", "problem"),
        [
            (lambda rules: rules[1:], r"missing: \['parse-error'\]"),
            (lambda rules: [*rules, rules[0]], r"listed twice: \['parse-error'\]"),
            (lambda rules: [replace(rules[0], id=_odd("parse-eror")), *rules[1:]], "not a RuleId"),
            (lambda rules: rules[::-1], "not in RuleId's order"),
        ],
    )
    def test_a_broken_catalogue_is_named(
        self, change: Callable[[list[Rule]], list[Rule]], problem: str
    ) -> None:
        """The import-time check names what is missing, extra, repeated or out of order."""
        with pytest.raises(ValueError, match=problem):
            check_catalogue(change(list(RULES.values())))


class TestCarriers:
    def test_exactly_the_table_families_have_carriers(self) -> None:
        """The spec carries the transition and state rules, and no other."""
        carried = {rule_id for rule_id in RULES if LIFECYCLE.carriers(rule_id)}
        assert {*rules_of(Family.TRANSITION), *rules_of(Family.STATE)} == carried

    def test_transition_rules_are_forbidden_pairs_and_state_rules_are_states(self) -> None:
        """Forbidden (state, event) pairs carry the transition family; forbidden states and
        entry rules the state family; every rule the spec names is in the catalogue."""
        pairs = {r for t in LIFECYCLE.transitions for r in t.rules}
        entered = {s.rule for s in LIFECYCLE.states if s.rule}
        entered |= {t.entry_rule for t in LIFECYCLE.transitions if t.entry_rule}
        assert set(rules_of(Family.TRANSITION)) == pairs
        assert set(rules_of(Family.STATE)) == entered
        assert pairs | entered <= set(RULES)

    def test_carriers_are_the_transitions_and_states_naming_the_rule(self) -> None:
        """A forbidden state carries its rule; forbidden pairs carry theirs, in table order."""
        assert (LIFECYCLE.state(LIMBO),) == LIFECYCLE.carriers("stale-pid")
        gc_lead = LIFECYCLE.carriers("gc-lead")
        assert gc_lead == tuple(t for t in LIFECYCLE.transitions if "gc-lead" in t.rules)
        assert all(
            isinstance(t, Transition) and t.event == "AgentGarbageCollected" and t.guard
            for t in gc_lead
        )
        assert () == LIFECYCLE.carriers("pid-reuse")

    def test_rule_on_entry_is_reported_exactly_on_entering_a_forbidden_state(self) -> None:
        """``rule_on_entry`` is set exactly for the transitions the diagrams mark as entering a
        forbidden state, and is the entry rule or the state's rule."""
        for t in LIFECYCLE.transitions:
            rule = LIFECYCLE.rule_on_entry(t)
            assert (rule is not None) == enters_forbidden(LIFECYCLE, t)
            if rule is not None:
                assert rule == (t.entry_rule or LIFECYCLE.state(t.target).rule)

    def test_a_rule_outside_the_catalogue_is_named(self) -> None:
        """A spec built from untyped data cannot name a rule the catalogue lacks."""
        extra = Transition(
            source=STOPPED, event="AgentStopped", target=STOPPED, rules=(_odd("stop-twice"),)
        )
        transitions = tuple(
            extra if (t.source, t.event) == (STOPPED, "AgentStopped") else t
            for t in LIFECYCLE.transitions
        )
        odd = State(name="odd", description="", invariants=(), rule=_odd("nope"))
        with pytest.raises(InvalidSpec, match="rules not in the catalogue") as caught:
            replace(LIFECYCLE, transitions=transitions)
        assert "stop-twice" in str(caught.value)
        with pytest.raises(InvalidSpec, match=r"rules not in the catalogue: \['odd: nope'\]"):
            replace(LIFECYCLE, states=(*LIFECYCLE.states, odd))


def test_every_transition_rule_has_a_message() -> None:
    """The messages of the table's rules are those of the transition family, no more."""
    assert set(rules_of(Family.TRANSITION)) == set(TRANSITION_MESSAGES)


class TestDocumentedTables:
    def test_readme_table_is_the_catalogue(self) -> None:
        """The README's "What it checks" table: id, severity and summary, in catalogue order."""
        section = _section((ROOT / "README.md").read_text(), "What it checks")
        table = _table(section, "| Rule | Severity | Fires when |")
        rows = [ROW.match(line) for line in table.splitlines()[2:]]
        assert [(r.id, str(r.severity), None, r.summary) for r in RULES.values()] == [
            m.groups() if m else None for m in rows
        ]
        assert markdown_table() == table

    def test_rules_md_table_is_the_catalogue(self) -> None:
        """docs/rules.md's table: id, severity, family and summary, in catalogue order."""
        text = (ROOT / "docs" / "rules.md").read_text()
        table = _table(text, "| Rule | Severity | Family | Fires when |")
        rows = [ROW.match(line) for line in table.splitlines()[2:]]
        assert [(r.id, str(r.severity), str(r.family), r.summary) for r in RULES.values()] == [
            m.groups() if m else None for m in rows
        ]
        assert markdown_table(family=True) == table

    def test_rules_md_explains_every_rule_under_its_family(self) -> None:
        """Each family has a section of docs/rules.md §4 that names each of its rules."""
        text = (ROOT / "docs" / "rules.md").read_text()
        for family in Family:
            heading = re.search(rf"^### `{family}`.*$", text, re.M)
            assert heading, family
            end = text.find("\n### ", heading.end())
            body = text[heading.end() : end if end != -1 else None]
            for rule_id in rules_of(family):
                assert f"`{rule_id}`" in body, (family, rule_id)
