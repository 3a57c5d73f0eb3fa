"""ANSI colours of the reports for a terminal: one per severity."""

from __future__ import annotations

from lifecheck.spec.catalogue import Severity

SEVERITY_COLOURS = {Severity.ERROR: "31", Severity.WARNING: "33", Severity.INFO: "36"}


def paint(text: str, code: str, colour: bool) -> str:
    """``text`` in the SGR ``code`` (``31`` red, ``1`` bold...) when ``colour`` is on."""
    return f"\x1b[{code}m{text}\x1b[0m" if colour else text
