"""The baseline file: the fingerprints of findings accepted as known, readable by people.

``check --write-baseline FILE`` writes it; ``check --baseline FILE`` hides the findings it
records. It is a JSON object: ``tool`` ("lifecheck"), ``version`` (1), the ``semantics`` it
was written with, and ``findings``, each with its ``fingerprint`` (all that is read back)
and, for people, its rule, path, line, agent and message.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from heapq import merge
from typing import Literal

import msgspec

from lifecheck.checker.reports.data import InputReport
from lifecheck.checker.reports.jsonstream import streamed
from lifecheck.checker.reports.printable import printable
from lifecheck.checker.rules.findings import Finding

VERSION = 1


class _Entry(msgspec.Struct):
    fingerprint: str


class _Baseline(msgspec.Struct):
    tool: Literal["lifecheck"]
    version: Literal[1]
    findings: list[_Entry]


_decode = msgspec.json.Decoder(_Baseline).decode


def baseline_chunks(reports: Sequence[InputReport], semantics: str) -> Iterator[bytes]:
    """The baseline of ``reports``' findings, a finding at a time."""
    head = {"tool": "lifecheck", "version": VERSION, "semantics": semantics, "findings": []}
    findings = merge(*(r.findings for r in reports), key=Finding.sort_key)
    return streamed(head, "findings", map(_entry, findings))


def _entry(finding: Finding) -> dict[str, object]:
    return {
        "fingerprint": finding.fingerprint,
        "rule": finding.rule,
        "path": printable(finding.path),
        "line": finding.line,
        "agent_id": finding.agent_id,
        "agent_name": finding.agent_name,
        "message": printable(finding.message),
    }


def read_baseline(data: bytes) -> frozenset[str]:
    """The fingerprints a baseline file records; ``ValueError`` saying why in one line if
    ``data`` is not one."""
    try:
        document = _decode(data)
    except msgspec.DecodeError as error:
        raise ValueError(f"not a lifecheck baseline: {error}") from None
    return frozenset(entry.fingerprint for entry in document.findings)
