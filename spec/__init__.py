"""The Midtown agent lifecycle as an explicit, self-checking state machine.

Pure data and functions: no I/O, and nothing imported from the rest of lifecheck.
"""

from lifecheck.spec.lifecycle import LIFECYCLE, SEMANTICS
from lifecheck.spec.model import Condition, Spec, State, Transition, when
from lifecheck.spec.validate import InvalidSpec

__all__ = [
    "LIFECYCLE",
    "SEMANTICS",
    "Condition",
    "InvalidSpec",
    "Spec",
    "State",
    "Transition",
    "when",
]
