from __future__ import annotations

import math

import numpy as np

from molgen.predictors.metrics import (
    classification_metrics,
    miscalibration_area,
    regression_metrics,
    uncertainty_metrics,
)


def test_regression_metrics_ignore_missing() -> None:
    found = regression_metrics(np.array([1.0, 2.0, 3.0, np.nan]), np.array([1.0, 2.0, 4.0, 9.0]))
    assert math.isclose(found["mae"], 1 / 3) and math.isclose(found["rmse"], math.sqrt(1 / 3))
    assert math.isclose(found["r2"], 1 - 1 / 2)


def test_classification_metrics() -> None:
    found = classification_metrics(np.array([0, 0, 1, 1]), np.array([0.1, 0.4, 0.35, 0.8]))
    assert math.isclose(found["roc_auc"], 0.75)
    assert math.isnan(classification_metrics(np.array([1, 1]), np.array([0.2, 0.9]))["roc_auc"])


def test_calibration_of_a_true_gaussian_is_near_zero() -> None:
    rng = np.random.default_rng(0)
    std = rng.uniform(0.5, 2.0, 4000)
    y = rng.normal(0, std)
    assert miscalibration_area(y, np.zeros_like(y), std) < 0.02
    assert miscalibration_area(y, np.zeros_like(y), std / 10) > 0.3  # overconfident
    found = uncertainty_metrics(y, np.zeros_like(y), std)
    assert found["spearman_error_std"] > 0.2
