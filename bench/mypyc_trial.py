"""Trial: what mypyc buys over the typed replay core, pure Python against compiled, at -j 1.

    python bench/mypyc_trial.py [--lines 200000] [--rounds 5] [--scenarios agents messages]
                                [--callgrind]

Copies this checkout twice into a temporary directory, compiles the replay core and the
rules (:data:`COMPILED`) in one copy with mypyc (needs mypy, setuptools and a C compiler;
about a minute), byte-compiles both, then measures in interleaved rounds, on each
scenario's log (bench/logs.py): the orjson floor, `lifecheck check --format json -j 1`
end to end (CPU time, RUSAGE_CHILDREN), and reading and replaying apart in one process.
``--callgrind`` also counts the instructions of one check per copy (repeatable on a
loaded machine). Not part of the build.
"""

from __future__ import annotations

import argparse
import compileall
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from statistics import median

from logs import input_of
from measure import ROOT, floor_run

#: The typed replay core and the rules. Not observers.py (callers subclass Observer: an
#: interpreted class cannot subclass a compiled one), history.py and rules/findings.py
#: (their frozen dataclasses, compiled, cannot be unpickled: a worker's report is).
#: mypyc builds a list of a generator expression handed to ``islice`` (rules/index.py):
#: harmless here, O(records sharing a value) per finding if ever shipped.
COMPILED = (
    "checker/replay/engine.py",
    "checker/replay/projection.py",
    "checker/replay/states.py",
    "checker/rules/index.py",
    "checker/rules/messages.py",
    "checker/rules/names.py",
    "checker/rules/references.py",
    "checker/rules/reporting.py",
    "checker/rules/states.py",
    "checker/rules/transitions.py",
    "checker/reading/agents.py",
)

_SETUP = """
from setuptools import setup
from mypyc.build import mypycify
setup(name="trial", ext_modules=mypycify({modules!r}, opt_level="3"),
      script_args=["build_ext", "--inplace"])
"""

#: Reads a log to a list, then replays it; prints the CPU seconds of each.
_SPLIT = """
import sys, time
from lifecheck.checker.reading.reader import LogReader
from lifecheck.checker.replay.engine import Replay
start = time.process_time()
with open(sys.argv[1], "rb") as log:
    pairs = list(LogReader(log))
read = time.process_time()
replay = Replay(path=sys.argv[1])
replay.run(pairs)
replay.finish()
print(len(pairs), read - start, time.process_time() - read)
"""


def copy_tree(to: Path) -> Path:
    """This checkout, without its history and caches, at ``to`` (symlinks kept)."""
    ignore = shutil.ignore_patterns(".git", "__pycache__", "*.so", ".hypothesis", "build")
    shutil.copytree(ROOT, to, symlinks=True, ignore=ignore)
    return to


def compile_tree(tree: Path) -> None:
    """Compile :data:`COMPILED` in ``tree`` in place, saying how long it took. The modules
    are named through the lifecheck/checker symlink, as they are imported."""
    modules = [f"lifecheck/{module}" for module in COMPILED]
    # setuptools would read pyproject.toml as its own configuration: keep it out of the way.
    (tree / "pyproject.toml").rename(tree / "pyproject.off")
    (tree / "mypy.ini").write_text("[mypy]\nstrict = True\n[mypy-transitions.*,networkx.*]\n"
                                   "ignore_missing_imports = True\n")  # fmt: skip
    start = resource.getrusage(resource.RUSAGE_CHILDREN)
    begun = _now()
    subprocess.run([sys.executable, "-c", _SETUP.format(modules=modules)], cwd=tree,
                   check=True, stdout=subprocess.DEVNULL)  # fmt: skip
    took = _now() - begun
    (tree / "pyproject.off").rename(tree / "pyproject.toml")
    cpu = _cpu_since(start)
    print(f"mypyc build: {took:.1f} s wall, {cpu:.1f} s CPU", file=sys.stderr)


