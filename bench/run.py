"""Benchmark: lifecheck against the orjson floor on every scenario of issue 14, in one run.

    python bench/run.py [--sizes 100000 1000000] [--rounds 3] [--scenarios ...] [--quick]
                        [--json FILE]

Scenarios (bench/logs.py writes their inputs, cached in the temp directory): the generated
mixes ``messages``, ``agents`` and ``no-restarts``; ``agents200k``, ``snapshot100k`` and
``channel20k``. On each, at each size: the floor (every line parsed with orjson, a store's
snapshot whole; in this process) and `lifecheck check --format json` as a process with its
default jobs and with ``-j 1``: wall and CPU time (RUSAGE_CHILDREN) and peak RSS. Extras:
``commands`` (`explain`, `coverage` and `check --format html` against the check of the
``agents`` log at the largest size), ``minimize`` (at the smallest size, on the
``no-restarts`` log, against its check) and ``startup`` (`lifecheck --version` and a check
of a one-line log against `python -c pass`).

Rounds are interleaved, the order of the scenarios rotated each round, so that a noisy
moment hits every contender alike; each ratio is taken within its round and the medians
are reported, with the growth exponents of time and memory from the smallest size to the
largest, and a table of issue 14's targets. No assertion: the machine is shared and noisy.
"""

from __future__ import annotations

import argparse
import compileall
import json
import signal
import sys
import tempfile
from collections.abc import Callable
from functools import partial
from pathlib import Path
from statistics import median
from typing import Any

from logs import BUILT, GENERATED, input_of
from measure import ROOT, Failed, Run, command, floor_run, lifecheck, records
from report import render

SCENARIOS = (*GENERATED, *BUILT)
EXTRAS = ("commands", "minimize", "startup")
#: Per-round results: task name -> one dict of measures per round.
Results = dict[str, list[dict[str, Any]]]


def compile_lifecheck() -> None:
    """Byte-compile lifecheck, as `pip install` does: an installed tool does not compile its
    source at each start (this checkout may run with PYTHONDONTWRITEBYTECODE set)."""
    # compileall does not follow the symlinks lifecheck/checker and lifecheck/spec: their
    # targets are compiled in place, and `import lifecheck.checker...` finds the same files.
    for package in ("lifecheck", "checker", "spec"):
        compileall.compile_dir(ROOT / package, quiet=1)


def _out(name: str) -> Path:
    return Path(tempfile.gettempdir()) / f"lifecheck-bench-out-{name}"


def check(path: Path, timeout: float, jobs: int | None = None) -> Run:
    """`lifecheck check PATH --format json`, its report written to a temporary file."""
    args = ["check", str(path), "--format", "json", "-o", str(_out("check.json"))]
    return lifecheck(args + ([] if jobs is None else ["--jobs", str(jobs)]), timeout)


def attempt(run: Callable[[], Run]) -> Run | None:
    """``run()``, or None (said on stderr) if it failed or ran out of time."""
    try:
        return run()
    except Failed as failure:
        print(f"  {failure}", file=sys.stderr)
        return None


def scenario_round(path: Path, timeout: float) -> dict[str, Any]:
    """The floor (which also brings the input into the page cache), then lifecheck with
    default jobs and with -j 1, on one input, and its agent records."""
    measures: dict[str, Any] = {"floor": floor_run(path)}
    for key, jobs in (("default", None), ("j1", 1)):
        measures[key] = attempt(partial(check, path, timeout, jobs))
        if key == "default" and measures[key]:
            measures["records"] = records(_out("check.json"))
    return measures


def _first_name(path: Path) -> str:
    """The name of the log's first agent, for `explain` (its every record)."""
    with path.open("rb") as log:
        for line in log:
            if line.startswith(b'{"AgentCreated"'):
                return str(json.loads(line)["AgentCreated"]["name"])
    raise SystemExit(f"no agent in {path}")


def commands_round(path: Path, timeout: float) -> dict[str, Any]:
    """The check of ``path``, then `explain`, `coverage` and the HTML report of it."""
    html = ["check", str(path), "--format", "html", "-o", str(_out("report.html"))]
    explain = ["explain", str(path), "--agent", _first_name(path)]
    return {
        "check": attempt(lambda: check(path, timeout)),
        "explain": attempt(lambda: lifecheck(explain, timeout, codes=(0,))),
        "coverage": attempt(
            lambda: lifecheck(["coverage", str(path), "--format", "json"], timeout)
        ),
        "html": attempt(lambda: lifecheck(html, timeout)),
    }


