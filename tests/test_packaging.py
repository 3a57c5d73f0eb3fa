"""The wheel installs one top-level package, lifecheck, with the spec, the checker and its examples.

The repository keeps spec/ and checker/ at its top; lifecheck/spec and lifecheck/checker are
symlinks to them, which the build follows (pyproject.toml). The wheel is built offline with
hatchling's PEP 517 hook, as pip would, in about a second.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
BUILD = "import sys\nfrom hatchling.build import build_wheel\nbuild_wheel(sys.argv[1])"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-c", BUILD, str(out)], cwd=ROOT, check=True)
    (built,) = out.glob("lifecheck-*.whl")
    return built


@pytest.fixture(scope="module")
def names(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def _files(folder: str, pattern: str) -> set[str]:
    """The repository's ``folder/pattern`` files, as the wheel names them under lifecheck/."""
    return {
        "lifecheck/" + path.relative_to(ROOT).as_posix()
        for path in (ROOT / folder).rglob(pattern)
        if "__pycache__" not in path.parts
    }


def test_only_lifecheck_is_installed_at_the_top(names: set[str]) -> None:
    """No `spec`, `checker`, `tests` or `diagrams` lands in site-packages."""
    top = {name.split("/")[0] for name in names}
    dist_info = {name for name in top if name.endswith(".dist-info")}
    assert {"lifecheck"} == top - dist_info
    assert len(dist_info) == 1
    assert dist_info.pop().startswith("lifecheck-")


def test_spec_checker_examples_and_testing_are_in_it(names: set[str]) -> None:
    """Every module of spec/ and checker/, the examples, and lifecheck.testing."""
    examples = _files("checker/examples", "*.*")
    assert "lifecheck/spec/lifecycle.py" in names
    assert "lifecheck/checker/commands/cli.py" in names
    assert "lifecheck/checker/examples/pr-2330-crash-loop.jsonl" in examples
    assert set() == (_files("spec", "*.py") | _files("checker", "*.py") | examples) - names
    testing = {
        f"lifecheck/testing/{path.name}" for path in (ROOT / "lifecheck/testing").glob("*.py")
    }
    assert set() == testing - names
    assert not [name for name in names if "__pycache__" in name or name.endswith(".pyc")]


def test_the_entry_point_is_lifecheck(wheel: Path) -> None:
    """The ``lifecheck`` command runs the CLI's main."""
    with zipfile.ZipFile(wheel) as archive:
        (entry_points,) = [n for n in archive.namelist() if n.endswith("/entry_points.txt")]
        text = archive.read(entry_points).decode()
    assert "lifecheck = lifecheck.checker.commands.cli:main" in text


@pytest.fixture(scope="module")
def site(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel unpacked, as pip installs it."""
    site = tmp_path_factory.mktemp("site")
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    return site


def _python(site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Python, run outside the repository, with the unpacked wheel first on its path."""
    env = {**os.environ, "PYTHONPATH": str(site)}
    command = [sys.executable, *args]
    return subprocess.run(command, cwd=site.parent, env=env, capture_output=True, text=True)


def test_python_m_lifecheck_runs_from_the_wheel(site: Path) -> None:
    """``python -m lifecheck --version`` runs the unpacked copy."""
    where = _python(site, "-c", "import lifecheck.checker.commands.cli as m; print(m.__file__)")
    assert Path(where.stdout.strip()).is_relative_to(site), where.stderr
    version = _python(site, "-m", "lifecheck", "--version")
    assert version.returncode == 0, version.stderr
    assert version.stdout.startswith("lifecheck, version ")


def test_lifecheck_generate_runs_from_the_wheel(site: Path) -> None:
    """``lifecheck generate`` finds the test support (lifecheck.testing) in the wheel."""
    generated = _python(site, "-m", "lifecheck", "generate", "--seed", "1", "--events", "20")
    assert generated.returncode == 0, generated.stderr
    assert len(generated.stdout.splitlines()) == 20
