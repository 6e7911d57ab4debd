"""The candidate store at scale: ingestion rate and query times on real MOSES molecules.

Builds a store from the first ``--n`` molecules of the MOSES train split (default
1,000,000), scored with molgen's scoring over every core (timed on its own: scoring is not
ingestion), ingests them as one run, then times the issue's queries and prints JSON:

- ``ingest_molecules_per_s``: rows ingested per second (fingerprints included), and
  ``ingest_client_cpu_s`` / ``client_cpu_us_per_molecule``: the CPU time this process and
  its fingerprint workers spent on it (the database server's own CPU not included). On a
  shared machine the rate depends on what else runs; the CPU time per molecule much less;
- ``substructure_s``: a common SMARTS (sulfonamide) and a rarer one;
- ``top50_similarity_s``: the 50 most similar to a MOSES molecule;
- ``property_page_ms``: first page of qed >= 0.7, no PAINS, sorted by score;
- with ``--extra-scores K``: K extra score columns per molecule (an objective's
  ``c<i>_raw`` / ``c<i>_desirability``), all stored in ``scores``, and
  ``score_page_ms``: first page of ``c0_desirability >= 0.5`` sorted by ``score:c0_raw``.

The same on PostgreSQL (with the RDKit cartridge when installed) with ``--postgres URL``
(``scripts/postgres.sh start DIR`` prints one). Query times are the best of ``--repeat``
runs after one warm-up.

    python benchmarks/bench_store.py --n 20000 --postgres postgresql+psycopg://...
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from molgen.chem.mol import quiet_rdkit  # noqa: E402
from molgen.data.moses import fetch_moses  # noqa: E402
from molgen.scoring import ScoreConfig, score_smiles  # noqa: E402
from molgen.store.engine import has_rdkit_cartridge, open_store  # noqa: E402
from molgen.store.ingest import RunInfo, ingest_scores  # noqa: E402
from molgen.store.query import CandidateQuery, Range  # noqa: E402
from molgen.store.search import search  # noqa: E402

SMARTS = {"sulfonamide": "S(=O)(=O)N", "rare_thiophene_nitrile": "c1ccsc1C#N"}
LEAD = "CC(=O)Nc1ccc(S(=O)(=O)N2CCCC2)cc1"


def load_moses(n: int) -> list[str]:
    """The first ``n`` SMILES of the MOSES train split."""
    frame = pd.read_csv(fetch_moses()["train"], nrows=n)
    return frame["SMILES"].tolist() if "SMILES" in frame else frame.iloc[:, 0].tolist()


def best_of(run: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Seconds of the fastest of ``repeat`` calls after a warm-up, and the last result."""
    result = run()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - started)
    return min(times), result


def with_extra_scores(scores: pd.DataFrame, k: int) -> pd.DataFrame:
    """``scores`` plus ``k`` extra score columns (alternately ``c<i>_raw`` and
    ``c<i>_desirability``), seeded random values."""
    rng = np.random.default_rng(0)
    extra = {
        f"c{i // 2}_{'raw' if i % 2 == 0 else 'desirability'}": rng.random(len(scores))
        for i in range(k)
    }
    return scores.assign(**extra)


