"""Input quoted in a message, capped (docs/rules.md §1): a 50 MB variant name or a store of
10,000 logs still makes one short line."""

from __future__ import annotations

from collections.abc import Sequence

#: The most characters of one piece of input a message quotes.
CAP = 200
#: The most names a list in a note shows before "and N more".
NAMES = 5


def capped(text: str) -> str:
    """``text`` if it is short, else its first :data:`CAP` characters, `…` and how many
    were left out."""
    if len(text) <= CAP:
        return text
    return f"{text[:CAP]}… ({len(text) - CAP} more characters)"


def quoted(text: str) -> str:
    """``text`` :func:`capped`, in the quotes of its ``repr``."""
    return repr(text) if len(text) <= CAP else repr(text[:CAP]) + capped(text)[CAP:]


def more(named: Sequence[str], count: int) -> str:
    """``a, b, c, d, e and 3 more``: the first :data:`NAMES` of ``named``, which stand for
    ``count`` in all, then how many others."""
    shown = ", ".join(named[:NAMES])
    return shown if count <= NAMES else f"{shown} and {count - NAMES} more"


def listed(names: Sequence[str]) -> str:
    """At most :data:`NAMES` names, each capped, then how many more there are."""
    return more([capped(name) for name in names[:NAMES]], len(names))
