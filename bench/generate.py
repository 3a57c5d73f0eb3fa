"""Benchmark: `lifecheck generate` against the JSON floor, for each mix, in one run.

    python bench/generate.py [--sizes 100000 1000000] [--mixes messages agents no-restarts]
                             [--rounds 3]

For each mix and size, in interleaved rounds: `lifecheck generate --seed 1 --events N --mix
M -o FILE` as a process (its CPU time, user and system, and its peak RSS), then the floor on
the file it wrote (bench/run.py's: read every line and parse it with orjson; its CPU time).
It prints the median of the CPU ratios taken within each round, the peak RSS, and the growth
exponents of CPU time and peak RSS from the smallest size to the largest (1.0 is linear, 0
is constant). Issue 14's target: 1M events within 10x the floor, in constant memory. No
assertion: the machine is shared and noisy.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import median

from measure import floor
from run import compile_lifecheck


def generate(mix: str, size: int, path: Path) -> tuple[float, int]:
    """CPU seconds and peak RSS (KiB) of `lifecheck generate` writing ``path``."""
    command = ["generate", "--seed", "1", "--events", str(size), "--mix", mix, "-o", str(path)]
    process = subprocess.Popen([sys.executable, "-m", "lifecheck", *command])
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"lifecheck generate exited with {process.returncode}")
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss


def floor_cpu(path: Path) -> float:
    """CPU seconds of the floor on ``path``."""
    start = time.process_time()
    floor(path)
    return time.process_time() - start


def exponent(small: tuple[int, float], large: tuple[int, float]) -> float:
    """How a measure grows with size: ``m ~ size ** exponent`` between two sizes."""
    return round(math.log(large[1] / small[1]) / math.log(large[0] / small[0]), 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--mixes", nargs="+", default=["messages", "agents", "no-restarts"])
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds")
    args = parser.parse_args()
    compile_lifecheck()
    rows = []
    with tempfile.TemporaryDirectory() as directory:
        for mix in args.mixes:
            runs = []
            for size in args.sizes:
                path = Path(directory) / f"{mix}-{size}.jsonl"
                rounds = []
                for _ in range(args.rounds):
                    cpu, rss = generate(mix, size, path)
                    rounds.append((cpu, rss, floor_cpu(path)))
                cpu = median(r[0] for r in rounds)
                rss = max(r[1] for r in rounds)
                runs.append((size, cpu, rss))
                rows.append({
                    "mix": mix, "events": size, "generate_cpu_s": round(cpu, 2),
                    "floor_cpu_s": round(median(r[2] for r in rounds), 3),
                    "generate_over_floor": round(median(r[0] / r[2] for r in rounds), 2),
                    "ratios_by_round": [round(r[0] / r[2], 2) for r in rounds],
                    "peak_rss_mb": round(rss / 1024),
                })  # fmt: skip
                path.unlink()
            if len(runs) > 1:
                (small, small_cpu, small_rss), *_, (large, large_cpu, large_rss) = runs
                rows[-1]["cpu_growth_exponent"] = exponent((small, small_cpu), (large, large_cpu))
                rows[-1]["rss_growth_exponent"] = exponent((small, small_rss), (large, large_rss))
    print(json.dumps({"cpus": os.cpu_count(), "runs": rows}, indent=2))


if __name__ == "__main__":
    main()