def cpu_seconds() -> float:
    """CPU time (user + system) of this process and of its finished child processes."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def measure(url: str, scores: pd.DataFrame, n_jobs: int, repeat: int) -> dict[str, Any]:
    """Ingest ``scores`` into the store at ``url`` and time the queries."""
    engine = open_store(url)
    started, cpu = time.perf_counter(), cpu_seconds()
    report = ingest_scores(
        engine, scores, run=RunInfo(run_key="bench-store"), family="moses", n_jobs=n_jobs
    )
    ingest_s = time.perf_counter() - started
    client_cpu_s = cpu_seconds() - cpu
    out: dict[str, Any] = {
        "backend": engine.dialect.name,
        "rdkit_cartridge": has_rdkit_cartridge(engine),
        "rows": report.rows_read,
        "molecules_inserted": report.molecules_inserted,
        "rejected": len(report.rejected),
        "ingest_s": round(ingest_s, 2),
        "ingest_molecules_per_s": round(report.rows_read / ingest_s, 1),
        "ingest_client_cpu_s": round(client_cpu_s, 2),
        "client_cpu_us_per_molecule": round(1e6 * client_cpu_s / max(report.rows_read, 1), 1),
        "scores_inserted": report.scores_inserted,
    }
    if "c0_raw" in scores and "c0_desirability" in scores:
        ranged = CandidateQuery(scores={"c0_desirability": Range(min=0.5)}, sort_by="score:c0_raw")
        seconds, page = best_of(lambda: search(engine, ranged), repeat)
        out["score_page_ms"] = round(seconds * 1000, 1)
        out["score_page_total"] = page.total
    for name, smarts in SMARTS.items():
        seconds, page = best_of(lambda s=smarts: search(engine, CandidateQuery(smarts=s)), repeat)
        out[f"substructure_{name}_s"] = round(seconds, 3)
        out[f"substructure_{name}_hits"] = page.total
    seconds, page = best_of(
        lambda: search(engine, CandidateQuery(similar_to=LEAD, top_k=50, sort_by="similarity")),
        repeat,
    )
    out["top50_similarity_s"] = round(seconds, 3)
    out["top50_best_similarity"] = page.rows[0].similarity if page.rows else None
    filters = CandidateQuery(properties={"qed": Range(min=0.7)}, pains=False, sort_by="score")
    seconds, page = best_of(lambda: search(engine, filters), repeat)
    out["property_page_ms"] = round(seconds * 1000, 1)
    out["property_page_total"] = page.total
    out["property_page_total_exact"] = page.total_exact
    engine.dispose()
    return out


def reset_postgres(url: str) -> None:
    """Drop the store's tables so ingestion starts from an empty database."""
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        for table in ("scores", "objectives", "candidates", "runs", "molecules", "alembic_version"):
            conn.execute(sa.text(f"DROP TABLE IF EXISTS {table} CASCADE"))
    engine.dispose()


def main() -> None:
    """Build the stores, time them, print JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="MOSES molecules to store")
    parser.add_argument("--postgres", help="SQLAlchemy URL of a PostgreSQL database to fill")
    parser.add_argument("--n-jobs", type=int, default=0, help="worker processes (0: all)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per query")
    parser.add_argument("--db", help="SQLite file (default: a temporary one, deleted)")
    parser.add_argument(
        "--scores",
        help="Parquet file of the scored molecules: read if it exists, else written after "
        "scoring (scoring 1M molecules takes about 20 minutes on 2 cores)",
    )
    parser.add_argument("--skip-sqlite", action="store_true", help="time PostgreSQL only")
    parser.add_argument(
        "--extra-scores", type=int, default=0, metavar="K", help="extra score columns per row"
    )
    args = parser.parse_args()
    quiet_rdkit()

    result: dict[str, Any] = {"cpus": os.cpu_count()}
    if args.scores and Path(args.scores).exists():
        scores = pd.read_parquet(args.scores).head(args.n)
        result["scores_from"] = args.scores
    else:
        smiles = load_moses(args.n)
        started = time.perf_counter()
        scores = score_smiles(smiles, ScoreConfig(n_jobs=args.n_jobs))
        scoring_s = time.perf_counter() - started
        result["scoring_s"] = round(scoring_s, 2)
        result["scoring_molecules_per_s"] = round(len(smiles) / scoring_s, 1)
        if args.scores:
            scores.to_parquet(args.scores, index=False)
    result["n"] = len(scores)
    if args.extra_scores:
        scores = with_extra_scores(scores, args.extra_scores)
        result["extra_scores"] = args.extra_scores
    with tempfile.TemporaryDirectory() as tmp:
        path = args.db or str(Path(tmp) / "bench-store.db")
        if Path(path).exists():
            sys.exit(f"bench_store: {path} exists; give a new file")
        if not args.skip_sqlite:
            result["sqlite"] = measure(f"sqlite:///{path}", scores, args.n_jobs, args.repeat)
    if args.postgres:
        reset_postgres(args.postgres)
        result["postgresql"] = measure(args.postgres, scores, args.n_jobs, args.repeat)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
