"""Full validation of a spec: the table checks and the graph checks; every offender is named.

Building a :class:`~lifecheck.spec.model.Spec` runs the table checks
(:mod:`lifecheck.spec.wellformed`: names, partition, determinism: everything the compiled
tables rest on; and rule ids of the catalogue). :func:`validate` adds the graph checks,
which need networkx; ``lifecheck lint``, ``lifecheck diagram`` and the test suite run it,
while ``lifecheck check`` skips importing networkx (about 0.2 s of start-up).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lifecheck.spec.wellformed import InvalidSpec, name_problems, table_problems

if TYPE_CHECKING:
    from lifecheck.spec.model import Spec

__all__ = ["InvalidSpec", "validate"]


def validate(spec: Spec) -> None:
    """Raise :class:`InvalidSpec` naming every problem the table and graph checks find."""
    from lifecheck.spec.reachability import (
        graph_problems,  # networkx: only full validation pays for it
    )

    problems = table_problems(spec)
    if not name_problems(spec):  # the graph checks need every name resolved
        problems += graph_problems(spec)
    if problems:
        raise InvalidSpec(problems)
