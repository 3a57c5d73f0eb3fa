"""No import cycle among lifecheck's modules, imports inside function bodies included.

grimp (import-linter's graph library) reads every import statement of every module, also
those in function bodies, which Python runs only when the function is called. Imports under
``if TYPE_CHECKING:`` are left out: they never run. The layering itself is checked by the
import-linter contracts of pyproject.toml (``lint-imports``, run by .ci/run).
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).parents[1]
PACKAGE = ROOT / "lifecheck"


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    found = importlib.util.find_spec("lifecheck")
    origin = found.origin if found is not None else None
    assert origin is not None
    assert Path(origin).parent == PACKAGE, f"lifecheck is imported from {origin}"
    return grimp.build_graph("lifecheck", cache_dir=None, exclude_type_checking_imports=True)


def _modules_on_disk() -> set[str]:
    """Every module under lifecheck/, symlinked spec/ and checker/ included."""
    modules = set()
    for folder, _, files in os.walk(PACKAGE, followlinks=True):  # rglob would not follow
        package = Path(folder).relative_to(ROOT).parts
        for name in files:
            if name.endswith(".py") and "__pycache__" not in package:
                stem = name.removesuffix(".py")
                modules.add(".".join(package if stem == "__init__" else (*package, stem)))
    return modules


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = []
            while not component or component[-1] != module:
                component.append(stack.pop())
                on_stack.discard(component[-1])
            if len(component) > 1:
                found.append(sorted(component))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return sorted(found)


def _describe(graph: grimp.ImportGraph, cycle: list[str]) -> str:
    """The imports that make up ``cycle``, one per line, with their line numbers."""
    lines = []
    for importer in cycle:
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            if imported in cycle:
                details = graph.get_import_details(importer=importer, imported=imported)
                numbers = ", ".join(str(detail["line_number"]) for detail in details)
                lines.append(f"  {importer} -> {imported} (line {numbers})")
    return "\n".join(lines)


def test_the_graph_holds_every_module(graph: grimp.ImportGraph) -> None:
    """grimp skips a folder with no __init__.py: then its modules would go unchecked."""
    missing = sorted(_modules_on_disk() - set(graph.modules))
    folders = sorted({m.rpartition(".")[0] for m in missing} - set(graph.modules))
    assert not missing, f"not in the import graph: {missing}; no __init__.py in {folders}"


def test_no_import_cycle(graph: grimp.ImportGraph) -> None:
    """No module imports itself back, directly or through others, at any time."""
    cycles = _cycles(graph)
    report = "\n".join(f"{' '.join(cycle)}:\n{_describe(graph, cycle)}" for cycle in cycles)
    assert not cycles, f"{len(cycles)} import cycle(s):\n{report}"


def test_a_cycle_through_a_function_body_is_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check sees an import that runs only when its function is called."""
    package = tmp_path / "cyclic"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("def later():\n    from cyclic import b\n")
    (package / "b.py").write_text("import cyclic.a\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    graph = grimp.build_graph("cyclic", cache_dir=None, exclude_type_checking_imports=True)
    assert [["cyclic.a", "cyclic.b"]] == _cycles(graph)
    assert "cyclic.a -> cyclic.b (line 2)" in _describe(graph, ["cyclic.a", "cyclic.b"])
