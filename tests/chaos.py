"""Tools for the chaos suite (tests/test_chaos.py): running ``lifecheck`` as a process the
way a user's shell does, watching its processes and open files, snapshotting an input tree
and mounting a small file system (tests only).

Starting Python and importing lifecheck costs about 0.25 s of CPU, most of a small case's
run. :func:`run` therefore forks each run from a server process that has imported
lifecheck once (``LIFECHECK_CHAOS_EXEC=1`` starts ``python -m lifecheck`` instead): the
child is a process of its own, with its own cwd, environment, standard streams and
capabilities, runs the same ``main()`` as ``python -m lifecheck`` and ends through the
interpreter's own exit (standard streams flushed there too), so its exit status is what
the command's would be.
"""

from __future__ import annotations

import atexit
import ctypes
import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
Arg = str | bytes | os.PathLike[str]

_PR_CAPBSET_DROP = 24
_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH = 1, 2


def as_plain_user() -> None:
    """In the child, before exec: as root, give up the capabilities that ignore file modes,
    so that a mode of 000 or 0555 binds lifecheck as it binds any user."""
    if os.geteuid() == 0:
        libc = ctypes.CDLL(None, use_errno=True)
        for capability in (_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH):
            libc.prctl(_PR_CAPBSET_DROP, capability, 0, 0, 0)


class _CapHeader(ctypes.Structure):
    _fields_ = (("version", ctypes.c_uint32), ("pid", ctypes.c_int))


class _CapData(ctypes.Structure):
    _fields_ = (
        ("effective", ctypes.c_uint32),
        ("permitted", ctypes.c_uint32),
        ("inheritable", ctypes.c_uint32),
    )


def drop_file_mode_capabilities() -> None:
    """:func:`as_plain_user` for a forked child that does not exec: the capabilities are
    taken out of the effective and permitted sets as well (``capset``)."""
    as_plain_user()
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    header, data = _CapHeader(0x20080522, 0), (_CapData * 2)()  # _LINUX_CAPABILITY_VERSION_3
    if libc.capget(ctypes.byref(header), data) != 0:
        raise OSError(ctypes.get_errno(), "capget")
    keep = ~((1 << _CAP_DAC_OVERRIDE) | (1 << _CAP_DAC_READ_SEARCH))
    data[0].effective &= keep
    data[0].permitted &= keep
    if libc.capset(ctypes.byref(header), data) != 0:
        raise OSError(ctypes.get_errno(), "capset")


def environment(home: Path | None = None) -> dict[str, str]:
    """The caller's environment, with this worktree's lifecheck first and no colour forced."""
    env = {k: v for k, v in os.environ.items() if k not in {"NO_COLOR", "FORCE_COLOR"}}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    if home is not None:
        env["HOME"] = str(home)
    return env


def command(*args: Arg) -> list[Arg]:
    """``python -m lifecheck ARGS`` (bytes arguments stay bytes: file names not UTF-8)."""
    return [sys.executable, "-m", "lifecheck", *args]


@dataclass(frozen=True)
class Ran:
    code: int
    stdout: bytes
    stderr: bytes

    @property
    def err(self) -> str:
        return self.stderr.decode("utf-8", errors="replace")

    def json(self) -> Any:
        return json.loads(self.stdout)

    def show(self) -> str:
        """Both streams, shortened, for an assertion's message."""
        out = self.stdout[:2000].decode("utf-8", errors="replace")
        return f"exit {self.code}\n--- stderr:\n{self.err[:3000]}\n--- stdout:\n{out}"


def run(
    args: Sequence[Arg], cwd: Path, *, home: Path | None = None, stdout: str | None = None,
    timeout: float = 60,
) -> Ran:  # fmt: skip
    """Run ``lifecheck ARGS`` in ``cwd`` (standard output to the file ``stdout`` if given);
    a run that does not end in time fails the test."""
    if os.environ.get("LIFECHECK_CHAOS_EXEC"):
        return _exec(args, cwd, home, stdout, timeout)
    with tempfile.TemporaryDirectory() as streams:
        out, err = stdout or os.path.join(streams, "stdout"), os.path.join(streams, "stderr")
        request = {
            "argv": [os.fsencode(a).hex() for a in args], "cwd": str(cwd),
            "env": environment(home), "stdout": out, "stderr": err, "timeout": timeout,
        }  # fmt: skip
        code = _server().ask(request)
        if code is None:
            pytest.fail(f"lifecheck {args!r} did not end within {timeout} s")
        captured = b"" if stdout else Path(out).read_bytes()
        return Ran(code, captured, Path(err).read_bytes())


