"""Paths that are not UTF-8 or hold control characters are shown with backslash escapes, in
every format, and each finding stays one text line."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from html import escape, unescape
from pathlib import Path
from urllib.parse import unquote_to_bytes
from xml.etree import ElementTree as ET

import pytest

from lifecheck.checker.reports.printable import printable
from tests.builders import started

ROOT = Path(__file__).parents[1]
GHOST = "0000000f-0000-4000-8000-000000000000"

#: File names as bytes, and how lifecheck shows them.
NAMES = {
    b"\xff.jsonl": "\\xff.jsonl",
    b"a\nb.jsonl": "a\\nb.jsonl",
    b"tab\there.jsonl": "tab\\there.jsonl",
    b"\x1b[31mred.jsonl": "\\x1b[31mred.jsonl",
    "caf\u00e9 \u2028.jsonl".encode(): "caf\u00e9 \\u2028.jsonl",
}


def lifecheck(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "lifecheck", *args], capture_output=True,
                          cwd=ROOT, check=False, timeout=60)  # fmt: skip


def _log(tmp_path: Path, name: bytes) -> str:
    """A log named ``name`` whose one finding is ``unknown-agent`` at line 1."""
    path = os.path.join(os.fsencode(tmp_path), name)
    with open(path, "wb") as log:
        log.write(started(GHOST) + b"\n")
    return os.fsdecode(path)


@pytest.fixture(params=list(NAMES), ids=list(NAMES.values()))
def named(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, str]:
    """A log under an awkward name, and that name as shown."""
    name: bytes = request.param
    return _log(tmp_path, name), f"{tmp_path}/{NAMES[name]}"


def _clean(result: subprocess.CompletedProcess[bytes], code: int = 1) -> str:
    assert code == result.returncode, result.stderr
    assert b"Traceback" not in result.stderr
    return result.stdout.decode()


def test_printable() -> None:
    """Escapes only what is not printable; applied twice, it changes nothing more."""
    assert "plain/path é ü.jsonl" == printable("plain/path é ü.jsonl")
    assert "a\\nb\\tc\\rd\\x1b\\x7f\\x85\\u2028\\xff\\U000e0001" == printable(
        "a\nb\tc\rd\x1b\x7f\x85\u2028" + os.fsdecode(b"\xff") + "\U000e0001"
    )
    twice = printable(printable("a\n" + os.fsdecode(b"\xfe")))
    assert "a\\n\\xfe" == twice


def test_text(named: tuple[str, str]) -> None:
    """The input's heading and its one finding, each one line."""
    path, shown = named
    lines = _clean(lifecheck("check", path, "--no-explain")).splitlines()
    assert lines[0].startswith(f"{shown} (1 event, ")
    findings = [line for line in lines if line.startswith("  ") and "unknown-agent" in line]
    assert 1 == len(findings)
    assert findings[0].startswith(f"  {shown}:1: error unknown-agent: ")


def test_json(named: tuple[str, str]) -> None:
    path, shown = named
    report = json.loads(_clean(lifecheck("check", path, "--format", "json")))
    assert shown == report["inputs"][0]["path"] == report["inputs"][0]["log"]
    assert [shown] == [finding["path"] for finding in report["findings"]]


def test_sarif(named: tuple[str, str]) -> None:
    """The artifact URI percent-encodes the file's own bytes."""
    path, _ = named
    report = json.loads(_clean(lifecheck("check", path, "--format", "sarif")))
    (result,) = report["runs"][0]["results"]
    uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri.startswith("file://")
    assert os.fsencode(path) == unquote_to_bytes(uri.removeprefix("file://"))


def test_junit_is_valid_xml(named: tuple[str, str]) -> None:
    path, shown = named
    suites = ET.fromstring(lifecheck("check", path, "--format", "junit").stdout)
    suite = suites.find("testsuite")
    assert suite is not None
    assert shown == suite.get("name")
    failure = suite.find("testcase[@name='unknown-agent']/failure")
    assert failure is not None
    assert (failure.text or "").startswith(f"{shown}:1:")


def test_html(named: tuple[str, str]) -> None:
    path, shown = named
    page = _clean(lifecheck("check", path, "--format", "html"))
    assert f"<h2>{escape(shown)}</h2>" in page
    assert f"<td class='where' title='{escape(shown)}:1'>line 1</td>" in page


def test_diagram_trace(named: tuple[str, str]) -> None:
    path, shown = named
    assert f"{shown}: 1 events" in _clean(lifecheck("diagram", "--trace", path), code=0)


def test_coverage(named: tuple[str, str]) -> None:
    path, shown = named
    report = json.loads(_clean(lifecheck("coverage", path, "--format", "json"), code=0))
    assert [shown] == report["inputs"]


def test_an_unreadable_input_is_one_line(tmp_path: Path) -> None:
    """A missing path, a store with no log: one stderr line each, exit 2."""
    missing = os.fsdecode(os.path.join(os.fsencode(tmp_path), b"gone\n\xff.jsonl"))
    empty = os.path.join(os.fsencode(tmp_path), b"store\xfe")
    os.mkdir(empty)
    result = lifecheck("check", missing, os.fsdecode(empty))
    _clean(result, code=2)
    assert [
        f"lifecheck: {tmp_path}/gone\\n\\xff.jsonl: no such file or directory",
        f"lifecheck: {tmp_path}/store\\xfe: no Midtown event log (log-NNNN.jsonl) or snapshot here",
    ] == result.stderr.decode().splitlines()


def test_explain_and_minimize(named: tuple[str, str]) -> None:
    path, shown = named
    explained = lifecheck("explain", path + ".gone", "--agent", "nobody")
    assert (2, f"lifecheck: {shown}.gone: no such file or directory\n") == (
        explained.returncode,
        explained.stderr.decode(),
    )
    minimized = lifecheck("minimize", path, "--rule", "stale-pid")
    assert (1, f"lifecheck: {shown} gives no stale-pid finding (d11b83e)\n") == (
        minimized.returncode,
        minimized.stderr.decode(),
    )


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")
def test_drawn_diagram_title(named: tuple[str, str]) -> None:
    """Graphviz drops a backslash it does not know: the title keeps the escaped name."""
    path, shown = named
    svg = _clean(lifecheck("diagram", "--format", "svg", "--trace", path), code=0)
    assert f"{shown}: 1 events" in unescape(svg)
