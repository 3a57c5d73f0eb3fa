"""The JUnit XML report: one test suite per input, one test case per rule of the catalogue.

A failing case's message is ``RULE: N findings: SUMMARY``; its text has a line per finding
as the text report writes it (``path:line: severity rule: name (short id): message``), then
what to do about the rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.etree import ElementTree as ET

from lifecheck.checker.reports.data import InputReport
from lifecheck.checker.reports.printable import printable
from lifecheck.checker.reports.text import render_finding
from lifecheck.checker.rules.findings import Finding
from lifecheck.spec.catalogue import RULES, RuleId, Severity

_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


def to_junit(reports: Sequence[InputReport], semantics: str, fail_on: Severity) -> bytes:
    """A rule's test case fails when it has findings at ``fail_on`` or worse; lesser findings
    go to the case's standard output, and an unreadable input is an error case."""
    suites = ET.Element("testsuites", name="lifecheck")
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for report in reports:
        suite = ET.SubElement(suites, "testsuite", name=printable(report.path))
        properties = ET.SubElement(suite, "properties")
        for name, value in (("semantics", semantics), ("events", report.events),
                            ("agents", report.agents)):  # fmt: skip
            ET.SubElement(properties, "property", name=name, value=str(value))
        if report.error:
            counts = _input_error(suite, report)
        else:
            counts = _rule_cases(suite, report, fail_on)
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
    for key, value in totals.items():
        suites.set(key, str(value))
    ET.indent(suites)
    document: bytes = ET.tostring(suites, encoding="utf-8", xml_declaration=True)
    return document + b"\n"


def _rule_cases(suite: ET.Element, report: InputReport, fail_on: Severity) -> dict[str, int]:
    by_rule: dict[RuleId, list[Finding]] = {}
    for finding in sorted(report.findings, key=Finding.sort_key):
        by_rule.setdefault(finding.rule, []).append(finding)
    failures = 0
    for rule in RULES.values():
        case = ET.SubElement(suite, "testcase", classname="lifecheck", name=rule.id)
        found = by_rule.get(rule.id, [])
        if not found:
            continue
        text = "\n".join(map(render_finding, found))  # printable: the XML stays valid
        severity = found[0].severity  # the rule's, unless the policy set another
        if _RANK[severity] >= _RANK[fail_on]:
            failures += 1
            count = f"{len(found)} finding{'s' if len(found) > 1 else ''}"
            failure = ET.SubElement(case, "failure", type=str(severity),
                                    message=f"{rule.id}: {count}: {rule.summary}")  # fmt: skip
            failure.text = f"{text}\nwhat to do: {rule.action}"
        else:
            ET.SubElement(case, "system-out").text = text
    return {"tests": len(RULES), "failures": failures, "errors": 0}


def _input_error(suite: ET.Element, report: InputReport) -> dict[str, int]:
    case = ET.SubElement(suite, "testcase", classname="lifecheck", name="read")
    ET.SubElement(case, "error", message=printable(report.error or ""), type="unreadable")
    return {"tests": 1, "failures": 0, "errors": 1}
