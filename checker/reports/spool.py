"""The findings of one input, in report order, held in memory that does not grow with them.

A replay hands findings out in the order it meets them: by line, and on one line cause
before consequence (docs/rules.md §5), except the end-of-replay rules, reported last at
earlier lines. :class:`Findings` keeps each file's in-order run in chunks, the chunks past
the first :data:`KEPT` findings encoded in an anonymous temporary file (never beside an
input), and the few out-of-order findings (at most one per record per end rule) in memory;
iterating merges them back into report order: by path, then line, then as met.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from heapq import merge
from typing import IO, overload

import msgspec

from lifecheck.checker.rules.findings import Finding
from lifecheck.spec.catalogue import Severity

#: Findings kept in memory per file before the rest go, a chunk at a time, to disk.
KEPT = 4096

_encode = msgspec.msgpack.Encoder().encode
_decode = msgspec.msgpack.Decoder(list[Finding]).decode


def _line(finding: Finding) -> int:
    return -1 if finding.line is None else finding.line


class _Run:
    """One file's findings: those in line order (chunks on disk, then a buffer), and the
    late ones (found after a later line)."""

    __slots__ = ("buffer", "chunks", "last", "late")

    def __init__(self) -> None:
        self.buffer: list[Finding] = []
        self.chunks: list[tuple[int, int]] = []  # (offset, size) in the spill file
        self.late: list[Finding] = []
        self.last = -1

    def __iter__(self) -> Iterator[Finding]:
        return iter(self.buffer)


class Findings(Sequence[Finding]):
    """Findings in report order, appended as found; iterable any number of times.

    ``counts`` has the number of findings by severity and ``rules`` by rule (with each
    rule's severity in ``rule_severity``), kept as they are appended, so a summary needs no
    pass over them. ``listener``, if any, is handed
    each finding as it is appended (a report written as the findings are found).
    """

    def __init__(
        self,
        findings: Iterable[Finding] = (),
        *,
        listener: Callable[[Finding], None] | None = None,
    ) -> None:
        self._listener = listener
        self._runs: dict[str, _Run] = {}
        self._spill: IO[bytes] | None = None
        self._length = 0
        self.counts: Counter[Severity] = Counter()
        self.rules: Counter[str] = Counter()
        self.rule_severity: dict[str, Severity] = {}
        for finding in findings:
            self.append(finding)

    def append(self, finding: Finding) -> None:
        """Add the next finding the replay met."""
        run = self._runs.get(finding.path)
        if run is None:
            run = self._runs[finding.path] = _Run()
        line = _line(finding)
        if line < run.last:
            run.late.append(finding)
        else:
            run.last = line
            run.buffer.append(finding)
            if len(run.buffer) >= KEPT:
                self._write(run)
        self._length += 1
        severity = finding.severity
        self.counts[severity] += 1
        self.rules[finding.rule] += 1
        self.rule_severity[finding.rule] = severity
        if self._listener is not None:
            self._listener(finding)

    def _write(self, run: _Run) -> None:
        if self._spill is None:  # closed (and gone: it has no name) with this object
            self._spill = tempfile.TemporaryFile(prefix="lifecheck-findings-")  # noqa: SIM115
        data = _encode(run.buffer)
        offset = self._spill.seek(0, 2)
        self._spill.write(data)
        run.chunks.append((offset, len(data)))
        run.buffer = []

    def _in_order(self, run: _Run) -> Iterator[Finding]:
        spill = self._spill
        for offset, size in run.chunks:
            assert spill is not None
            spill.seek(offset)
            yield from _decode(spill.read(size))
        yield from run.buffer

    def __iter__(self) -> Iterator[Finding]:
        for path in sorted(self._runs):
            run = self._runs[path]
            # Ties keep the in-order findings first: end-of-replay rules come last on a line.
            late = sorted(run.late, key=_line)
            yield from merge(self._in_order(run), late, key=_line)

    def __len__(self) -> int:
        return self._length

    @overload
    def __getitem__(self, index: int) -> Finding: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Finding]: ...
    def __getitem__(self, index: int | slice) -> Finding | Sequence[Finding]:
        """By position (reads the findings up to it: meant for small reports and tests)."""
        return list(self)[index]

    def __eq__(self, other: object) -> bool:
        """The same findings in the same order as another sequence (a tuple, say)."""
        if not isinstance(other, Sequence) or len(other) != len(self):
            return NotImplemented if not isinstance(other, Sequence) else False
        return all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> tuple[type[Findings], tuple[list[Finding]]]:
        """Pickled (from a worker process) as the findings themselves."""
        return (Findings, (list(self),))

    def __repr__(self) -> str:
        return f"Findings({len(self)} findings)"
