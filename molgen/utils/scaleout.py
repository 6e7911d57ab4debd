"""Scale-out of the chunked stages (curate, score) over a Dask cluster: the typed config,
and the ``Mapper`` through which the library hands its chunks to whatever runs them.

The library never talks to Dask or Prefect itself. :func:`molgen.data.curate.curate` and
:func:`molgen.scoring.chunked.score_file_chunked` take a ``Mapper``: a function that applies
a picklable chunk function to a stream of chunks and yields the results in input order.
The default is :func:`molgen.utils.parallel.parallel_map` (local processes); the flows pass
one that submits each chunk as a Prefect task to Prefect's Dask task runner. Every
cross-chunk step (deduplication, splitting, novelty, the output files) stays in the
calling process and sees the results in the same order, so the output does not depend on
where the chunks ran.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from pydantic import Field

from molgen.utils.config import StrictModel

__all__ = ["DaskConfig", "Mapper"]

Mapper = Callable[[Callable[[Any], Any], Iterable[Any]], Iterator[Any]]
"""``mapper(fn, items)``: ``fn`` applied to every item, results yielded in input order."""


class DaskConfig(StrictModel):
    """``[dask]``: run curation and scoring chunk by chunk on a Dask cluster.

    Without this section the stages run in one process (with local worker processes).
    With it and an ``address`` they run on that existing cluster; without an address on a
    local cluster of ``n_workers`` processes started for the run.
    """

    address: str | None = Field(
        default=None,
        description="Scheduler address of an existing cluster, e.g. tcp://scheduler:8786; "
        "None starts a local cluster.",
    )
    n_workers: int = Field(default=2, ge=1, description="Worker processes of a local cluster.")
    threads_per_worker: int = Field(
        default=1, ge=1, description="Threads per local worker (RDKit work holds the GIL)."
    )
    chunk_size: int | None = Field(
        default=None,
        ge=1,
        description="Rows per task; None keeps the stage's own chunk_size. Chunking does not "
        "change the results.",
    )
    max_pending: int = Field(
        default=32,
        ge=1,
        description="Chunks submitted ahead of the one being combined; bounds the memory of "
        "the flow process and of the cluster.",
    )