def _first_rule(path: Path, timeout: float) -> str:
    check(path, timeout)
    findings = json.loads(_out("check.json").read_bytes())["findings"]
    if not findings:
        raise SystemExit(f"no finding in {path} to minimize")
    return str(findings[0]["rule"])


def minimize_round(path: Path, rule: str, timeout: float) -> dict[str, Any]:
    """The check of ``path``, then `minimize` to its first finding's rule."""
    args = ["minimize", str(path), "--rule", rule, "-o", str(_out("minimal.jsonl"))]
    return {
        "check": attempt(lambda: check(path, timeout)),
        "minimize": attempt(lambda: lifecheck(args, timeout, codes=(0,))),
    }


def startup_round(one_line: Path, timeout: float, repeats: int = 5) -> dict[str, Any]:
    """Medians of ``repeats`` runs each: bare Python, `lifecheck --version`, a check of a
    one-line log."""
    runs: dict[str, list[Run]] = {"python": [], "version": [], "one_line": []}
    for _ in range(repeats):
        runs["python"].append(command(["-c", "pass"], timeout))
        runs["version"].append(lifecheck(["--version"], timeout, codes=(0,)))
        runs["one_line"].append(check(one_line, timeout))
    return {key: Run(median(r.wall for r in rs), median(r.cpu for r in rs),
                     max(r.rss_kib for r in rs)) for key, rs in runs.items()}  # fmt: skip


def _one_line_log() -> Path:
    path = _out("one-line.jsonl")
    path.write_bytes(b'{"AgentCreated":{"id":"a1","name":"btucker-reviewer","kind":"Worker",'
                     b'"agent_type":"midtown-code-reviewer","provider":"ClaudeCode",'
                     b'"channel":null,"task_id":null,"bound_thread_id":null,'
                     b'"icon":null,"color":null}}\n')  # fmt: skip
    return path


def plan(args: argparse.Namespace) -> dict[str, Any]:
    """Each task's name and how to run one round of it (inputs written now)."""
    tasks: dict[str, Any] = {}
    for scenario in args.scenarios:
        for size in args.sizes if scenario in SCENARIOS else ():
            path = input_of(scenario, size)
            tasks[f"{scenario}@{size}"] = lambda p=path: scenario_round(p, args.timeout)
    if "commands" in args.scenarios:
        big = input_of("agents", max(args.sizes))
        tasks["commands"] = lambda: commands_round(big, args.timeout)
    if "minimize" in args.scenarios:
        small = input_of("no-restarts", min(args.sizes))
        rule = _first_rule(small, args.timeout)
        tasks["minimize"] = lambda: minimize_round(small, rule, args.timeout)
    if "startup" in args.scenarios:
        one_line = _one_line_log()
        tasks["startup"] = lambda: startup_round(one_line, args.timeout)
    return tasks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds")
    parser.add_argument("--scenarios", nargs="+", choices=[*SCENARIOS, *EXTRAS],
                        default=[*SCENARIOS, *EXTRAS], metavar="NAME",
                        help=f"a subset of: {' '.join((*SCENARIOS, *EXTRAS))}")  # fmt: skip
    parser.add_argument("--quick", action="store_true",
                        help="a short run: sizes 20000 100000, one round")  # fmt: skip
    parser.add_argument("--timeout", type=float, default=900, help="seconds per command")
    parser.add_argument("--json", type=Path, help="also write every measure here")
    args = parser.parse_args()
    # Measured commands run in their own process groups: end them too on a SIGTERM.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if args.quick:
        args.sizes, args.rounds = [20_000, 100_000], 1
    args.sizes = sorted(args.sizes)
    compile_lifecheck()
    tasks = plan(args)
    baseline = check(_one_line_log(), args.timeout)
    results: Results = {name: [] for name in tasks}
    names = list(tasks)
    for number in range(args.rounds):
        shift = number % len(names)
        for name in names[shift:] + names[:shift]:
            print(f"round {number + 1}/{args.rounds}: {name}", file=sys.stderr, flush=True)
            results[name].append(tasks[name]())
    document = render(results, args.sizes, baseline)
    print(document["markdown"])
    if args.json:
        args.json.write_text(json.dumps(document["data"], indent=2) + "\n")


if __name__ == "__main__":
    main()
