"""Check many inputs on a Dask cluster (``pip install 'lifecheck[dask]'``).

``lifecheck check --jobs N`` spreads the inputs over N processes of one machine; an
organisation auditing thousands of stores can spread them over the machines of a Dask
cluster instead, through the library API::

    from distributed import Client
    import lifecheck
    from lifecheck.distributed import check_on_dask

    with Client("scheduler:8786") as client:
        reports = check_on_dask(client, stores, semantics="d11b83e")
    report = lifecheck.to_json(reports, "d11b83e")  # = lifecheck check --format json STORES

Each input is one task (:func:`lifecheck.check` on a worker), so each worker must see the
paths it is given (a shared file system, or the same mount on every machine). The reports
come back in input order, one list as ``lifecheck check`` of the same inputs makes: every
renderer (:func:`lifecheck.to_json`, :func:`lifecheck.to_sarif`, ...) takes it as it is.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from lifecheck.api import check
from lifecheck.checker.replay.engine import DEFAULT_SEMANTICS
from lifecheck.checker.reports.data import InputReport

if TYPE_CHECKING:
    from distributed import Client


def check_on_dask(
    client: Client,
    paths: Iterable[str],
    semantics: str = DEFAULT_SEMANTICS,
    *,
    exact: bool = False,
) -> list[InputReport]:
    """:func:`lifecheck.check` of each path as a task of ``client``'s cluster; the reports
    of every input, in order (an input that cannot be read comes back with ``error`` set).
    """
    chosen = list(paths)
    # pure=False: a log checked again may have grown since, so no result is reused.
    futures = client.map(check, chosen, semantics=semantics, exact=exact, pure=False)
    return [report for future in futures for report in future.result()]
