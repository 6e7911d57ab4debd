"""k-fold cross-validation of a predictor recipe: out-of-fold predictions and metrics.

Each fold trains a fresh predictor on the other folds (a seeded random tenth of them picks
the best epoch) and predicts the held-out fold, so every molecule is predicted once by a
model that never saw it. The per-fold metrics are summarised as mean and standard
deviation, the usual way to compare recipes on a small assay table.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd

from molgen.predictors.config import PredictorConfig
from molgen.predictors.evaluate import evaluate_predictor
from molgen.predictors.split import kfold_frames, split_frame
from molgen.predictors.train import fit_predictor

__all__ = ["CrossValidation", "cross_validate"]

logger = logging.getLogger(__name__)

INNER_VALIDATION = 0.1
"""Share of each fold's training rows held back to pick the best epoch."""


@dataclass
class CrossValidation:
    """The result of :func:`cross_validate`.

    Attributes:
        folds: one row per fold: ``fold``, ``n_train``, ``n_held_out`` and its metrics.
        predictions: the out-of-fold predictions (each row once), with a ``fold`` column.
        summary: ``cv.<metric>.mean`` and ``cv.<metric>.std`` over folds, and ``cv.folds``.
    """

    folds: pd.DataFrame
    predictions: pd.DataFrame
    summary: dict[str, float]


def cross_validate(
    frame: pd.DataFrame,
    config: PredictorConfig,
    k: int,
    seed: int = 0,
    smiles_column: str = "smiles",
) -> CrossValidation:
    """Cross-validate ``config`` on ``frame`` over ``k`` seeded folds.

    Args:
        frame: usable labelled rows (a SMILES column and the config's targets).
        config: the predictor recipe trained on every fold.
        k: the number of folds (at least 2).
        seed: seeds the fold assignment and each fold's inner validation split.
        smiles_column: the SMILES column.

    Raises:
        ValueError: ``k`` below 2 or above the number of rows.
    """
    rows, predictions = [], []
    for fold, (train, held_out) in enumerate(kfold_frames(frame, k, seed)):
        inner_train, inner_val, _ = split_frame(
            train, "random", (1 - INNER_VALIDATION, INNER_VALIDATION, 0.0), seed + fold
        )
        predictor = fit_predictor(
            inner_train, inner_val if len(inner_val) else None, config, smiles_column
        )
        metrics, predicted = evaluate_predictor(predictor, held_out, smiles_column)
        rows.append({"fold": fold, "n_train": len(train), "n_held_out": len(held_out), **metrics})
        predictions.append(predicted.assign(fold=fold))
        logger.info("cross-validation fold %d/%d: %s", fold + 1, k, metrics)
    folds = pd.DataFrame(rows)
    summary: dict[str, float] = {"cv.folds": float(k)}
    for column in folds.columns.drop(["fold", "n_train", "n_held_out"]):
        values = folds[column].to_numpy(float)
        finite = values[np.isfinite(values)]
        summary[f"cv.{column}.mean"] = float(finite.mean()) if len(finite) else float("nan")
        summary[f"cv.{column}.std"] = float(finite.std(ddof=1)) if len(finite) > 1 else 0.0
    return CrossValidation(folds, pd.concat(predictions, ignore_index=True), summary)
