"""Scoring throughput: molgen against a naive RDKit loop, and objectives' speed.

The naive loop is what a typical script does: for each SMILES, parse it, call each RDKit
descriptor function, QED.qed, sascorer.calculateScore and a FilterCatalog (built once) for
PAINS and for Brenk. Both must give identical values; the script asserts that and prints
JSON with the throughputs, the speed-up per core, the scaling over cores and the largest
absolute difference. On a shared machine wall-clock scaling is only indicative, so CPU
times are reported too (the per-core speed-up by CPU time, and the parallel run's total
CPU time, workers included, over the single-process run's).

Objectives (``objective_*`` keys): the default objective's table (``molgen score``) in
molecules/s on one core and on all cores, next to the same figures for the Scorer from
before objectives when ``--baseline DIR`` names that molgen source tree (for example
``git archive abe89c4 molgen | tar -x -C /tmp/before``; it runs in a subprocess, and its
scores must equal the default objective's exactly); and reward mode: an objective of QED,
SA and ECFP4 similarity to celecoxib called on batches of ``--batch`` SMILES, in this
process and over a warm pool of worker processes.

    python benchmarks/bench_scoring.py --n 10000 --baseline /tmp/before
    python benchmarks/bench_scoring.py --smiles my.smi --n 2000 --skip-naive

Input: ``--smiles FILE`` (any format molgen reads), else the MOSES test set from
``data/moses/test.csv.gz`` or from the molsets wheel in /tmp/dl, else analogues of
``tests/data/moses_300.csv`` (each molecule with one H replaced by C, N, O, F or Cl, until
``--n`` distinct molecules).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
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
from molgen.scoring import (  # noqa: E402
    ComponentConfig,
    Objective,
    ObjectiveConfig,
    ScoreConfig,
    Scorer,
)

CACHED = ROOT / "data" / "moses" / "test.csv.gz"
WHEEL = Path("/tmp/dl/molsets-0.3.1-py3-none-any.whl")
SMALL = ROOT / "tests" / "data" / "moses_300.csv"
CELECOXIB = "Cc1ccc(-c2cc(C(F)(F)F)nn2-c2ccc(S(N)(=O)=O)cc2)cc1"
SUBSTITUENTS = ("C", "N", "O", "F", "Cl")
FLOATS = tuple(name for name, dtype in DTYPES.items() if dtype == "float64")
EXACT = tuple(name for name in DTYPES if name not in FLOATS)


def analogues(seeds: list[str], n: int) -> list[str]:
    """Up to ``n`` distinct molecules: the seeds, then each seed with one hydrogen replaced
    by a substituent, position by position."""
    found = dict.fromkeys(Chem.MolToSmiles(Chem.MolFromSmiles(s)) for s in seeds)
    for symbol in SUBSTITUENTS:
        for text in seeds:
            mol = Chem.MolFromSmiles(text)
            for atom in mol.GetAtoms():
                if len(found) >= n:
                    return list(found)[:n]
                if atom.GetTotalNumHs() == 0:
                    continue
                edit = Chem.RWMol(mol)
                new = edit.AddAtom(Chem.Atom(symbol))
                edit.AddBond(atom.GetIdx(), new, Chem.BondType.SINGLE)
                try:
                    Chem.SanitizeMol(edit)
                except Exception:  # valence: skip this position
                    continue
                found.setdefault(Chem.MolToSmiles(edit))
    return list(found)[:n]


def load_smiles(path: str | None, n: int) -> list[str]:
    """The first ``n`` SMILES of ``path``, of the MOSES test set, or analogues of the
    MOSES sample in the tests."""
    if path:
        return read_source(path)["input"].head(n).tolist()
    if CACHED.is_file():
        frame = pd.read_csv(CACHED)
    elif WHEEL.is_file():
        with zipfile.ZipFile(WHEEL) as wheel:
            data = wheel.read("moses/dataset/data/test.csv.gz")
        frame = pd.read_csv(io.BytesIO(data), compression="gzip")
    else:
        return analogues(pd.read_csv(SMALL)["smiles"].tolist(), n)
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


BASELINE = """
import json, os, sys, time
import numpy as np
from molgen.chem.properties import prepare
from molgen.scoring import ScoreConfig, Scorer
smiles = open(sys.argv[1]).read().split()
jobs, batch, out = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
prepare()
figures = {}
for n_jobs in (1, jobs):
    t, cpu = time.perf_counter(), time.process_time()
    table = Scorer(ScoreConfig(n_jobs=n_jobs)).table(smiles)
    figures[n_jobs] = len(smiles) / (time.perf_counter() - t)
    if n_jobs == 1:
        figures["cpu"] = len(smiles) / (time.process_time() - cpu)
        np.save(out, table["score"].to_numpy(dtype=float))
scorer = Scorer(ScoreConfig(n_jobs=1))
batches = [smiles[i : i + batch] for i in range(0, len(smiles), batch)][:40]
t = time.perf_counter()
for b in batches:
    scorer(b)
reward = sum(map(len, batches)) / (time.perf_counter() - t)
print(json.dumps({"one": figures[1], "cpu": figures["cpu"], "all": figures[jobs],
                  "reward": reward}))
