"""Curation and scoring on a Dask cluster against the single-process path.

Takes the first ``--n`` MOSES train SMILES, then runs four variants, each in a fresh child
process with the real flows (Prefect's temporary server, MLflow in a temp SQLite store):

- ``curate-single``: ``curate_flow`` without ``[dask]`` (local worker processes, n_jobs = 0);
- ``curate-dask``: the same with ``[dask]`` on a local cluster of ``--workers`` processes;
- ``score-single`` and ``score-dask``: ``score_flow`` of the same SMILES, novelty against
  the curated train split.

Prints JSON: per variant the wall seconds of the flow call, molecules/s, and the peak RSS
of the flow's process (``resource.getrusage``; Dask's workers are separate processes and
not included), and whether the Dask outputs equal the single-process ones exactly. On one
2-core machine the Dask path only adds overhead (task submission, pickling chunks to the
workers); the figures show how much, and that the results do not change.

    python benchmarks/bench_scaleout.py --n 100000 [--workers 2] [--chunk-size 20000]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CACHED = ROOT / "data" / "moses" / "train.csv.gz"
WHEEL = Path("/tmp/dl/molsets-0.3.1-py3-none-any.whl")
VARIANTS = ("curate-single", "curate-dask", "score-single", "score-dask")


def write_input(n: int, path: Path) -> None:
    """The first ``n`` MOSES train SMILES as a one-column CSV."""
    if CACHED.is_file():
        frame = pd.read_csv(CACHED, nrows=n)
    else:
        with zipfile.ZipFile(WHEEL) as wheel:
            data = wheel.read("moses/dataset/data/train.csv.gz")
        frame = pd.read_csv(io.BytesIO(data), compression="gzip", nrows=n)
    column = "SMILES" if "SMILES" in frame.columns else "smiles"
    frame[[column]].rename(columns={column: "smiles"}).to_csv(path, index=False)


def run_variant(variant: str, work: Path, workers: int, chunk_size: int) -> dict[str, object]:
    """Run one variant in this process and return its figures."""
    from flows.curate import curate_flow
    from flows.score import score_flow
    from molgen.config import DaskConfig, PipelineConfig

    stage, path = variant.split("-")
    dask = DaskConfig(n_workers=workers, chunk_size=chunk_size) if path == "dask" else None
    config = PipelineConfig.model_validate(
        {
            "curate": {"sources": [str(work / "input.csv")], "chunk_size": chunk_size},
            "score": {"chunk_size": chunk_size},
            "tracking": {"tracking_uri": f"sqlite:///{work / f'mlflow-{variant}.db'}"},
        }
    )
    config.dask = dask
    os.environ["MOLGEN_CACHE_DIR"] = str(work / f"cache-{variant}")
    started = time.perf_counter()
    if stage == "curate":
        result = curate_flow(config, str(work / variant))
        molecules = result["input"]
    else:
        out = work / variant / "scores.parquet"
        result = score_flow(config, str(work / "input.csv"), str(out), str(work / "curate-single"))
        molecules = result.get("n", len(pd.read_parquet(out)))
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "seconds": round(seconds, 1),
        "molecules": molecules,
        "molecules_per_second": round(molecules / seconds, 1),
        "flow_process_peak_rss_mib": round(peak, 1),
    }


def _same(single: Path, dask: Path) -> bool:
    files = sorted(p.relative_to(single) for p in single.rglob("*.parquet"))
    if not files or files != sorted(p.relative_to(dask) for p in dask.rglob("*.parquet")):
        return False
    return all(
        pd.read_parquet(single / name).equals(pd.read_parquet(dask / name)) for name in files
    )


def main() -> None:
    """Run every variant in a child process and print the figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=100_000, help="MOSES train molecules")
    parser.add_argument("--workers", type=int, default=2, help="local Dask worker processes")
    parser.add_argument("--chunk-size", type=int, default=20_000, help="rows per chunk/task")
    parser.add_argument("--variant", choices=VARIANTS, help=argparse.SUPPRESS)
    parser.add_argument("--work", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.variant:
        figures = run_variant(args.variant, Path(args.work), args.workers, args.chunk_size)
        print(json.dumps(figures))
        return
    with tempfile.TemporaryDirectory(prefix="molgen-bench-scaleout-") as tmp:
        work = Path(tmp)
        write_input(args.n, work / "input.csv")
        report: dict[str, object] = {
            "n": args.n,
            "workers": args.workers,
            "chunk_size": args.chunk_size,
            "cores": os.cpu_count(),
        }
        options = ["--work", str(work), "--workers", str(args.workers)]
        options += ["--chunk-size", str(args.chunk_size)]
        for variant in VARIANTS:
            command = [sys.executable, __file__, "--variant", variant, *options]
            done = subprocess.run(command, cwd=work, capture_output=True, text=True)
            if done.returncode:
                sys.exit(f"{variant} failed:\n{done.stderr[-3000:]}")
            report[variant] = json.loads(done.stdout.strip().splitlines()[-1])
        report["curate_identical"] = _same(work / "curate-single", work / "curate-dask")
        report["score_identical"] = _same(work / "score-single", work / "score-dask")
        print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
