"""The SARIF 2.1.0 report: what code-scanning services (GitHub, GitLab, IDEs) read."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from heapq import merge
from importlib import metadata
from pathlib import PurePath
from typing import Any
from urllib.parse import quote

from lifecheck.checker.reports.data import InputReport
from lifecheck.checker.reports.jsonstream import streamed
from lifecheck.checker.reports.printable import printable
from lifecheck.checker.rules.findings import Finding
from lifecheck.spec.catalogue import RULES, RuleId, Severity

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
#: The key of a result's fingerprint (:mod:`lifecheck.checker.rules.fingerprints`).
FINGERPRINT = "lifecheck/v1"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def to_sarif(reports: Sequence[InputReport], semantics: str) -> bytes:
    """One run of lifecheck: every rule's metadata, one result per finding."""
    return b"".join(sarif_chunks(reports, semantics))


def sarif_chunks(reports: Sequence[InputReport], semantics: str) -> Iterator[bytes]:
    """:func:`to_sarif` a result at a time, as the findings are read."""
    order = {rule_id: number for number, rule_id in enumerate(RULES)}
    findings = merge(*(r.findings for r in reports), key=Finding.sort_key)
    unreadable = [r for r in reports if r.error is not None]
    version = metadata.version("lifecheck")
    run = {
        "tool": {
            "driver": {
                "name": "lifecheck",
                "version": version,
                "semanticVersion": version,
                "rules": [_descriptor(rule_id) for rule_id in RULES],
            }
        },
        "invocations": [
            {
                "executionSuccessful": not unreadable,
                "toolExecutionNotifications": [
                    {"level": "error", "message": {"text": printable(r.error or "")}}
                    for r in unreadable
                ],
            }
        ],
        "results": [],
        "properties": {"semantics": semantics},
    }
    document = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
    return streamed(document, "results", (_result(f, order[f.rule]) for f in findings))


def _descriptor(rule_id: RuleId) -> dict[str, Any]:
    rule = RULES[rule_id]
    return {
        "id": rule.id,
        "name": "".join(word.capitalize() for word in rule.id.split("-")),
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.help},
        "help": {"text": f"{rule.summary}. {rule.help} {rule.action}"},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
    }


def _result(finding: Finding, rule_index: int) -> dict[str, Any]:
    location: dict[str, Any] = {"artifactLocation": {"uri": uri(finding.path)}}
    if finding.line is not None:
        location["region"] = {"startLine": finding.line}
    properties = {
        "agent_id": finding.agent_id,
        "agent_name": finding.agent_name,
        "related": list(finding.related),
        "before": finding.before,
        "after": finding.after,
        "dropped": finding.dropped,
    }
    evidence, explanation = finding.explained()
    text = "\n".join(filter(None, (printable(finding.message), explanation)))
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "level": LEVELS[finding.severity],
        "message": {"text": text},
        "locations": [{"physicalLocation": location}],
        "properties": {key: value for key, value in properties.items() if value not in (None, [])},
    }
    if finding.fingerprint is not None:
        result["partialFingerprints"] = {FINGERPRINT: finding.fingerprint}
    related = [e for e in evidence if (e.path, e.line) != (finding.path, finding.line)]
    if related:
        result["relatedLocations"] = [
            {
                "id": number,
                "physicalLocation": {"artifactLocation": {"uri": uri(e.path)}}
                | ({} if e.line is None else {"region": {"startLine": e.line}}),
                "message": {"text": e.what},
            }
            for number, e in enumerate(related)
        ]
    return result


def uri(path: str) -> str:
    """A path as a SARIF artifact URI: relative stays relative, absolute is a file URI; the
    path's own bytes are percent-encoded (a name that is not UTF-8 included)."""
    pure = PurePath(path)
    return pure.as_uri() if pure.is_absolute() else quote(os.fsencode(pure.as_posix()))
