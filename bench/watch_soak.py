"""Soak of `lifecheck watch` (not in CI): a daemon-like writer for N minutes, memory and
latency measured.

    python bench/watch_soak.py [--minutes 30] [--rate 500] [--agents 200]

A log generated ahead (``lifecheck generate --mix agents``, at most ``--agents`` records,
so that what the watcher holds may stay flat) is written to a fresh store by
:class:`lifecheck.testing.daemon.DaemonWriter`, one flushed line per event, at ``--rate``
events per second. One event in 50 is a marker: a ``TaskAssigned`` naming an agent never
created, whose finding (``dangling-agent-ref``, each marker its own) the watcher prints as
JSON Lines with its line. Latency: from the marker's write to its finding read from the
watcher's output. Memory: the watcher's resident size (VmRSS) sampled every 10 s.
Percentiles of latency and the memory over time are printed at the end.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).parents[1]
sys.path.insert(0, str(ROOT))

from lifecheck.testing.daemon import DaemonWriter  # noqa: E402
from tests.watching import Watcher  # noqa: E402

MARK_EVERY = 50
SAMPLE = 10.0


def marker(number: int) -> bytes:
    agent = f"00000000-0000-0000-0000-{number:012d}"
    return b'{"TaskAssigned":{"task_id":"soak","agent_id":"%s"}}' % agent.encode()


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--rate", type=int, default=500)
    parser.add_argument("--agents", type=int, default=200)
    args = parser.parse_args()
    total = int(args.minutes * 60 * args.rate)
    with tempfile.TemporaryDirectory(prefix="lifecheck-soak-") as temp:
        generated = Path(temp) / "generated.jsonl"
        subprocess.run(
            [sys.executable, "-m", "lifecheck", "generate", "--mix", "agents", "--events",
             str(total), "--agents", str(args.agents), "-o", str(generated)],
            cwd=ROOT, check=True,
        )  # fmt: skip
        events = generated.read_bytes().splitlines()
        daemon = DaemonWriter(Path(temp) / "events")
        watcher = Watcher([str(daemon.store), "--format", "jsonl", "--new-only"])
        watcher.wait_err("following")
        written: dict[int, float] = {}
        memory: list[tuple[float, int]] = []
        start = time.monotonic()
        next_sample, line = start, 0
        for number, event in enumerate(events):
            due = start + number / args.rate
            now = time.monotonic()
            if due > now:
                time.sleep(due - now)
            if number % MARK_EVERY == 0:
                line = daemon.append(marker(number))
                written[line] = time.monotonic()
            line = daemon.append(event)
            if now >= next_sample:
                memory.append((now - start, rss_kb(watcher.process.pid)))
                print(f"{now - start:7.0f} s  {line:9d} lines  RSS {memory[-1][1] / 1024:6.1f} MB",
                      flush=True)  # fmt: skip
                next_sample += SAMPLE
        last = max(written)
        watcher.wait(lambda: last in _arrived(watcher), "the last marker", timeout=60)
        arrived = _arrived(watcher)
        watcher.stop()
        latencies = sorted(arrived[n] - written[n] for n in written if n in arrived)
        missed = len(written) - len(latencies)
        q = statistics.quantiles(latencies, n=100)
        print(f"\n{line} lines in {time.monotonic() - start:.0f} s; {len(latencies)} markers, "
              f"{missed} missed")  # fmt: skip
        print(f"latency ms: p50 {q[49] * 1000:.0f}, p90 {q[89] * 1000:.0f}, "
              f"p99 {q[98] * 1000:.0f}, max {latencies[-1] * 1000:.0f}")  # fmt: skip
        rss = [kb for _, kb in memory]
        print(f"RSS MB: first {rss[0] / 1024:.1f}, median {statistics.median(rss) / 1024:.1f}, "
              f"last {rss[-1] / 1024:.1f}, max {max(rss) / 1024:.1f}")  # fmt: skip


def _arrived(watcher: Watcher) -> dict[int, float]:
    """The line of each marker's finding and when it was read."""
    arrived: dict[int, float] = {}
    for at, text in list(watcher.out):
        finding = json.loads(text)
        if finding["rule"] == "dangling-agent-ref":
            arrived.setdefault(finding["line"], at)
    return arrived


if __name__ == "__main__":
    main()
