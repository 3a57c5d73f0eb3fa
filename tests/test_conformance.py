"""The shared conformance corpus: every case read as the Midtown daemon reads it (rules.md §1).

`../shared/conformance/serde-cases.jsonl.gz` (README beside it) holds about 5,000 whole log
files, each with the verdict of the daemon's own code (its serde `DomainEvent`, serde_json
1.0.87, chrono 0.4.23, and its recovery loop): ``ok``, ``malformed`` at a line, or
``unreadable`` (not UTF-8) at the line of the first bad byte. Both readers must give the
same verdict on every one, and so must the parallel path on the multi-line files. The
project's own focused tests (tests/test_serde_classes.py) keep the suite meaningful where
the shared folder is absent.
"""

from __future__ import annotations

import base64
import gzip
import io
import json
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import Executor, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from lifecheck.checker.reading.events import EVENT_TYPES, Event
from lifecheck.checker.reading.opened import open_input
from lifecheck.checker.reading.reader import LogReader, Malformed
from lifecheck.checker.reading.segments import read_parallel

CORPUS = Path(__file__).resolve().parents[1].parent / "shared/conformance/serde-cases.jsonl.gz"

pytestmark = pytest.mark.skipif(
    not CORPUS.exists(), reason=f"the shared conformance corpus is absent ({CORPUS})"
)

Verdict = tuple[str, int | None]


def _cases() -> list[dict[str, Any]]:
    with gzip.open(CORPUS, "rt", encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


@pytest.fixture(scope="module")
def cases() -> list[dict[str, Any]]:
    return _cases()


def _verdict(malformed: Malformed | None) -> Verdict:
    if malformed is None:
        return ("ok", None)
    return ("unreadable" if malformed.unreadable else "malformed", malformed.line)


def _read(data: bytes, *, exact: bool) -> Verdict:
    reader = LogReader(io.BytesIO(data), exact=exact)
    for _ in reader:
        pass
    return _verdict(reader.malformed)


def _daemon(case: dict[str, Any]) -> Verdict:
    return (case["daemon"]["outcome"], case["daemon"]["line"])


def _family(name: str) -> str:
    """A case's class without its parameter (`int:'-0'` is `int`), to group disagreements."""
    return name if name.startswith("file:") else name.split(":")[0]


def _disagreements(found: list[tuple[dict[str, Any], Verdict]]) -> str:
    by_class: dict[str, list[str]] = defaultdict(list)
    for case, verdict in found:
        by_class[_family(case["class"])].append(f"{case['id']}: {_daemon(case)} != {verdict}")
    return "\n".join(
        f"{name} ({len(items)}): " + "; ".join(items[:3])
        for name, items in sorted(by_class.items(), key=lambda item: -len(item[1]))
    )


@pytest.mark.parametrize("exact", [False, True], ids=["default", "exact"])
def test_every_case_reads_as_the_daemon_reads_it(cases: list[dict[str, Any]], exact: bool) -> None:
    """Same outcome and line as the daemon on every case; no case makes the reader raise."""
    found = []
    for case in cases:
        verdict = _read(base64.b64decode(case["data_b64"]), exact=exact)
        if verdict != _daemon(case):
            found.append((case, verdict))
    agreement = 1 - len(found) / len(cases)
    assert not found, f"agreement {agreement:.2%}; by class:\n{_disagreements(found)}"


def _pool(workers: int) -> Executor:
    return ThreadPoolExecutor(workers)


def _line_cuts(data: bytes, most: int = 8) -> list[int]:
    """Cuts at line ends: a segment per line for short files (the hardest split for the
    parallel path), about ``most`` segments for long ones."""
    ends = [at + 1 for at, byte in enumerate(data) if byte == ord("\n") and at + 1 < len(data)]
    step = max(1, len(ends) // most)
    return [0, *ends[step - 1 :: step], len(data)] if ends else [0, len(data)]


def test_parallel_segments_read_as_the_daemon_reads_them(
    cases: list[dict[str, Any]], tmp_path: Path
) -> None:
    """The whole-file cases (and a sample of the others), cut into segments at line ends
    and read by workers, give the daemon's verdict too."""
    chosen = [c for n, c in enumerate(cases) if c["class"].startswith("file:") or n % 40 == 0]
    log = tmp_path / "log.jsonl"
    wanted = frozenset(EVENT_TYPES.values())
    found = []

    def replay(events: Iterator[tuple[int, Event]]) -> None:
        for _ in events:
            pass

    for case in chosen:
        data = base64.b64decode(case["data_b64"])
        log.write_bytes(data)
        for exact in (False, True):
            with open_input(str(log)) as opened:
                _, malformed = read_parallel(
                    opened, _line_cuts(data), wanted, replay, jobs=2, pool=_pool, exact=exact
                )
            if _verdict(malformed) != _daemon(case):
                found.append((case, _verdict(malformed)))
    assert not found, _disagreements(found)
