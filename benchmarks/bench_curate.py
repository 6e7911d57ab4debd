"""Throughput and peak memory of curating the MOSES set.

Curates MOSES (all 1.9M molecules, or a seeded subset with ``--max-train``) into a temp
directory and prints JSON: molecules, seconds, molecules/s, kept/rejected and peak RSS.
Peak RSS comes from ``resource.getrusage``: ``self`` is the main process, ``max_child``
the largest worker (``RUSAGE_CHILDREN`` reports the maximum over finished children), and
``tree_bound`` = self + n_jobs x max_child, an upper bound on the tree's peak (forked
workers also count the pages they share with the parent).

    python benchmarks/bench_curate.py [--max-train 100000] [--n-jobs 0]
"""

from __future__ import annotations

import argparse
import json
import logging
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from molgen.data.config import CurateConfig  # noqa: E402
from molgen.data.curate import curate  # noqa: E402
from molgen.utils.parallel import resolve_n_jobs  # noqa: E402


def _mib(kib: int) -> float:
    return round(kib / 1024, 1)


def main() -> None:
    """Curate MOSES once and print the figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--max-train", type=int, default=None, help="MOSES train subset size")
    parser.add_argument("--max-test", type=int, default=None, help="MOSES test subset sizes")
    parser.add_argument("--n-jobs", type=int, default=0, help="worker processes (0 = all)")
    parser.add_argument("--chunk-size", type=int, default=20_000)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, stream=sys.stderr)
    max_test = args.max_test
    if max_test is None and args.max_train is not None:
        max_test = max(args.max_train // 10, 1)
    config = CurateConfig(
        moses_max_train=args.max_train,
        moses_max_test=max_test,
        n_jobs=args.n_jobs,
        chunk_size=args.chunk_size,
    )
    with tempfile.TemporaryDirectory(prefix="molgen-bench-curate-") as out:
        started = time.perf_counter()
        summary = curate(["moses"], out, config)
        seconds = time.perf_counter() - started
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    n_jobs = resolve_n_jobs(args.n_jobs)
    tree = own + (n_jobs * child if n_jobs > 1 else 0)
    result = {
        "benchmark": "curate",
        "source": "moses",
        "max_train": args.max_train,
        "max_test": max_test,
        "n_jobs": n_jobs,
        "molecules": summary["input"],
        "kept": summary["kept"],
        "rejected": summary["rejected"],
        "splits": summary["splits"],
        "seconds": round(seconds, 1),
        "molecules_per_s": round(summary["input"] / seconds, 1),
        "peak_rss_mib": {"self": _mib(own), "max_child": _mib(child), "tree_bound": _mib(tree)},
        "top_reject_reasons": dict(list(summary["rejected_by_reason"].items())[:5]),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
