"""What the renderers take: the data of one check, collected in one pass over each input."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from lifecheck.checker.replay.timeline import Timeline
from lifecheck.checker.reports.spool import Findings
from lifecheck.spec.catalogue import Severity
from lifecheck.spec.model import Transition


@dataclass(frozen=True, slots=True)
class InputReport:
    """The outcome for one input path: its findings, or why it could not be read.

    ``taken`` counts the spec transitions the replay took, ``entered`` the states records
    moved into (what ``lifecheck coverage`` reports), ``loaded`` the states the snapshot's
    records began in; ``timelines`` holds the agents'
    timelines when they were asked for (the HTML report shows them); ``hidden`` counts the
    findings a baseline hid (:class:`lifecheck.checker.rules.policy.Policy`).
    """

    path: str
    events: int = 0
    agents: int = 0
    findings: Findings = field(default_factory=Findings)
    hidden: int = 0
    log: str | None = None
    snapshot: str | None = None
    notes: tuple[str, ...] = field(default=())
    error: str | None = None
    taken: Mapping[Transition, int] = field(default_factory=dict)
    entered: Mapping[str, int] = field(default_factory=dict)
    loaded: Mapping[str, int] = field(default_factory=dict)
    timelines: tuple[Timeline, ...] = ()

    @property
    def daemon_starts(self) -> bool:
        """Whether the daemon would start on this input: not if its recovery fails
        (``recovery-fails``, docs/rules.md §1-2)."""
        return not self.findings.rules["recovery-fails"]


def severities(report: InputReport) -> Counter[Severity]:
    """How many findings of each severity ``report`` has (counted as they were found)."""
    return Counter(report.findings.counts)
