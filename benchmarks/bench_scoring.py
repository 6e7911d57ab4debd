"""Scoring throughput: molgen against a naive one-molecule-at-a-time RDKit loop.

The naive loop is what a typical script does: for each SMILES, parse it, call each RDKit
descriptor function, QED.qed, sascorer.calculateScore and a FilterCatalog (built once) for
PAINS and for Brenk. Both must give identical values; the script asserts that and prints
JSON with the throughputs, the speed-up per core, the scaling over cores and the largest
absolute difference. On a shared machine wall-clock scaling is only indicative, so CPU
times are reported too (the per-core speed-up by CPU time, and the parallel run's total
CPU time, workers included, over the single-process run's).

    python benchmarks/bench_scoring.py --n 5000
    python benchmarks/bench_scoring.py --smiles my.smi --n 2000

Input: ``--smiles FILE`` (any format molgen reads), else the MOSES test set from
``data/moses/test.csv.gz`` or from the molsets wheel in /tmp/dl.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import time
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
from rdkit import Chem
from rdkit.Chem import QED, Descriptors
from rdkit.Contrib.SA_Score import sascorer

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from molgen.chem.alerts import alert_catalog  # noqa: E402
from molgen.chem.columns import DTYPES  # noqa: E402
from molgen.chem.mol import quiet_rdkit  # noqa: E402
from molgen.chem.properties import prepare  # noqa: E402
from molgen.data.readers import read_source  # noqa: E402
from molgen.scoring import ScoreConfig, Scorer  # noqa: E402

CACHED = ROOT / "data" / "moses" / "test.csv.gz"
WHEEL = Path("/tmp/dl/molsets-0.3.1-py3-none-any.whl")
FLOATS = tuple(name for name, dtype in DTYPES.items() if dtype == "float64")
EXACT = tuple(name for name in DTYPES if name not in FLOATS)


def load_smiles(path: str | None, n: int) -> list[str]:
    """The first ``n`` SMILES of ``path`` or of the MOSES test set."""
    if path:
        return read_source(path)["input"].head(n).tolist()
    if CACHED.is_file():
        frame = pd.read_csv(CACHED)
    else:
        with zipfile.ZipFile(WHEEL) as wheel:
            data = wheel.read("moses/dataset/data/test.csv.gz")
        frame = pd.read_csv(io.BytesIO(data), compression="gzip")
    column = "SMILES" if "SMILES" in frame.columns else "smiles"
    return frame[column].head(n).tolist()


def naive_scores(smiles: list[str]) -> pd.DataFrame:
    """One molecule at a time, one RDKit call per property."""
    pains, brenk = alert_catalog("pains"), alert_catalog("brenk")
    rows = []
    for text in smiles:
        mol = Chem.MolFromSmiles(text)
        if mol is None:
            rows.append({"smiles": text, "valid": False})
            continue
        pains_hits = [e.GetDescription() for e in pains.GetMatches(mol)]
        brenk_hits = [e.GetDescription() for e in brenk.GetMatches(mol)]
        mw, logp = Descriptors.MolWt(mol), Descriptors.MolLogP(mol)
        hbd, hba = Descriptors.NumHDonors(mol), Descriptors.NumHAcceptors(mol)
        rows.append({
            "smiles": Chem.MolToSmiles(mol),
            "valid": True,
            "inchikey": Chem.MolToInchiKey(mol),
            "mw": mw,
            "logp": logp,
            "tpsa": Descriptors.TPSA(mol),
            "hbd": hbd,
            "hba": hba,
            "rotb": Descriptors.NumRotatableBonds(mol),
            "rings": Descriptors.RingCount(mol),
            "qed": QED.qed(mol),
            "sa": sascorer.calculateScore(mol),
            "lipinski_violations": (mw > 500) + (logp > 5) + (hbd > 5) + (hba > 10),
            "pains": bool(pains_hits),
            "brenk": bool(brenk_hits),
            "alerts": "; ".join([f"pains:{d}" for d in pains_hits]
                                + [f"brenk:{d}" for d in brenk_hits]),
        })  # fmt: skip
    return pd.DataFrame(rows)


def compare(naive: pd.DataFrame, ours: pd.DataFrame) -> float:
    """Largest absolute difference of the float columns; asserts every other column is
    identical and the floats are bit-for-bit equal."""
    for column in EXACT:
        left = naive[column].astype(object).where(naive[column].notna(), None).tolist()
        right = ours[column].astype(object).where(ours[column].notna(), None).tolist()
        assert left == right, f"column {column} differs"
    worst = 0.0
    for column in FLOATS:
        left, right = naive[column].to_numpy(float), ours[column].to_numpy(float)
        assert np.array_equal(np.isnan(left), np.isnan(right)), f"column {column}: NaNs differ"
        diff = np.abs(left - right)
        worst = max(worst, float(np.nanmax(diff)) if diff.size else 0.0)
    assert worst == 0.0, f"float values differ by up to {worst}"
    return worst


def _cpu() -> float:
    """CPU seconds of this process and of its finished child processes."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def timed(fn, *args):
    """``fn(*args)``, the wall seconds and the CPU seconds (worker processes included)."""
    wall, cpu = time.perf_counter(), _cpu()
    result = fn(*args)
    return result, time.perf_counter() - wall, _cpu() - cpu


def main() -> None:
    """Run the benchmark and print one JSON object."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smiles", metavar="FILE", help="input molecules (default: MOSES)")
    parser.add_argument("--n", type=int, default=20_000, help="number of molecules")
    parser.add_argument("--jobs", type=int, default=0, help="worker processes (0 = all cores)")
    args = parser.parse_args()
    quiet_rdkit()
    smiles = load_smiles(args.smiles, args.n)
    # Steady state for both: catalogs built, SA fragment scores loaded, alert screen built.
    sascorer.readFragmentScores()
    prepare()
    naive, naive_s, naive_cpu = timed(naive_scores, smiles)
    one, one_s, one_cpu = timed(Scorer(ScoreConfig(n_jobs=1)).table, smiles)
    jobs = args.jobs if args.jobs > 0 else (os.cpu_count() or 1)
    many, many_s, many_cpu = timed(Scorer(ScoreConfig(n_jobs=jobs)).table, smiles)
    worst = compare(naive, one)
    assert one.equals(many), "parallel result differs from the single-process result"
    n = len(smiles)
    result = {
        "molecules": n,
        "cores": jobs,
        "load_average_1min": round(os.getloadavg()[0], 2),
        "naive_mol_per_s_1_core": round(n / naive_s, 1),
        "molgen_mol_per_s_1_core": round(n / one_s, 1),
        "molgen_mol_per_s_all_cores": round(n / many_s, 1),
        "speedup_per_core": round(naive_s / one_s, 2),
        "scaling": round(one_s / many_s, 2),
        # CPU time is less disturbed than wall time when other jobs share the cores.
        "speedup_per_core_cpu_time": round(naive_cpu / one_cpu, 2),
        "parallel_cpu_time_over_single": round(many_cpu / one_cpu, 2),
        "max_abs_difference": worst,
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
