"""Ctrl-C and SIGTERM: exit 130 at once, one line, no output and no worker left behind; and
workers die with their parent whatever kills it."""

from __future__ import annotations

import glob
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
#: How long lifecheck may take to exit after the signal ("about a second").
PROMPT = 1.5


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A log big enough (over 16 MB) to be validated in segments by -j 2."""
    path = tmp_path_factory.mktemp("big") / "big.jsonl"
    subprocess.run(
        [sys.executable, "-m", "lifecheck", "generate", "--events", "100000", "--agents", "200",
         "-o", str(path)], cwd=ROOT, check=True, timeout=300,
    )  # fmt: skip
    assert path.stat().st_size > 16 * 1024 * 1024
    return path


def children(pid: int) -> set[int]:
    found: set[int] = set()
    for name in glob.glob(f"/proc/{pid}/task/*/children"):
        try:
            found.update(int(child) for child in Path(name).read_text().split())
        except OSError:
            continue
    return found


def alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie waiting for init to reap it does not)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status


#: Every process the tests started, killed after each test if still alive.
_STARTED: list[int] = []


@pytest.fixture(autouse=True)
def _reap() -> Iterator[None]:
    yield
    for pid in _STARTED:
        if alive(pid):
            os.kill(pid, signal.SIGKILL)
    _STARTED.clear()


def start(
    *args: str | os.PathLike[str], session: bool = False
) -> tuple[subprocess.Popen[bytes], set[int]]:
    """``lifecheck ARGS``, once its worker processes run: the process and their pids."""
    process = subprocess.Popen(
        [sys.executable, "-m", "lifecheck", *map(str, args)], cwd=ROOT,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=session,
    )  # fmt: skip
    _STARTED.append(process.pid)
    deadline = time.monotonic() + 60
    while len(workers := children(process.pid)) < 2:
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.005)
    _STARTED.extend(workers)
    return process, workers


def gone(workers: set[int], within: float = 2.0) -> bool:
    deadline = time.monotonic() + within
    while any(alive(pid) for pid in workers):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def _interrupted(process: subprocess.Popen[bytes], sent: float) -> bytes:
    stdout, stderr = process.communicate(timeout=30)
    took = time.monotonic() - sent
    assert (130, b"lifecheck: interrupted\n") == (process.returncode, stderr)
    assert took < PROMPT, f"took {took:.2f} s to exit"
    return stdout


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_one_big_log(big: Path, tmp_path: Path, signum: int) -> None:
    """The signal while -j 2 validates segments: exit 130, no report, no worker left."""
    report = tmp_path / "report.json"
    process, workers = start("check", "-j", "2", "--exact", big, "--format", "json", "-o", report)
    process.send_signal(signum)
    assert b"" == _interrupted(process, time.monotonic())
    assert gone(workers)
    assert [] == list(tmp_path.iterdir())


def test_several_inputs(big: Path) -> None:
    """Three inputs checked two at a time: the queued one is cancelled, not waited for."""
    process, workers = start("check", "-j", "2", "--exact", big, big, big)
    process.send_signal(signal.SIGINT)
    assert b"" == _interrupted(process, time.monotonic())
    assert gone(workers)


def test_ctrl_c_at_the_terminal(big: Path) -> None:
    """A terminal sends SIGINT to the whole process group: workers say nothing of it."""
    process, workers = start("check", "-j", "2", "--exact", big, session=True)
    os.killpg(process.pid, signal.SIGINT)
    _interrupted(process, time.monotonic())
    assert gone(workers)


def test_workers_die_with_their_parent(big: Path) -> None:
    """Killed outright (no handler runs), the parent still takes its workers along."""
    process, workers = start("check", "-j", "2", "--exact", big)
    process.kill()
    process.communicate(timeout=30)
    assert gone(workers)
