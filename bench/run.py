"""Benchmark: lifecheck against the JSON floor and a naive checker, in one run.

    python bench/run.py [--sizes 100000 1000000 10000000] [--naive-max 1000000] [--rounds 3]

For each size it generates a realistic log (`lifecheck generate`, cached in the temp
directory), then measures (a) the floor: reading every line and parsing it with orjson;
(b) the naive checker: stdlib JSON and one `transitions` machine per agent (only up to
--naive-max lines; it is slow); (c) `lifecheck check` end to end as a process, with its
default jobs (the CPUs) and with --jobs 1, and its peak RSS, in --rounds interleaved
rounds. It prints lines/s and the median of the ratios measured within each round of this
run. No assertion: the machine is shared and noisy.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import median

import msgspec
import orjson

from lifecheck.checker.reading.agents import AgentIndex
from lifecheck.checker.reading.events import EVENT_TYPES
from lifecheck.checker.replay.projection import PROJECTIONS
from lifecheck.spec import LIFECYCLE
from lifecheck.spec.machine import build_machine


def log_of(size: int) -> Path:
    """A generated log, written by `lifecheck generate` in its own process (and cached)."""
    path = Path(tempfile.gettempdir()) / f"lifecheck-bench-{size}.jsonl"
    if not path.exists():
        command = ["generate", "--seed", "1", "--events", str(size), "--agents", "300"]
        subprocess.run([sys.executable, "-m", "lifecheck", *command, "-o", str(path)], check=True)
    return path


def floor(path: Path) -> float:
    start = time.perf_counter()
    with path.open("rb") as log:
        for line in log:
            orjson.loads(line)
    return time.perf_counter() - start


def naive(path: Path) -> float:
    """The obvious design: stdlib JSON, then one `transitions` machine per agent.

    Every line is parsed and validated (``msgspec.convert`` of the parsed body); every
    agent event fires its record's machine, whose guards read the record's facts in the
    daemon's index (the same projection model), and the spec's state rules are checked
    after each event. It checks fewer rules than lifecheck, which only flatters it.
    """
    start = time.perf_counter()
    index, machines, project = AgentIndex(), {}, PROJECTIONS["d11b83e"]
    findings: list[tuple[int, str]] = []
    with path.open("rb") as log:
        for number, line in enumerate(log, 1):
            if not line.strip():
                continue
            ((variant, body),) = json.loads(line).items()
            event = msgspec.convert(body, EVENT_TYPES[variant])
            if variant == "AgentCreated":
                machines[event.id] = build_machine(LIFECYCLE, "d11b83e")
            if variant == "AgentSessionNotFound":
                agent_id = index.by_name.get(event.name)
            else:
                agent_id = getattr(event, "id", None) if variant in LIFECYCLE.events else None
            machine = machines.get(agent_id) if agent_id else None
            record = index.by_id.get(agent_id) if agent_id else None
            if machine is not None and record is not None:
                session = getattr(event, "session_id", None)
                facts = {"collected": record.gc, "running": record.id in index.running,
                         "has_session": record.session_id is not None,
                         "has_pid": record.pid is not None, "stopped_at": record.stopped_at,
                         "is_lead": record.kind == "Lead",
                         "event_has_session": session is not None}  # fmt: skip
                machine.reported.clear()
                machine.trigger(variant, facts=facts)
                findings += [(number, rule) for rule in machine.reported]
            project(index, event)
            if machine is not None and (rule := LIFECYCLE.state(machine.state).rule):
                findings.append((number, rule))
    return time.perf_counter() - start


#: Runs a command and prints its wall time and peak RSS. Linux counts the memory of the
#: process a child was forked from in the child's peak RSS, so the command is forked from
#: this small launcher, not from the benchmark, which is big by then.
_LAUNCHER = """
import os, sys, time
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
    os.execv(sys.executable, [sys.executable, *sys.argv[1:]])
_, status, usage = os.wait4(pid, 0)
print(time.perf_counter() - start, usage.ru_maxrss, os.waitstatus_to_exitcode(status))
"""


def compile_lifecheck() -> None:
    """Byte-compile lifecheck, as `pip install` does: an installed tool does not compile its
    source at each start (this checkout may run with PYTHONDONTWRITEBYTECODE set)."""
    root = Path(__file__).resolve().parent.parent
    # compileall does not follow the symlinks lifecheck/checker and lifecheck/spec: their
    # targets are compiled in place, and `import lifecheck.checker...` finds the same files.
    for package in ("lifecheck", "checker", "spec"):
        compileall.compile_dir(root / package, quiet=1)


def lifecheck(path: Path, jobs: int | None = None) -> tuple[float, int]:
    """Wall time and peak RSS (KiB, of the largest of its processes) of `lifecheck check`."""
    command = ["-m", "lifecheck", "check", str(path), "--format", "json"]
    command += [] if jobs is None else ["--jobs", str(jobs)]
    launched = subprocess.run(
        [sys.executable, "-c", _LAUNCHER, *command],
        capture_output=True,
        text=True,
        check=True,
        env=os.environ | {"CI": "1"},
    )
    wall, rss, code = launched.stdout.split()
    if int(code) not in (0, 1):  # 1 is findings; anything else means the run failed
        raise SystemExit(f"lifecheck check {path} exited with {code}")
    return float(wall), int(rss)


def startup() -> tuple[float, float]:
    """Wall time of `lifecheck --version`, and of a bare `python -c pass`, best of five."""

    def best(command: list[str]) -> float:
        times = []
        for _ in range(5):
            start = time.perf_counter()
            subprocess.run(command, capture_output=True, check=True)
            times.append(time.perf_counter() - start)
        return min(times)

    return best([sys.executable, "-m", "lifecheck", "--version"]), best([sys.executable, "-c", ""])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--naive-max", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds per size")
    args = parser.parse_args()
    compile_lifecheck()
    rows = []
    for size in args.sizes:
        path = log_of(size)
        floor(path)  # warms the page cache: every contender then reads from memory
        # Interleaved rounds, so that a noisy moment hits every contender alike; each
        # ratio is taken within its round, and the medians are reported.
        rounds = [(floor(path), *lifecheck(path), *lifecheck(path, jobs=1))
                  for _ in range(args.rounds)]  # fmt: skip
        base = median(r[0] for r in rounds)
        ours = median(r[1] for r in rounds)
        slow = naive(path) if size <= args.naive_max else None
        rows.append({
            "lines": size, "floor_lines_per_s": round(size / base),
            "lifecheck_lines_per_s": round(size / ours),
            "lifecheck_over_floor": round(median(r[1] / r[0] for r in rounds), 2),
            "serial_over_floor": round(median(r[3] / r[0] for r in rounds), 2),
            "ratios_by_round": [round(r[1] / r[0], 2) for r in rounds],
            "naive_lines_per_s": round(size / slow) if slow else None,
            "naive_over_lifecheck": round(slow / ours, 1) if slow else None,
            "peak_rss_mb": round(max(r[2] for r in rounds) / 1024),
            "serial_peak_rss_mb": round(max(r[4] for r in rounds) / 1024),
        })  # fmt: skip
    ours_start, python_start = startup()
    document = {"cpus": os.cpu_count(), "startup_s": round(ours_start, 3),
                "python_startup_s": round(python_start, 3), "runs": rows}  # fmt: skip
    print(json.dumps(document, indent=2))


if __name__ == "__main__":
    main()
