"""One parallel-map helper for every batch computation over molecules."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

from tqdm.auto import tqdm

__all__ = ["chunked", "parallel_map", "resolve_n_jobs"]

T = TypeVar("T")
R = TypeVar("R")


def resolve_n_jobs(n_jobs: int) -> int:
    """``0`` or negative means all cores; otherwise the number given."""
    return (os.cpu_count() or 1) if n_jobs <= 0 else n_jobs


def chunked(items: Sequence[T], size: int) -> list[Sequence[T]]:
    """Split a sequence into consecutive chunks of at most ``size`` items."""
    return [items[i : i + size] for i in range(0, len(items), size)]


def parallel_map(
    fn: Callable[[T], R],
    items: Iterable[T],
    n_jobs: int = 0,
    progress: bool = False,
    desc: str | None = None,
    total: int | None = None,
) -> Iterator[R]:
    """Apply ``fn`` to each item over ``n_jobs`` processes, yielding results in order.

    ``fn`` should take a whole chunk (a list of SMILES, a DataFrame slice) so that the
    per-call overhead is amortised. With one job it runs in this process.

    Args:
        fn: a picklable function.
        items: inputs; consumed lazily, with at most ``2 * n_jobs`` in flight, so memory
            stays bounded on large streams.
        n_jobs: number of processes (0 = all cores).
        progress: show a tqdm bar.
        desc: label for the bar.
        total: number of items, for the bar.
    """
    n = resolve_n_jobs(n_jobs)
    bar = tqdm(total=total, desc=desc, disable=not progress, unit="chunk")
    try:
        if n == 1:
            for item in items:
                yield fn(item)
                bar.update()
            return
        with ProcessPoolExecutor(max_workers=n) as pool:
            pending = []
            iterator = iter(items)
            for item in iterator:
                pending.append(pool.submit(fn, item))
                if len(pending) >= 2 * n:
                    yield pending.pop(0).result()
                    bar.update()
            for future in pending:
                yield future.result()
                bar.update()
    finally:
        bar.close()