def _exec(args: Sequence[Arg], cwd: Path, home: Path | None, stdout: str | None,
          timeout: float) -> Ran:  # fmt: skip
    with open(stdout or os.devnull, "wb") as sink:
        try:
            done = subprocess.run(
                command(*args), cwd=cwd, env=environment(home), stdin=subprocess.DEVNULL,
                stdout=sink if stdout else subprocess.PIPE, stderr=subprocess.PIPE,
                timeout=timeout, check=False, preexec_fn=as_plain_user,
            )  # fmt: skip
        except subprocess.TimeoutExpired:
            pytest.fail(f"lifecheck {args!r} did not end within {timeout} s")
    return Ran(done.returncode, done.stdout or b"", done.stderr)


# The server: reads one JSON request a line, forks a child that runs it, answers with the
# child's exit code (null when it was killed for taking too long). The child leaves the
# loop by raising SystemExit out of main(), so the interpreter's own exit ends it.
_SERVER = r"""
import json, os, sys, time
sys.path.insert(0, sys.argv[1])
from lifecheck.checker.commands.cli import main
import lifecheck.checker.minimize, lifecheck.checker.reports.html
import lifecheck.checker.reports.junit, lifecheck.checker.reports.sarif
import lifecheck.checker.reports.timeline, lifecheck.spec.analysis, lifecheck.testing
import concurrent.futures, multiprocessing
from tests.chaos import drop_file_mode_capabilities

answers = os.fdopen(os.dup(1), "w")
def serve():
    for request in map(json.loads, sys.stdin):
        pid = os.fork()
        if pid == 0:
            return request
        deadline, status = time.monotonic() + request["timeout"], None
        while status is None:
            done, wait_status = os.waitpid(pid, os.WNOHANG)
            if done:
                status = os.waitstatus_to_exitcode(wait_status)
            elif time.monotonic() > deadline:
                os.kill(pid, 9)
                os.waitpid(pid, 0)
                break
            else:
                time.sleep(0.001)
        print(json.dumps(status), file=answers, flush=True)
    sys.exit(0)

request = serve()
answers.close()
os.chdir(request["cwd"])
os.environ.clear()
os.environ.update(request["env"])
drop_file_mode_capabilities()
for fd, path, flags in [(0, os.devnull, os.O_RDONLY),
                        (1, request["stdout"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC),
                        (2, request["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC)]:
    opened = os.open(path, flags, 0o600)
    os.dup2(opened, fd)
    os.close(opened)
sys.argv = ["lifecheck", *(os.fsdecode(bytes.fromhex(a)) for a in request["argv"])]
main()
"""


class _Server:
    """One server process for the whole session."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", _SERVER, str(REPO)], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, env=environment(), text=True,
        )  # fmt: skip

    def ask(self, request: dict[str, Any]) -> int | None:
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        answer = self.process.stdout.readline()
        assert answer, "the chaos server died"
        code: int | None = json.loads(answer)
        return code

    def close(self) -> None:
        """End of the requests: the server exits."""
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=10)


@cache
def _server() -> _Server:
    server = _Server()
    atexit.register(server.close)
    return server


def start(args: Sequence[Arg], cwd: Path, **options: Any) -> subprocess.Popen[bytes]:
    """Start ``lifecheck ARGS`` in the background, stdout and stderr piped."""
    return subprocess.Popen(
        command(*args), cwd=cwd, env=environment(), stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=as_plain_user, **options,
    )  # fmt: skip


# --- the input tree -------------------------------------------------------------------------


TreeState = dict[bytes, tuple[object, ...]]


def tree_state(root: Path) -> TreeState:
    """Every entry under ``root`` (symlinks not followed): its type, mode, inode, mtime_ns
    and content (a digest of a file's bytes, a link's target)."""
    state: TreeState = {}
    top = os.fsencode(root)
    for directory, dirs, files in os.walk(top):
        for name in dirs + files:
            path = os.path.join(directory, name)
            info = os.lstat(path)
            content: object = None
            if stat.S_ISREG(info.st_mode):
                content = _digest(path) if info.st_size else ""
            elif stat.S_ISLNK(info.st_mode):
                content = os.readlink(path)
            state[os.path.relpath(path, top)] = (
                stat.S_IFMT(info.st_mode), stat.S_IMODE(info.st_mode), info.st_ino,
                info.st_mtime_ns, content,
            )  # fmt: skip
    return state


def _digest(path: bytes) -> str | None:
    try:
        with open(path, "rb") as file:
            return hashlib.file_digest(file, "sha256").hexdigest()
    except PermissionError:  # not root: a file of mode 000 is compared by mtime only
        return None


def tree_changes(before: TreeState, after: TreeState) -> list[str]:
    """What differs, in words."""
    changes = [f"new: {p!r}" for p in after.keys() - before.keys()]
    changes += [f"gone: {p!r}" for p in before.keys() - after.keys()]
    changes += [
        f"changed: {p!r} {before[p]} -> {after[p]}"
        for p in before.keys() & after.keys()
        if before[p] != after[p]
    ]
    return sorted(changes)


# --- processes --------------------------------------------------------------------------------


def _processes() -> dict[int, tuple[int, str, str]]:
    """Every process: pid -> (parent pid, state, start time)."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            text = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = text.rsplit(")", 1)[1].split()
        found[int(entry)] = (int(fields[1]), fields[0], fields[19])
    return found


