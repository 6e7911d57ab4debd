"""Predictor metrics: accuracy (regression or classification) and uncertainty calibration.

Each function ignores rows whose label or prediction is missing, and returns NaN when too
few rows remain for the metric to be defined.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.stats import norm, spearmanr
from sklearn.metrics import average_precision_score, roc_auc_score

__all__ = [
    "calibration_curve",
    "classification_metrics",
    "miscalibration_area",
    "regression_metrics",
    "uncertainty_metrics",
]

_LEVELS = np.linspace(0.01, 0.99, 99)


def _present(*arrays: np.ndarray) -> np.ndarray:
    mask = np.ones(len(arrays[0]), dtype=bool)
    for array in arrays:
        mask &= np.isfinite(np.asarray(array, dtype=float))
    return mask


def regression_metrics(y: np.ndarray, pred: np.ndarray) -> dict[str, float]:
    """RMSE, MAE and R² of predictions ``pred`` of labels ``y``."""
    keep = _present(y, pred)
    y, pred = np.asarray(y, float)[keep], np.asarray(pred, float)[keep]
    if len(y) == 0:
        return {"rmse": math.nan, "mae": math.nan, "r2": math.nan}
    error = pred - y
    total = float(((y - y.mean()) ** 2).sum())
    r2 = 1 - float((error**2).sum()) / total if total > 0 else math.nan
    return {
        "rmse": float(np.sqrt((error**2).mean())),
        "mae": float(np.abs(error).mean()),
        "r2": r2,
    }


def classification_metrics(y: np.ndarray, prob: np.ndarray) -> dict[str, float]:
    """ROC-AUC and PR-AUC (average precision) of probabilities ``prob`` of 0/1 labels."""
    keep = _present(y, prob)
    y, prob = np.asarray(y, float)[keep], np.asarray(prob, float)[keep]
    if len(np.unique(y)) < 2:
        return {"roc_auc": math.nan, "pr_auc": math.nan}
    return {
        "roc_auc": float(roc_auc_score(y, prob)),
        "pr_auc": float(average_precision_score(y, prob)),
    }


def calibration_curve(
    y: np.ndarray, pred: np.ndarray, std: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Expected and observed coverage of Gaussian central intervals.

    For each level ``p`` in 0.01..0.99, the share of labels inside
    ``pred ± z((1 + p) / 2) · std``. A calibrated predictor has observed ≈ expected.

    Returns:
        ``(expected, observed)``, each of length 99; observed is NaN without data.
    """
    keep = _present(y, pred, std)
    error = np.abs(np.asarray(pred, float)[keep] - np.asarray(y, float)[keep])
    spread = np.maximum(np.asarray(std, float)[keep], 1e-12)
    if len(error) == 0:
        return _LEVELS.copy(), np.full(len(_LEVELS), np.nan)
    z = norm.ppf((1 + _LEVELS) / 2)
    observed = (error[None, :] <= z[:, None] * spread[None, :]).mean(axis=1)
    return _LEVELS.copy(), observed


def miscalibration_area(y: np.ndarray, pred: np.ndarray, std: np.ndarray) -> float:
    """Mean absolute gap between observed and expected coverage (0 is perfect, 0.5 worst)."""
    expected, observed = calibration_curve(y, pred, std)
    return float(np.mean(np.abs(observed - expected))) if np.isfinite(observed).all() else math.nan


def uncertainty_metrics(y: np.ndarray, pred: np.ndarray, std: np.ndarray) -> dict[str, float]:
    """Miscalibration area, and the Spearman correlation of ``|error|`` with ``std``."""
    keep = _present(y, pred, std)
    error = np.abs(np.asarray(pred, float)[keep] - np.asarray(y, float)[keep])
    spread = np.asarray(std, float)[keep]
    if len(error) > 2 and np.ptp(spread) > 0 and np.ptp(error) > 0:
        rho = float(spearmanr(error, spread).statistic)
    else:
        rho = math.nan
    return {"miscalibration_area": miscalibration_area(y, pred, std), "spearman_error_std": rho}