"""


def baseline(tree: str, smiles: list[str], jobs: int, batch: int) -> tuple[dict, np.ndarray]:
    """The Scorer of the molgen source tree ``tree``, timed in a subprocess: molecules/s
    of its table on one core and on ``jobs``, of its call on batches, and its scores."""
    with tempfile.TemporaryDirectory() as tmp:
        path, out = Path(tmp) / "smiles.txt", Path(tmp) / "scores.npy"
        path.write_text("\n".join(smiles))
        env = {**os.environ, "PYTHONPATH": tree}
        done = subprocess.run(
            [sys.executable, "-c", BASELINE, str(path), str(jobs), str(batch), str(out)],
            env=env, cwd=tmp, capture_output=True, text=True, check=True,
        )  # fmt: skip
        return json.loads(done.stdout.strip().splitlines()[-1]), np.load(out)


def reward_objective() -> ObjectiveConfig:
    """QED, SA and ECFP4 similarity to celecoxib: a typical reinforcement-learning reward."""
    from molgen.scoring.transforms import Identity, ReverseSigmoid

    return ObjectiveConfig(name="reward", components=[
        ComponentConfig(name="qed", type="qed", transform=Identity()),
        ComponentConfig(name="sa", type="sa", transform=ReverseSigmoid(center=4.0, k=2)),
        ComponentConfig(name="sim", type="tanimoto", params={"smiles": [CELECOXIB]}),
    ])  # fmt: skip


def reward_speed(objective: Objective, smiles: list[str], batch: int) -> float:
    """Molecules/s of ``objective`` called on consecutive batches (after one warm-up call)."""
    batches = [smiles[i : i + batch] for i in range(0, len(smiles), batch)][:40]
    objective(batches[0])  # starts the pool, if any
    started = time.perf_counter()
    for chunk in batches:
        objective(chunk)
    return sum(map(len, batches)) / (time.perf_counter() - started)


def objective_figures(args: argparse.Namespace, smiles: list[str], jobs: int) -> dict:
    """The default objective's table speed, the baseline's, and reward-mode speeds."""
    one, one_s, one_cpu = timed(Scorer(ScoreConfig(n_jobs=1)).table, smiles)
    _, many_s, _ = timed(Scorer(ScoreConfig(n_jobs=jobs)).table, smiles)
    n = len(smiles)
    result = {  # CPU time is less disturbed than wall time when other jobs share the cores
        "objective_default_table_mol_per_s_1_core": round(n / one_s, 1),
        "objective_default_table_mol_per_cpu_s_1_core": round(n / one_cpu, 1),
        "objective_default_table_mol_per_s_all_cores": round(n / many_s, 1),
    }
    if args.baseline:
        before, scores = baseline(args.baseline, smiles, jobs, args.batch)
        assert np.array_equal(scores, one["score"].to_numpy()), "default objective != before"
        result["before_table_mol_per_s_1_core"] = round(before["one"], 1)
        result["before_table_mol_per_cpu_s_1_core"] = round(before["cpu"], 1)
        result["before_table_mol_per_s_all_cores"] = round(before["all"], 1)
        result["before_scorer_call_mol_per_s_batch"] = round(before["reward"], 1)
        result["default_objective_equals_before_exactly"] = True
    with Scorer(ScoreConfig(n_jobs=1)) as scorer:
        result["objective_default_call_mol_per_s_batch"] = round(
            reward_speed(scorer.objective, smiles, args.batch), 1
        )
    config = reward_objective()
    with Objective(config, n_jobs=1) as local:
        result["reward_qed_sa_ecfp4_mol_per_s_batch_in_process"] = round(
            reward_speed(local, smiles, args.batch), 1
        )
    with Objective(config, n_jobs=jobs, min_parallel=1) as pooled:
        result["reward_qed_sa_ecfp4_mol_per_s_batch_warm_pool"] = round(
            reward_speed(pooled, smiles, args.batch), 1
        )
    result["reward_batch_size"] = args.batch
    return result


def main() -> None:
    """Run the benchmark and print one JSON object."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smiles", metavar="FILE", help="input molecules (default: MOSES)")
    parser.add_argument("--n", type=int, default=10_000, help="number of molecules")
    parser.add_argument("--jobs", type=int, default=0, help="worker processes (0 = all cores)")
    parser.add_argument("--batch", type=int, default=64, help="reward-mode batch size")
    parser.add_argument("--baseline", metavar="DIR", help="molgen tree from before objectives")
    parser.add_argument("--skip-naive", action="store_true", help="no naive RDKit loop")
    args = parser.parse_args()
    quiet_rdkit()
    smiles = load_smiles(args.smiles, args.n)
    # Steady state for both: catalogs built, SA fragment scores loaded, alert screen built.
    sascorer.readFragmentScores()
    prepare()
    jobs = args.jobs if args.jobs > 0 else (os.cpu_count() or 1)
    n = len(smiles)
    result: dict = {"molecules": n, "cores": jobs}
    if not args.skip_naive:
        naive, naive_s, naive_cpu = timed(naive_scores, smiles)
        one, one_s, one_cpu = timed(Scorer(ScoreConfig(n_jobs=1)).table, smiles)
        many, many_s, many_cpu = timed(Scorer(ScoreConfig(n_jobs=jobs)).table, smiles)
        worst = compare(naive, one)
        assert one.equals(many), "parallel result differs from the single-process result"
        result.update({
            "naive_mol_per_s_1_core": round(n / naive_s, 1),
            "molgen_mol_per_s_1_core": round(n / one_s, 1),
            "molgen_mol_per_s_all_cores": round(n / many_s, 1),
            "speedup_per_core": round(naive_s / one_s, 2),
            "scaling": round(one_s / many_s, 2),
            # CPU time is less disturbed than wall time when other jobs share the cores.
            "speedup_per_core_cpu_time": round(naive_cpu / one_cpu, 2),
            "parallel_cpu_time_over_single": round(many_cpu / one_cpu, 2),
            "max_abs_difference": worst,
        })  # fmt: skip
    result.update(objective_figures(args, smiles, jobs))
    result["load_average_1min"] = round(os.getloadavg()[0], 2)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
