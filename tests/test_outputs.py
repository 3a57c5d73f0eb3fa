"""What the commands write: never an input, atomically, and one line for any output error
(docs/rules.md §4 "Exit codes")."""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from lifecheck.checker.commands.outputs import open_output

ROOT = Path(__file__).parents[1]
EXAMPLES = ROOT / "checker" / "examples"
CRASH_LOOP = EXAMPLES / "pr-2330-crash-loop.jsonl"


def lifecheck(
    *args: str | os.PathLike[str], limit_file_size: int | None = None
) -> subprocess.CompletedProcess[str]:
    """``python -m lifecheck ARGS``; ``limit_file_size`` caps every file it writes
    (RLIMIT_FSIZE: a write past it fails with EFBIG, as on a full disk)."""

    def limited() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        if limit_file_size is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit_file_size, limit_file_size))

    return subprocess.run(
        [sys.executable, "-m", "lifecheck", *map(str, args)],
        capture_output=True, text=True, errors="replace", cwd=ROOT, check=False,
        timeout=120, preexec_fn=limited,
    )  # fmt: skip


def state(directory: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under ``directory``: its bytes and mtime."""
    return {
        str(p.relative_to(directory)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(directory.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


@pytest.fixture
def store(tmp_path: Path) -> Path:
    copy = tmp_path / "store"
    shutil.copytree(EXAMPLES / "store", copy)
    return copy


@pytest.fixture
def log(tmp_path: Path) -> Path:
    copy = tmp_path / "log-0000.jsonl"
    shutil.copy(CRASH_LOOP, copy)
    return copy


def _one_line(result: subprocess.CompletedProcess[str], code: int, start: str) -> None:
    assert code == result.returncode, result.stderr
    lines = [line for line in result.stderr.splitlines() if "still give" not in line]  # minimize's
    assert [start] == [line[: len(start)] for line in lines], result.stderr
    assert "Traceback" not in result.stderr


class TestNeverAnInput:
    def test_a_log_of_the_store_is_refused(self, store: Path) -> None:
        """The issue's own case: a JSON report onto the log the store replays."""
        before = state(store)
        target = store / "log-0042.jsonl"
        result = lifecheck("check", store, "--format", "json", "-o", target)
        _one_line(result, 2, f"lifecheck: refusing to write {target}: it is an input (")
        assert "" == result.stdout
        assert before == state(store)

    @pytest.mark.parametrize("alias", ["symlink", "hardlink"])
    def test_through_an_alias(self, tmp_path: Path, store: Path, alias: str) -> None:
        """A symlink or a hard link to the log outside the store is the log all the same."""
        before = state(store)
        target = tmp_path / "report.json"
        if alias == "symlink":
            target.symlink_to(store / "log-0042.jsonl")
        else:
            os.link(store / "log-0042.jsonl", target)
        result = lifecheck("check", store, "--format", "json", "-o", target)
        _one_line(result, 2, f"lifecheck: refusing to write {target}: it is an input (")
        assert before == state(store)

    def test_a_new_file_inside_the_store_is_refused(self, store: Path) -> None:
        """The daemon owns its store: no report is created beside its logs."""
        before = state(store)
        result = lifecheck("check", store, "-o", store / "report.txt")
        _one_line(
            result, 2,
            f"lifecheck: refusing to write {store / 'report.txt'}: it is inside the input store",
        )  # fmt: skip
        assert before == state(store)

    def test_the_log_checked(self, log: Path) -> None:
        before = log.read_bytes()
        result = lifecheck("check", log, "--format", "sarif", "-o", log)
        _one_line(result, 2, f"lifecheck: refusing to write {log}: it is an input ({log})")
        assert before == log.read_bytes()

    def test_diagram_trace(self, log: Path) -> None:
        before = log.read_bytes()
        result = lifecheck("diagram", "--trace", log, "-o", log)
        _one_line(result, 2, f"lifecheck: refusing to write {log}: it is an input ({log})")
        assert before == log.read_bytes()

    def test_minimize(self, log: Path) -> None:
        before = log.read_bytes()
        result = lifecheck("minimize", log, "--rule", "stale-pid", "-o", log)
        _one_line(result, 2, f"lifecheck: refusing to write {log}: it is an input ({log})")
        assert ("", before) == (result.stdout, log.read_bytes())

    def test_generate_expectations_onto_the_log(self, log: Path) -> None:
        before = log.read_bytes()
        result = lifecheck("generate", "--events", "20", "-o", log, "--expect", log)
        _one_line(result, 2, f"lifecheck: refusing to write {log}: it is the log written")
        assert before == log.read_bytes()

    def test_an_output_beside_a_log_file_is_fine(self, log: Path) -> None:
        """A log given on its own is not a store: its folder is the user's."""
        result = lifecheck("check", log, "--format", "json", "-o", log.with_name("report.json"))
        assert 1 == result.returncode, result.stderr
        assert json.loads(log.with_name("report.json").read_text())["findings"]


class TestAtomicOutputs:
    def test_a_failed_write_leaves_the_previous_report(self, tmp_path: Path, log: Path) -> None:
        """A write that fails half-way (here the file size limit, as a full disk would)
        is exit 2, one line, and the previous report is intact, no temporary file left."""
        report = tmp_path / "out" / "report.json"
        report.parent.mkdir()
        report.write_bytes(b"the previous report\n")
        result = lifecheck("check", log, "--format", "json", "-o", report, limit_file_size=4096)
        _one_line(result, 2, f"lifecheck: cannot write {report}: file too large")
        assert [report] == list(report.parent.iterdir())
        assert b"the previous report\n" == report.read_bytes()

    def test_the_report_replaces_the_file_with_its_mode(self, tmp_path: Path, log: Path) -> None:
        report = tmp_path / "report.txt"
        report.write_bytes(b"old")
        report.chmod(0o640)
        result = lifecheck("check", log, "-o", report)
        summary = report.read_text().splitlines(keepends=True)[-1]  # also on stderr, for a log
        assert (1, summary) == (result.returncode, result.stderr)
        assert summary.endswith("(semantics d11b83e)\n")
        assert 0o640 == report.stat().st_mode & 0o777
        assert {report.name, log.name} == {p.name for p in tmp_path.iterdir()}

    def test_a_new_file_has_the_mode_the_umask_gives(self, tmp_path: Path, log: Path) -> None:
        report = tmp_path / "new.txt"
        lifecheck("check", log, "-o", report)
        umask = os.umask(0)
        os.umask(umask)
        assert 0o666 & ~umask == report.stat().st_mode & 0o777

    def test_through_a_symlink_the_link_stays(self, tmp_path: Path, log: Path) -> None:
        """-o LINK writes the file the link names, and the link stays a link."""
        real = tmp_path / "real.txt"
        real.write_text("old")
        link = tmp_path / "link.txt"
        link.symlink_to(real)
        lifecheck("check", log, "-o", link)
        assert link.is_symlink()
        assert real.read_text().endswith("(semantics d11b83e)\n")

    def test_missing_directory(self, tmp_path: Path, log: Path) -> None:
        target = tmp_path / "missing" / "report.json"
        result = lifecheck("check", log, "-o", target)
        _one_line(result, 2, f"lifecheck: cannot write {target}: no such file or directory")

    @pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only directory")
    def test_read_only_directory(self, tmp_path: Path, log: Path) -> None:
        folder = tmp_path / "ro"
        folder.mkdir(mode=0o555)
        result = lifecheck("check", log, "-o", folder / "report.txt")
        _one_line(result, 2, f"lifecheck: cannot write {folder / 'report.txt'}: permission denied")

    @pytest.mark.parametrize(
        "command",
        [
            ["check", str(CRASH_LOOP)],
            ["check", str(CRASH_LOOP), "--format", "junit"],
            ["diagram"],
            ["minimize", str(CRASH_LOOP), "--rule", "stale-pid"],
            ["generate", "--events", "20"],
        ],
    )
    def test_dev_full_as_output_file(self, command: list[str]) -> None:
        """A device is written directly: its error is exit 2 and one line."""
        result = lifecheck(*command, "-o", "/dev/full")
        _one_line(result, 2, "lifecheck: cannot write /dev/full: no space left on device")

    @pytest.mark.parametrize(
        "command",
        [
            ["check", str(CRASH_LOOP)],
            ["check", str(CRASH_LOOP), "--format", "json"],
            ["diagram"],
            ["coverage", str(CRASH_LOOP)],
            ["lint"],
            ["explain", str(CRASH_LOOP), "--agent", "btucker-reviewer"],
            ["minimize", str(CRASH_LOOP), "--rule", "stale-pid"],
            ["generate", "--events", "20"],
            ["--help"],
        ],
    )
    def test_dev_full_as_standard_output(self, command: list[str]) -> None:
        with open("/dev/full", "wb") as full:
            done = subprocess.run(
                [sys.executable, "-m", "lifecheck", *command], stdout=full,
                stderr=subprocess.PIPE, text=True, cwd=ROOT, check=False, timeout=60,
            )  # fmt: skip
        errors = [line for line in done.stderr.splitlines() if line.startswith("lifecheck:")]
        assert (2, ["lifecheck: cannot write standard output: no space left on device"]) == (
            done.returncode,
            errors,
        ), done.stderr
        assert "Traceback" not in done.stderr
        assert "Exception ignored" not in done.stderr

    def test_a_fifo_is_written_directly(self, tmp_path: Path) -> None:
        fifo = tmp_path / "fifo"
        os.mkfifo(fifo)
        command = [sys.executable, "-m", "lifecheck", "diagram", "-o", str(fifo)]
        with subprocess.Popen(command, cwd=ROOT) as process:
            data = fifo.read_text()
        assert (0, True) == (process.returncode, "stateDiagram-v2" in data)


class TestOpenOutput:
    def test_streamed_writes_land_together(self, tmp_path: Path) -> None:
        target = tmp_path / "out.jsonl"
        with open_output(str(target)) as output:
            for number in range(1000):
                output.write(b"%d\n" % number)
            assert not target.exists()  # nothing is in place before the end
        assert [str(n) for n in range(1000)] == target.read_text().split()

    def test_an_interrupt_leaves_the_previous_file(self, tmp_path: Path) -> None:
        """No partial output: the body interrupted half-way, the old file stays whole."""
        target = tmp_path / "out.txt"
        target.write_bytes(b"previous")

        def interrupted() -> None:
            with open_output(str(target)) as output:
                output.write(b"half of the new one")
                raise KeyboardInterrupt

        with pytest.raises(KeyboardInterrupt):
            interrupted()
        assert [target] == list(tmp_path.iterdir())
        assert b"previous" == target.read_bytes()


class TestClosedPipe:
    @pytest.mark.parametrize(
        ("command", "code"),
        [
            (["minimize", str(CRASH_LOOP), "--rule", "stale-pid"], 0),
            (["check", str(CRASH_LOOP)], 1),
            (["check", str(EXAMPLES / "clean-day.jsonl"), "--format", "json"], 0),
            (["diagram", "--format", "dot"], 0),
            (["coverage", str(CRASH_LOOP)], 0),
            (["generate", "--events", "3000"], 0),
        ],
    )
    def test_head_has_what_it_wanted(self, command: list[str], code: int) -> None:
        """`... | head -1`: the code the command would have had, and nothing on stderr."""
        shell = f"{sys.executable} -m lifecheck {' '.join(command)} | head -1 >/dev/null"
        done = subprocess.run(
            ["bash", "-c", f"{shell}; exit ${{PIPESTATUS[0]}}"], capture_output=True,
            text=True, cwd=ROOT, check=False, timeout=60,
        )  # fmt: skip
        assert code == done.returncode, done.stderr
        assert not [line for line in done.stderr.splitlines() if line.startswith("lifecheck:")]
        assert "Traceback" not in done.stderr

    def test_minimize_into_a_pipe_closed_at_once(self) -> None:
        """The reader is gone before minimize writes a byte: still exit 0, quiet."""
        read, write = os.pipe()
        os.close(read)
        done = subprocess.run(
            [sys.executable, "-m", "lifecheck", "minimize", str(CRASH_LOOP), "--rule",
             "stale-pid"], stdout=write, stderr=subprocess.PIPE, text=True, cwd=ROOT,
            check=False, timeout=60,
        )  # fmt: skip
        os.close(write)
        assert (0, "") == (
            done.returncode,
            "".join(line for line in done.stderr.splitlines() if "still give" not in line),
        )
