from __future__ import annotations

from molgen.utils.parallel import chunked, parallel_map, resolve_n_jobs


def square_all(chunk):
    return [x * x for x in chunk]


def test_chunked():
    assert chunked(list(range(5)), 2) == [[0, 1], [2, 3], [4]]
    assert chunked([], 3) == []


def test_parallel_map_keeps_order_and_matches_serial():
    chunks = chunked(list(range(1000)), 37)
    serial = list(parallel_map(square_all, chunks, n_jobs=1))
    parallel = list(parallel_map(square_all, iter(chunks), n_jobs=2))
    assert serial == parallel
    assert [x for part in parallel for x in part] == [x * x for x in range(1000)]


def test_resolve_n_jobs():
    assert resolve_n_jobs(0) >= 1
    assert resolve_n_jobs(3) == 3
