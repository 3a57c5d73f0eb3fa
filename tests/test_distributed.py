"""lifecheck.distributed: many inputs checked on a (local) Dask cluster make the same report
as ``lifecheck check`` of the same inputs."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

import lifecheck
from lifecheck.spec.examples import EXAMPLES, LOG
from tests.builders import run_cli

if TYPE_CHECKING:
    from distributed import Client

ROOT = Path(__file__).parents[1]

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("distributed") is None,
    reason="dask[distributed] is not installed (pip install '.[test]' or '.[dask]')",
)


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    """Two worker processes, so that reports travel between processes as on a cluster."""
    from distributed import Client, LocalCluster

    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
        as cluster,
        Client(cluster) as connected,
    ):  # fmt: skip
        yield connected


def _inputs(directory: Path) -> list[str]:
    """Logs and stores with and without findings, and one input that cannot be read."""
    examples = ROOT / "checker" / "examples"
    store = directory / "stale-store"
    store.mkdir()
    for name, text in EXAMPLES["stale-snapshot-chosen"].files.items():
        (store / name).write_text(text)
    (directory / LOG).write_text(EXAMPLES["pid-reuse"].files[LOG])
    return [str(examples / "pr-2330-crash-loop.jsonl"), str(examples / "clean-day.jsonl"),
            str(examples / "store"), str(store), str(directory / LOG),
            str(directory / "missing.jsonl")]  # fmt: skip


@pytest.mark.parametrize("semantics", ["d11b83e", "proposed"])
def test_the_merged_report_is_that_of_check(client: Client, tmp_path: Path, semantics: str) -> None:
    """The cluster's reports, rendered as JSON, are byte for byte `lifecheck check`'s JSON."""
    from lifecheck.distributed import check_on_dask

    paths = _inputs(tmp_path)
    reports = check_on_dask(client, paths, semantics)
    expected = run_cli("check", *paths, "--format", "json", "--semantics", semantics).stdout
    assert expected == lifecheck.to_json(reports, semantics).decode()
    assert [report.path for report in reports] == paths
    assert reports == lifecheck.check(paths, semantics)
