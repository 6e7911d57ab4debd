"""Predictor plots: parity (regression), ROC (classification) and calibration.

Each draws on a fresh matplotlib :class:`~matplotlib.figure.Figure` with the Agg backend
(no display, nothing registered with pyplot) and writes a PNG.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from sklearn.metrics import roc_curve

from molgen.predictors.metrics import calibration_curve

__all__ = ["calibration_plot", "parity_plot", "roc_plot"]


def _save(fig: Figure, path: str | Path) -> Path:
    FigureCanvasAgg(fig)
    fig.tight_layout()
    fig.savefig(path, format="png", dpi=100)
    return Path(path)


def _finite(*arrays: np.ndarray) -> np.ndarray:
    return np.logical_and.reduce([np.isfinite(np.asarray(a, float)) for a in arrays])


def parity_plot(
    y: np.ndarray, pred: np.ndarray, std: np.ndarray, title: str, path: str | Path
) -> Path:
    """Predicted against measured values, with ±1 std error bars, and the diagonal."""
    keep = _finite(y, pred, std)
    y, pred, std = (np.asarray(a, float)[keep] for a in (y, pred, std))
    fig = Figure(figsize=(4.5, 4.5))
    ax = fig.add_subplot()
    ax.errorbar(y, pred, yerr=std, fmt="o", ms=3, alpha=0.6, elinewidth=0.5)
    if len(y):
        low, high = float(min(y.min(), pred.min())), float(max(y.max(), pred.max()))
        ax.plot([low, high], [low, high], "k--", lw=1)
    ax.set(xlabel="measured", ylabel="predicted", title=title)
    return _save(fig, path)


def roc_plot(y: np.ndarray, prob: np.ndarray, title: str, path: str | Path) -> Path:
    """The ROC curve of probabilities of 0/1 labels (empty when one class is missing)."""
    keep = _finite(y, prob)
    y, prob = np.asarray(y, float)[keep], np.asarray(prob, float)[keep]
    fig = Figure(figsize=(4.5, 4.5))
    ax = fig.add_subplot()
    if len(np.unique(y)) == 2:
        fpr, tpr, _ = roc_curve(y, prob)
        ax.plot(fpr, tpr)
    ax.plot([0, 1], [0, 1], "k--", lw=1)
    ax.set(xlabel="false positive rate", ylabel="true positive rate", title=title)
    return _save(fig, path)


def calibration_plot(
    y: np.ndarray, pred: np.ndarray, std: np.ndarray, title: str, path: str | Path
) -> Path:
    """Observed against expected coverage of Gaussian intervals ``pred ± z·std``."""
    expected, observed = calibration_curve(y, pred, std)
    fig = Figure(figsize=(4.5, 4.5))
    ax = fig.add_subplot()
    ax.plot(expected, observed, label="predictor")
    ax.plot([0, 1], [0, 1], "k--", lw=1, label="calibrated")
    ax.set(xlabel="expected coverage", ylabel="observed coverage", title=title)
    ax.legend(loc="upper left")
    return _save(fig, path)
