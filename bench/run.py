"""Benchmark: lifecheck against the JSON floor and a naive checker, in one run.

    python bench/run.py [--sizes 100000 1000000] [--naive-max 100000]

For each size it generates a realistic log (`lifecheck generate`, cached in the temp
directory), then measures (a) the floor: reading every line and parsing it with orjson;
(b) the naive checker: one `transitions` machine per agent (only up to --naive-max lines;
it is slow); (c) `lifecheck check` end to end as a process, with its peak RSS. It prints
lines/s and the ratios measured in this run. No assertion: the machine is shared and noisy.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson

from spec import LIFECYCLE
from spec.machine import build_machine


def log_of(size: int) -> Path:
    """A generated log, written by `lifecheck generate` in its own process (and cached)."""
    path = Path(tempfile.gettempdir()) / f"lifecheck-bench-{size}.jsonl"
    if not path.exists():
        command = ["generate", "--seed", "1", "--events", str(size), "--agents", "300"]
        subprocess.run([sys.executable, "-m", "checker", *command, "-o", str(path)], check=True)
    return path


def floor(path: Path) -> float:
    start = time.perf_counter()
    with path.open("rb") as log:
        for line in log:
            orjson.loads(line)
    return time.perf_counter() - start


def naive(path: Path) -> float:
    """One transitions machine per agent, fed every agent event: the obvious design."""
    start = time.perf_counter()
    machines, records = {}, {}
    with path.open("rb") as log:
        for line in log:
            ((variant, body),) = json.loads(line).items()
            if variant == "AgentCreated":
                machines[body["id"]] = build_machine(LIFECYCLE, "d11b83e")
                records[body["id"]] = {"session": None, "lead": body["kind"] == "Lead"}
            elif variant in LIFECYCLE.events and body.get("id") in machines:
                record = records[body["id"]]
                if variant == "AgentStarted":
                    record["session"] = body["session_id"]
                facts = {"event_has_session": body.get("session_id") is not None,
                         "has_session": record["session"] is not None, "is_lead": record["lead"],
                         "running": True, "has_pid": True, "stopped_at": False,
                         "collected": False}  # fmt: skip
                machines[body["id"]].trigger(variant, facts=facts)
    return time.perf_counter() - start


def lifecheck(path: Path) -> tuple[float, int]:
    """Wall time and peak RSS (KiB) of `lifecheck check PATH` as a process."""
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "checker", "check", str(path), "--format", "json"],
        stdout=subprocess.DEVNULL,
        env=os.environ | {"CI": "1"},
    )
    _, _, usage = os.wait4(process.pid, 0)
    return time.perf_counter() - start, usage.ru_maxrss


def startup() -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "checker", "--version"], capture_output=True, check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--naive-max", type=int, default=100_000)
    args = parser.parse_args()
    rows = []
    for size in args.sizes:
        path = log_of(size)
        ours, rss = lifecheck(path)  # first, while this process is small (RSS is inherited)
        base = floor(path)
        slow = naive(path) if size <= args.naive_max else None
        rows.append({
            "lines": size, "floor_lines_per_s": round(size / base),
            "lifecheck_lines_per_s": round(size / ours),
            "lifecheck_over_floor": round(ours / base, 2),
            "naive_over_lifecheck": round(slow / ours, 1) if slow else None,
            "peak_rss_mb": round(rss / 1024),
        })  # fmt: skip
    print(json.dumps({"startup_s": round(startup(), 3), "runs": rows}, indent=2))


if __name__ == "__main__":
    main()
