"""Measuring one contender: the orjson floor in this process, or a command in its own.

Every measure is wall seconds, CPU seconds (user and system) and peak RSS (KiB).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parent.parent
#: The worktree's lifecheck, whatever is installed; no progress bar.
ENV = os.environ | {"CI": "1", "PYTHONPATH": str(ROOT)}


@dataclass(frozen=True, slots=True)
class Run:
    wall: float
    cpu: float
    rss_kib: int


def floor(path: Path) -> float:
    """Wall seconds to parse ``path`` with orjson: each line of a log; a store's snapshot
    whole, then its log's lines."""
    start = time.perf_counter()
    logs = [path]
    if path.is_dir():
        for snapshot in path.glob("snapshot-*.json"):
            orjson.loads(snapshot.read_bytes())
        logs = sorted(path.glob("log-*.jsonl"))
    for log_path in logs:
        with log_path.open("rb") as log:
            for line in log:
                orjson.loads(line)
    return time.perf_counter() - start


def floor_run(path: Path) -> Run:
    """The floor, with the CPU time of this process."""
    cpu = time.process_time()
    wall = floor(path)
    return Run(wall, time.process_time() - cpu, 0)


#: Runs a command and prints its wall time, CPU time (the delta of RUSAGE_CHILDREN: the
#: command and every process it waited for) and peak RSS (the largest of those processes).
#: Linux counts the memory of the process a child was forked from in the child's peak RSS,
#: so the command is forked from this small launcher, not from the benchmark. Its address
#: space is limited (argv[1], bytes): a command that blows up fails alone, not the machine.
_LAUNCHER = """
import os, resource, sys, time
limit = int(sys.argv[1])
before = resource.getrusage(resource.RUSAGE_CHILDREN)
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    os.execv(sys.executable, [sys.executable, *sys.argv[2:]])
_, status, _ = os.wait4(pid, 0)
wall = time.perf_counter() - start
after = resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
print(wall, cpu, after.ru_maxrss, os.waitstatus_to_exitcode(status))
"""


class Failed(Exception):
    """A command exited with an unexpected code, or ran out of time."""


#: The most address space a measured command may take.
MEMORY_LIMIT = 4 << 30


def command(args: list[str], timeout: float, codes: tuple[int, ...] = (0, 1)) -> Run:
    """``python ARGS`` (from the worktree) as a process; ``codes`` are the exits that are
    not a failure (lifecheck exits 1 on findings). On a timeout its whole process group
    is killed."""
    launcher = [sys.executable, "-c", _LAUNCHER, str(MEMORY_LIMIT), *args]
    with subprocess.Popen(launcher, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          env=ENV, cwd=ROOT, start_new_session=True) as process:  # fmt: skip
        try:
            out, err = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired as error:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise Failed(f"timed out after {timeout:.0f} s: {' '.join(args)}") from error
        except BaseException:  # interrupted: leave nothing running
            os.killpg(process.pid, signal.SIGKILL)
            raise
    if process.returncode:
        raise Failed(f"launcher failed: {err.strip()[-300:]}")
    wall, cpu, rss, code = out.split()
    if int(code) not in codes:
        raise Failed(f"exit {code}: {' '.join(args)}")
    return Run(float(wall), float(cpu), int(rss))


def lifecheck(args: list[str], timeout: float, codes: tuple[int, ...] = (0, 1)) -> Run:
    """``lifecheck ARGS``."""
    return command(["-m", "lifecheck", *args], timeout, codes)


def records(report: Path) -> int:
    """The agent records of the one input of a ``check --format json`` report."""
    return int(json.loads(report.read_bytes())["inputs"][0]["agents"])
