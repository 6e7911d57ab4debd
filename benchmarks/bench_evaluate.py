"""Evaluation time with a cold and a warm reference-statistics cache.

Evaluates ``--n`` generated SMILES (default 30,000 random MOSES training molecules as
stand-in samples, or the first ``--n`` of ``--samples FILE``) against a curated dataset:
``--data DIR``, or by default one built from MOSES in a temporary directory (the whole
train split, for Novelty, and ``--reference-n`` random molecules of test and of
test_scaffolds; default all of them). The first call computes and caches the reference
statistics (fingerprints, fragments, scaffolds, properties, ChemNet statistics, KL profile);
the second reuses them. Prints JSON with both wall times, the speed-up, seconds per stage
(cumulative time inside the main functions, measured by wrapping them) and the metrics.

    python benchmarks/bench_evaluate.py                      # full scale: 30k vs MOSES
    python benchmarks/bench_evaluate.py --n 3000 --reference-n 10000
    python benchmarks/bench_evaluate.py --samples samples.parquet --data runs/x/data
    python benchmarks/bench_evaluate.py --samples runs/quick/char_rnn/samples.parquet \
        --n 10000 --cache data/cache/whole_moses     # a run judged against the whole test set
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from functools import wraps
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from molgen.data.moses import fetch_moses  # noqa: E402
from molgen.data.readers import read_source  # noqa: E402
from molgen.evaluation import evaluate as evaluate_module  # noqa: E402
from molgen.evaluation import fcd as fcd_module  # noqa: E402
from molgen.evaluation import metrics as metrics_module  # noqa: E402
from molgen.evaluation.evaluate import evaluate  # noqa: E402

STAGES: dict[str, float] = defaultdict(float)
"""Seconds spent in each wrapped stage since the last reset."""

STAGE_TARGETS = [
    # The MOSES filters are a feature of generated sets.
    (evaluate_module, "compute_features", "features, references + samples"),
    (fcd_module, "chemnet_activations", "ChemNet"),
    (evaluate_module, "kl_profile", "KL profiles"),
    (metrics_module, "snn", "SNN"),
    (metrics_module, "internal_diversity", "IntDiv"),
]


def _timed(name: str, fn: Callable) -> Callable:
    @wraps(fn)
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            STAGES[name] += time.perf_counter() - start

    return wrapper


def install_stage_timers() -> None:
    """Wrap the functions of :data:`STAGE_TARGETS` so that they add to :data:`STAGES`."""
    for module, attr, name in STAGE_TARGETS:
        setattr(module, attr, _timed(name, getattr(module, attr)))


def stage_seconds() -> dict[str, float]:
    """The stage times since the last call, rounded, then reset."""
    out = {name: round(seconds, 1) for name, seconds in STAGES.items()}
    STAGES.clear()
    return out


def moses_split(name: str, n: int | None, seed: int) -> list[str]:
    """A MOSES split, or a seeded random ``n`` of it."""
    smiles = pd.read_csv(fetch_moses()[name], usecols=["SMILES"])["SMILES"].to_numpy()
    if n is not None and n < len(smiles):
        smiles = np.random.default_rng(seed).choice(smiles, n, replace=False)
    return list(smiles)


def build_moses_dataset(root: Path, reference_n: int | None) -> Path:
    """A curated-dataset directory holding MOSES train, test and test_scaffolds."""
    root.mkdir(parents=True, exist_ok=True)
    sizes = {"train": None, "test": reference_n, "test_scaffolds": reference_n}
    for seed, (split, n) in enumerate(sizes.items()):
        frame = pd.DataFrame({"smiles": moses_split(split, n, seed)})
        frame.to_parquet(root / f"{split}.parquet", index=False)
    return root


def timed_evaluate(
    samples: list[str], data: Path, cache: Path, device: str, n_jobs: int
) -> tuple[float, dict]:
    """Wall time and result of one :func:`evaluate` call."""
    start = time.perf_counter()
    metrics = evaluate(samples, data, cache_dir=cache, device=device, n_jobs=n_jobs)
    return time.perf_counter() - start, metrics


def main() -> None:
    """Parse the arguments, run cold then warm, print JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=30_000, help="generated molecules")
    parser.add_argument("--samples", help="a samples file (default: MOSES train molecules)")
    parser.add_argument("--data", help="a curated dataset (default: MOSES, see --reference-n)")
    parser.add_argument("--reference-n", type=int, help="test/test_scaffolds subset size")
    parser.add_argument("--device", default="auto")
    parser.add_argument("--n-jobs", type=int, default=0, help="processes (0 = all cores)")
    parser.add_argument(
        "--cache",
        help="reference-statistics cache to keep and reuse across runs (default: a temp dir)",
    )
    args = parser.parse_args()
    install_stage_timers()

    with tempfile.TemporaryDirectory(prefix="bench-evaluate-") as tmp:
        data = (
            Path(args.data)
            if args.data
            else build_moses_dataset(Path(tmp) / "data", args.reference_n)
        )
        if args.samples:
            samples = read_source(args.samples)["input"].head(args.n).tolist()
        else:
            samples = moses_split("train", args.n, seed=123)
        cache = Path(args.cache) if args.cache else Path(tmp) / "cache"
        stage_seconds()
        cold, metrics = timed_evaluate(samples, data, cache, args.device, args.n_jobs)
        cold_stages = stage_seconds()
        print(json.dumps({"cold_seconds": round(cold, 1), "cold_stages": cold_stages}), flush=True)
        warm, again = timed_evaluate(samples, data, cache, args.device, args.n_jobs)
        warm_stages = stage_seconds()
    result = {
        "n_generated": len(samples),
        "reference_n": args.reference_n,
        "n_jobs": args.n_jobs,
        "cpu_count": os.cpu_count(),
        "threads": os.environ.get("OMP_NUM_THREADS"),
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "cold_seconds": round(cold, 1),
        "warm_seconds": round(warm, 1),
        "speedup": round(cold / warm, 2),
        "cold_stages": cold_stages,
        "warm_stages": warm_stages,
        "same_metrics": json.dumps(metrics) == json.dumps(again),
        "metrics": {name: round(value, 4) for name, value in metrics.items()},
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
