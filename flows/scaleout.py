"""Prefect's Dask task runner for the chunked stages, and the mapper that feeds it.

:func:`dask_task_runner` turns a ``[dask]`` config section into a ``DaskTaskRunner``: the
named scheduler, or a local cluster started for the flow run. :func:`task_mapper` is the
:data:`molgen.utils.scaleout.Mapper` the library's chunked stages take: it submits each chunk as
one Prefect task (to the flow run's task runner, so to Dask) and yields the results in
submission order, with at most ``max_pending`` chunks in flight.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from prefect import task
from prefect.cache_policies import NO_CACHE
from prefect_dask import DaskTaskRunner

from molgen.utils.scaleout import DaskConfig, Mapper

__all__ = ["dask_task_runner", "task_mapper"]


def dask_task_runner(config: DaskConfig) -> DaskTaskRunner:
    """The Dask task runner that ``config`` names: its scheduler address, or a local
    cluster of ``n_workers`` processes when there is none."""
    if config.address:
        return DaskTaskRunner(address=config.address)
    return DaskTaskRunner(
        cluster_kwargs={
            "n_workers": config.n_workers,
            "threads_per_worker": config.threads_per_worker,
            "processes": True,
            "dashboard_address": ":0",  # any free port, so clusters never collide
        }
    )


def task_mapper(max_pending: int) -> Mapper:
    """A mapper that runs each item as a Prefect task of the current flow run.

    Chunks are neither cached nor persisted (each is used once, by the combining step), and
    a failed chunk fails the stage with its own error.
    """

    def mapper(fn: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]:
        chunk_task = task(
            fn, name=f"{fn.__name__}-chunk", cache_policy=NO_CACHE, persist_result=False
        )
        pending: deque[Any] = deque()
        for item in items:
            pending.append(chunk_task.submit(item))
            if len(pending) >= max_pending:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()

    return mapper
