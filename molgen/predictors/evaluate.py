"""Scoring a predictor on labelled molecules: accuracy and calibration per target."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from molgen.predictors.metrics import (
    classification_metrics,
    regression_metrics,
    uncertainty_metrics,
)
from molgen.predictors.predictor import TrainedPredictor

__all__ = ["evaluate_predictions", "evaluate_predictor"]


def evaluate_predictions(
    labels: pd.DataFrame, predictions: pd.DataFrame, targets: Sequence[str], task: str
) -> dict[str, float]:
    """Metrics of ``predictions`` (``<target>``, ``<target>_std``) against ``labels``.

    Returns:
        ``<target>.<metric>`` for every target (RMSE, MAE, R², miscalibration area and
        Spearman |error|–std for regression; ROC-AUC and PR-AUC for classification), plus
        the mean over targets of each metric without the prefix when there are several.
    """
    out: dict[str, float] = {}
    for target in targets:
        y = pd.to_numeric(labels[target], errors="coerce").to_numpy(float)
        pred = predictions[target].to_numpy(float)
        if task == "classification":
            found = classification_metrics(y, pred)
        else:
            std = predictions[f"{target}_std"].to_numpy(float)
            found = {**regression_metrics(y, pred), **uncertainty_metrics(y, pred, std)}
        out.update({f"{target}.{key}": value for key, value in found.items()})
    if len(targets) > 1:
        keys = {key.split(".", 1)[1] for key in out}
        for key in sorted(keys):
            values = [out[f"{t}.{key}"] for t in targets]
            out[key] = float(np.nanmean(values)) if np.isfinite(values).any() else float("nan")
    return out


def evaluate_predictor(
    predictor: TrainedPredictor, frame: pd.DataFrame, smiles_column: str = "smiles"
) -> tuple[dict[str, float], pd.DataFrame]:
    """Predict ``frame``'s molecules and compare with its labels.

    Returns:
        ``(metrics, predictions)``: see :func:`evaluate_predictions`; the predictions
        frame has the SMILES, each label as ``<target>_label`` and the prediction columns.
    """
    predictions = predictor.predict(frame[smiles_column].tolist())
    metrics = evaluate_predictions(frame, predictions, predictor.targets, predictor.config.task)
    labelled = pd.DataFrame({"smiles": frame[smiles_column].to_numpy()})
    for target in predictor.targets:
        labelled[f"{target}_label"] = pd.to_numeric(frame[target], errors="coerce").to_numpy()
    return metrics, pd.concat([labelled, predictions], axis=1)
