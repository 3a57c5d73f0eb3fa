"""GitHub Actions workflow commands: one annotation per finding (``--format github``).

``::error file=PATH,line=N,title=lifecheck (RULE)::PATH:N: error RULE: AGENT: MESSAGE``;
``::warning`` for a warning, ``::notice`` for an info; no ``line`` for a finding about a
whole file. An input that cannot be read is an ``::error`` without a file. Properties and
data are escaped as GitHub's toolkit escapes them (``%``, CR, LF; and ``:`` and ``,`` in
properties); the text is :func:`printable` first, as in every report.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from heapq import merge

from lifecheck.checker.reports.data import InputReport
from lifecheck.checker.reports.printable import printable
from lifecheck.checker.reports.text import render_finding
from lifecheck.checker.rules.findings import Finding
from lifecheck.spec.catalogue import Severity

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """A workflow command's message: ``%``, CR and LF percent-encoded."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command's property value: as data, and ``:`` and ``,`` too."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(finding: Finding) -> str:
    """The workflow command of one finding, with its final newline."""
    properties = [f"file={escape_property(printable(finding.path))}"]
    if finding.line is not None:
        properties.append(f"line={finding.line}")
    properties.append(f"title={escape_property(f'lifecheck ({finding.rule})')}")
    command = COMMANDS[finding.severity]
    return f"::{command} {','.join(properties)}::{escape_data(render_finding(finding))}\n"


def github_lines(reports: Sequence[InputReport]) -> Iterator[str]:
    """An ``::error`` per unreadable input, then an annotation per finding in report order."""
    for report in reports:
        if report.error is not None:
            yield f"::error title=lifecheck::{escape_data(printable(report.error))}\n"
    for finding in merge(*(r.findings for r in reports), key=Finding.sort_key):
        yield annotation(finding)
