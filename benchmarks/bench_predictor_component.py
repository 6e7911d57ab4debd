"""Throughput of the ``predictor`` scoring component on a 1,000-molecule batch.

Trains a throwaway predictor (100 MOSES molecules, Crippen logP, 2 epochs) of the given
hidden size, then scores 1,000 distinct molecules through an objective with its mean and
lower-bound components (one forward pass) and prints the best of three wall-clock rates::

    OMP_NUM_THREADS=1 python benchmarks/bench_predictor_component.py --hidden-size 128
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import pandas as pd
from rdkit.Chem import Crippen

from molgen.chem.mol import mol_from_smiles
from molgen.predictors import PredictorConfig, fit_predictor
from molgen.scoring.objective import Objective
from molgen.scoring.objective_config import objective_from_dict

DATA = Path(__file__).parents[1] / "tests" / "data" / "moses_300.csv"


def main() -> None:
    """Train, score three times, print the best molecules per second."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hidden-size", type=int, default=300)
    parser.add_argument("--depth", type=int, default=3)
    parser.add_argument("--n-jobs", type=int, default=1)
    parser.add_argument("--descriptors", action=argparse.BooleanOptionalAction, default=True)
    args = parser.parse_args()
    smiles = pd.read_csv(DATA)["smiles"].tolist()
    logp = [Crippen.MolLogP(mol_from_smiles(s)) for s in smiles[:100]]
    train = pd.DataFrame({"smiles": smiles[:100], "logp": logp})
    config = PredictorConfig(
        targets=["logp"],
        hidden_size=args.hidden_size,
        depth=args.depth,
        descriptors=args.descriptors,
        epochs=2,
    )
    predictor = fit_predictor(train, None, config)
    batch = [variant for s in smiles for variant in (s, s + "C", s + "O", s + "N")][:1000]
    with tempfile.TemporaryDirectory() as folder:
        predictor.save(folder)
        objective = objective_from_dict(
            {
                "name": "bench",
                "components": [
                    {"name": "mean", "type": "predictor", "params": {"model": folder}},
                    {"name": "lcb", "type": "predictor",
                     "params": {"model": folder, "output": "lcb"}},
                ],
            },
            "bench",
        )  # fmt: skip
        with Objective(objective, n_jobs=args.n_jobs) as reward:
            reward(batch[:100])  # warm up: load the model, start the pool
            rates = []
            for _ in range(3):
                start = time.perf_counter()
                reward(batch)
                rates.append(len(batch) / (time.perf_counter() - start))
    print(f"hidden_size={args.hidden_size} depth={args.depth} n_jobs={args.n_jobs} "
          f"descriptors={args.descriptors}: "
          f"{max(rates):.0f} molecules/s (best of 3, 1,000 molecules)")  # fmt: skip


if __name__ == "__main__":
    main()