def _now() -> float:
    return os.times().elapsed


def _cpu_since(before: resource.struct_rusage) -> float:
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def run_in(tree: Path, args: list[str]) -> tuple[float, str]:
    """``python ARGS`` with ``tree``'s lifecheck: its CPU seconds and standard output."""
    env = os.environ | {"PYTHONPATH": str(tree)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run([sys.executable, *args], cwd=tree, env=env, capture_output=True,
                          text=True, check=False)  # fmt: skip
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(args)} in {tree}: exit {done.returncode}\n{done.stderr}")
    return _cpu_since(before), done.stdout


def check_args(log: Path, out: Path) -> list[str]:
    return ["-m", "lifecheck", "check", str(log), "--format", "json", "-o", str(out), "-j", "1"]


def instructions(tree: Path, log: Path, out: Path) -> int:
    """The instructions callgrind counts in one check of ``log``."""
    env = os.environ | {"PYTHONPATH": str(tree)}
    done = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable,
         *check_args(log, out)],
        cwd=tree, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    found = re.search(r"Collected : (\d+)", done.stderr)
    if found is None:
        raise SystemExit(f"callgrind failed:\n{done.stderr[-500:]}")
    return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--scenarios", nargs="+", default=["agents", "messages"])
    parser.add_argument("--callgrind", action="store_true")
    options = parser.parse_args()
    logs = {scenario: input_of(scenario, options.lines) for scenario in options.scenarios}
    with tempfile.TemporaryDirectory(prefix="lifecheck-mypyc-") as temp:
        trees = {"pure": copy_tree(Path(temp) / "pure"), "mypyc": copy_tree(Path(temp) / "mypyc")}
        compile_tree(trees["mypyc"])
        for tree in trees.values():
            for package in ("lifecheck", "checker", "spec"):
                compileall.compile_dir(tree / package, quiet=1)
        out = Path(temp) / "report.json"
        seen: dict[tuple[str, str], list[float]] = {}
        lines: dict[str, int] = {}
        for round_ in range(options.rounds):
            order = list(trees.items())[:: 1 if round_ % 2 == 0 else -1]
            for scenario, log in logs.items():
                seen.setdefault((scenario, "floor"), []).append(floor_run(log).cpu)
                for name, tree in order:
                    cpu, _ = run_in(tree, check_args(log, out))
                    seen.setdefault((scenario, name), []).append(cpu)
                    _, split = run_in(tree, ["-c", _SPLIT, str(log)])
                    count, read, replayed = split.split()
                    lines[scenario] = int(count)
                    seen.setdefault((scenario, f"{name} read"), []).append(float(read))
                    seen.setdefault((scenario, f"{name} replay"), []).append(float(replayed))
        print(f"{options.lines} lines, {options.rounds} rounds, CPU seconds (medians)")
        for scenario in logs:
            got = {key[1]: median(values) for key, values in seen.items() if key[0] == scenario}
            floor = got["floor"]
            print(f"{scenario}: floor {floor:.3f}")
            for name in trees:
                per_line = got[name + " replay"] / lines[scenario] * 1e6
                print(f"  {name:5}  check -j1 {got[name]:.3f} ({got[name] / floor:.2f}x floor)"
                      f"  read {got[name + ' read']:.3f}  replay {got[name + ' replay']:.3f}"
                      f" ({per_line:.2f} us/line)")  # fmt: skip
            print(f"  pure/mypyc: check {got['pure'] / got['mypyc']:.2f}x, replay "
                  f"{got['pure replay'] / got['mypyc replay']:.2f}x")  # fmt: skip
            if options.callgrind:
                counts = {name: instructions(tree, log, out) for name, tree in trees.items()}
                print(f"  instructions: pure {counts['pure']:,} mypyc {counts['mypyc']:,} "
                      f"({counts['pure'] / counts['mypyc']:.2f}x)")  # fmt: skip


if __name__ == "__main__":
    main()