def descendants(pid: int) -> dict[int, str]:
    """The living descendants of ``pid``: pid -> start time (to tell a reused pid apart)."""
    table = _processes()
    children: dict[int, list[int]] = {}
    for child, (parent, _, _) in table.items():
        children.setdefault(parent, []).append(child)
    found, todo = {}, [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if table[child][1] != "Z":
                found[child] = table[child][2]
            todo.append(child)
    return found


def alive(processes: dict[int, str]) -> dict[int, str]:
    """Those of ``processes`` still running (not zombies, not a new process on the pid)."""
    table = _processes()
    return {
        pid: started
        for pid, started in processes.items()
        if pid in table and table[pid][2] == started and table[pid][1] != "Z"
    }


def wait_for(condition: Callable[[], object], timeout: float, what: str) -> Any:
    """Poll ``condition`` until it is true; fail the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.0005)


def has_open(pid: int, path: Path) -> bool:
    """Whether process ``pid`` holds ``path`` open."""
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return False
    for fd in fds:
        try:
            if os.readlink(f"/proc/{pid}/fd/{fd}") == str(path):
                return True
        except OSError:
            continue
    return False


# --- a small file system of our own ----------------------------------------------------------

_DRIVER = r"""
import json, os, subprocess, sys
spec = json.loads(sys.argv[1])
mount = spec["mount"]
subprocess.run(["mount", "-t", "tmpfs", "-o", "size=" + spec["size"], "tmpfs", mount], check=True)
for name, text in spec["files"].items():
    with open(os.path.join(mount, name), "wb") as file:
        file.write(bytes.fromhex(text))
if spec["fill"]:
    filler = os.path.join(mount, "filler")
    with open(filler, "wb", buffering=0) as file:
        try:
            while True:
                file.write(b"\0" * 4096)
        except OSError:
            pass
    os.truncate(filler, max(0, os.path.getsize(filler) - spec["fill"]))
if spec["readonly"]:
    subprocess.run(["mount", "-o", "remount,ro", mount], check=True)
done = subprocess.run(spec["argv"], cwd=spec["cwd"], capture_output=True, env=spec["env"])
files = {}
for name in sorted(os.listdir(mount)):
    with open(os.path.join(mount, name), "rb") as file:
        files[name] = "" if name == "filler" else file.read().hex()
print(json.dumps({"code": done.returncode, "stdout": done.stdout.hex(),
                  "stderr": done.stderr.hex(), "files": files}))
"""


@cache
def can_mount() -> bool:
    """Whether ``unshare -rm`` gives this user a mount namespace to mount a tmpfs in."""
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "-rm", "true"], capture_output=True, check=False)
    return probe.returncode == 0


def run_on_tmpfs(
    args: Sequence[str],
    cwd: Path,
    mount: Path,
    files: dict[str, bytes],
    *,
    size: str = "1m",
    free: int = 0,
    readonly: bool = False,
) -> tuple[Ran, dict[str, bytes]]:
    """Run ``lifecheck ARGS`` with a tmpfs of ``size`` mounted on ``mount`` (in a mount
    namespace of its own), holding ``files``; with ``free``, the rest of the tmpfs is filled
    but that many bytes; with ``readonly``, it is remounted read-only. Returns the run and
    what the tmpfs held after it (but the filler)."""
    if not can_mount():
        pytest.skip("needs `unshare -rm` (a user and mount namespace) to mount a tmpfs")
    mount.mkdir()
    spec = {
        "mount": str(mount), "size": size, "fill": free, "readonly": readonly,
        "files": {name: data.hex() for name, data in files.items()},
        "argv": [str(a) for a in command(*args)], "cwd": str(cwd), "env": environment(),
    }  # fmt: skip
    done = subprocess.run(
        ["unshare", "-rm", sys.executable, "-c", _DRIVER, json.dumps(spec)],
        capture_output=True, check=False, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    result = json.loads(done.stdout)
    ran = Ran(result["code"], bytes.fromhex(result["stdout"]), bytes.fromhex(result["stderr"]))
    held = {name: bytes.fromhex(text) for name, text in result["files"].items()}
    held.pop("filler", None)
    return ran, held
