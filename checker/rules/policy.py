"""What is reported: the rules selected, their severities, and the findings a baseline hides.

A :class:`Policy` is plain data (it travels to worker processes); :class:`Screen` applies
it to one input's findings as they are found, before anything counts them, so that the
report, its summary and the exit code agree. The default policy reports every finding as it
is.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import cast

from lifecheck.checker.rules.findings import Finding
from lifecheck.spec.catalogue import RULES, RuleId, Severity

#: Every rule, in ``--select`` and ``--ignore``.
ALL = "all"


class PolicyError(ValueError):
    """A rule id, severity or override that does not exist: a usage error, one line."""


@dataclass(frozen=True, slots=True)
class Policy:
    """``rules``: the rules reported; ``severities``: a severity per rule in place of the
    catalogue's; ``baseline``: fingerprints of findings not to report."""

    rules: frozenset[RuleId] = frozenset(RULES)
    severities: Mapping[RuleId, Severity] = field(default_factory=dict)
    baseline: frozenset[str] = frozenset()

    @classmethod
    def of(
        cls,
        *,
        select: Iterable[str] = (),
        ignore: Iterable[str] = (),
        severity: Iterable[str] = (),
        baseline: Iterable[str] = (),
    ) -> Policy:
        """A policy from option values: ``select`` and ``ignore`` hold comma-separated rule
        ids or ``all`` (nothing selected: all; ``ignore`` wins), ``severity`` holds
        ``RULE=LEVEL``; :class:`PolicyError` names what is unknown."""
        chosen = list(select)
        selected = rule_ids(chosen) if chosen else frozenset(RULES)
        return cls(
            rules=selected - rule_ids(ignore),
            severities=dict(map(_override, severity)),
            baseline=frozenset(baseline),
        )

    @property
    def is_default(self) -> bool:
        """Whether the policy reports every finding as it is."""
        return len(self.rules) == len(RULES) and not self.severities and not self.baseline


class Screen:
    """Applies a policy to one input's findings: those it reports go on to ``emit``, with
    their severity overridden; ``hidden`` counts, by rule, those the baseline hid."""

    __slots__ = ("_baseline", "_emit", "_rules", "_severities", "hidden")

    def __init__(self, policy: Policy, emit: Callable[[Finding], None]) -> None:
        self._rules = policy.rules
        self._severities = policy.severities
        self._baseline = policy.baseline
        self._emit = emit
        self.hidden: Counter[RuleId] = Counter()

    def __call__(self, finding: Finding) -> None:
        rule = finding.rule
        if rule not in self._rules:
            return
        if finding.fingerprint in self._baseline:
            self.hidden[rule] += 1
            return
        level = self._severities.get(rule)
        if level is not None and level is not finding.severity:
            finding = replace(finding, override=level)
        self._emit(finding)


def rule_ids(values: Iterable[str]) -> frozenset[RuleId]:
    """The rules named by comma-separated ids or ``all``; :class:`PolicyError` for an
    unknown one, naming the closest id."""
    named: set[RuleId] = set()
    for value in values:
        for word in filter(None, (part.strip() for part in value.split(","))):
            named.update(RULES if word == ALL else (known(word),))
    return frozenset(named)


def known(word: str) -> RuleId:
    """``word`` as a rule id; :class:`PolicyError` naming the closest id if it is none."""
    if word in RULES:
        return cast(RuleId, word)
    import difflib  # for a mistake only

    close = difflib.get_close_matches(word, [*RULES, ALL], n=1, cutoff=0.5)
    hint = f"did you mean {close[0]!r}?" if close else "'lifecheck rules' lists them"
    raise PolicyError(f"unknown rule {word!r} ({hint})")


def _override(value: str) -> tuple[RuleId, Severity]:
    rule, equals, level = value.partition("=")
    if not equals:
        raise PolicyError(f"--severity takes RULE=LEVEL, not {value!r}")
    rule_id, name = known(rule.strip()), level.strip().lower()
    if name not in set(Severity):
        levels = ", ".join(Severity)
        raise PolicyError(f"unknown severity {name!r} for {rule_id} (one of {levels})")
    return rule_id, Severity(name)
