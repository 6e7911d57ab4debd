"""Train, evaluate and predict from files: what the CLI and the pipeline stage run.

:func:`train_from_file` reads a labelled file (rejecting bad rows with reasons), splits it,
trains, evaluates on the test split and writes everything to one folder:
``predictor.pt``, ``rejects.csv``, ``test_predictions.csv``, ``history.csv``,
``metrics.json`` and ``plots/`` (parity or ROC, and calibration, per target); with
``cv_folds`` also ``cv_folds.csv`` and ``cv_predictions.csv`` (out-of-fold).
"""

from __future__ import annotations

import json
import logging
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from molgen.predictors.config import PredictorStageConfig
from molgen.predictors.crossval import cross_validate
from molgen.predictors.data import read_labelled, read_molecules
from molgen.predictors.evaluate import evaluate_predictor
from molgen.predictors.plots import calibration_plot, parity_plot, roc_plot
from molgen.predictors.predictor import CHECKPOINT_NAME, TrainedPredictor
from molgen.predictors.split import split_frame
from molgen.predictors.train import fit_predictor
from molgen.utils.errors import InputError
from molgen.utils.run_layout import PredictorLayout
from molgen.utils.tables import write_table

__all__ = ["TrainResult", "predict_file", "train_from_file", "write_plots"]

logger = logging.getLogger(__name__)


@dataclass
class TrainResult:
    """What :func:`train_from_file` produced.

    Attributes:
        predictor: the trained predictor.
        out_dir: the folder it wrote.
        metrics: test metrics (``<target>.<metric>``) plus row counts.
        plots: plot name -> PNG path.
        summary: a JSON-ready summary (counts, metrics, paths).
    """

    predictor: TrainedPredictor
    out_dir: Path
    metrics: dict[str, float]
    plots: dict[str, Path] = field(default_factory=dict)
    summary: dict[str, Any] = field(default_factory=dict)


def write_plots(
    predictions: pd.DataFrame, targets: list[str], task: str, folder: Path
) -> dict[str, Path]:
    """Parity (regression) or ROC (classification) and calibration plots per target."""
    folder.mkdir(parents=True, exist_ok=True)
    plots = {}
    for target in targets:
        y = predictions[f"{target}_label"].to_numpy(float)
        pred = predictions[target].to_numpy(float)
        std = predictions[f"{target}_std"].to_numpy(float)
        if task == "classification":
            plots[f"roc_{target}"] = roc_plot(y, pred, target, folder / f"roc_{target}.png")
        else:
            plots[f"parity_{target}"] = parity_plot(
                y, pred, std, target, folder / f"parity_{target}.png"
            )
        plots[f"calibration_{target}"] = calibration_plot(
            y, pred, std, target, folder / f"calibration_{target}.png"
        )
    return plots


def train_from_file(stage: PredictorStageConfig, out_dir: str | Path) -> TrainResult:
    """Read, split, train, evaluate and save one predictor into ``out_dir``.

    Raises:
        InputError: the file is unreadable, lacks the SMILES or a target column, or has
            too few usable rows to split.
        ConfigError: see :func:`~molgen.predictors.train.fit_predictor`.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    layout = PredictorLayout(out)
    config = stage.model
    table = read_labelled(stage.data, config.targets, config.task, stage.smiles_column)
    write_table(table.rejects, layout.rejects)
    if len(table.frame) < 3:
        raise InputError(stage.data, f"only {len(table.frame)} usable rows; at least 3 needed")
    train, val, test = split_frame(table.frame, stage.split, stage.fractions, stage.split_seed)
    if len(train) == 0:
        raise InputError(stage.data, "the split left no training rows")
    predictor = fit_predictor(train, val if len(val) else None, config)
    predictor.save(out)
    metrics: dict[str, float] = {}
    plots: dict[str, Path] = {}
    if len(test):
        metrics, predictions = evaluate_predictor(predictor, test)
        write_table(predictions, layout.test_predictions)
        plots = write_plots(predictions, config.targets, config.task, layout.plots_dir)
    pd.DataFrame(predictor.history).to_csv(layout.history, index=False)
    if stage.cv_folds:
        if stage.cv_folds > len(table.frame):
            raise InputError(
                stage.data, f"cv_folds {stage.cv_folds} exceeds the {len(table.frame)} usable rows"
            )
        crossval = cross_validate(
            table.frame, config, stage.cv_folds, stage.split_seed, stage.smiles_column
        )
        write_table(crossval.folds, layout.cv_folds)
        write_table(crossval.predictions, layout.cv_predictions)
        metrics |= crossval.summary
    counts = {
        "rows_kept": len(table.frame),
        "rows_rejected": len(table.rejects),
        "n_train": len(train),
        "n_val": len(val),
        "n_test": len(test),
    }
    clean = {k: (v if math.isfinite(v) else None) for k, v in metrics.items()}
    summary = {
        "name": stage.name,
        "model": str(out / CHECKPOINT_NAME),
        "task": config.task,
        "targets": config.targets,
        "split": stage.split,
        **counts,
        "metrics": clean,
        "rejects": str(layout.rejects),
        "data_hash": predictor.data_hash,
    }
    layout.metrics.write_text(json.dumps(summary, indent=2))
    logger.info("predictor %s: %s", stage.name, clean)
    return TrainResult(predictor, out, metrics, plots, summary)


def predict_file(
    predictor: TrainedPredictor, path: str | Path, out: str | Path, smiles_column: str = "smiles"
) -> dict[str, Any]:
    """Predict every molecule of a file and write a table (``.csv`` or ``.parquet``).

    The output keeps ``source``, ``row`` and ``input`` (the given SMILES) and adds the
    prediction columns; rows whose molecule does not parse have empty predictions.

    Returns:
        ``{"output", "rows", "predicted", "invalid"}``.
    """
    molecules = read_molecules(path, smiles_column)
    predictions = predictor.predict(molecules["input"].tolist())
    frame = pd.concat([molecules.reset_index(drop=True), predictions], axis=1)
    written = write_table(frame, out)
    valid = int(predictions[predictor.targets[0]].notna().sum())
    return {
        "output": str(written),
        "rows": len(frame),
        "predicted": valid,
        "invalid": len(frame) - valid,
    }
