"""Desirability transforms and their weighted geometric mean (the composite score)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from molgen.scoring.config import DesirabilityComponent, Transform

__all__ = ["composite_score", "desirability", "logistic"]


def logistic(z: np.ndarray) -> np.ndarray:
    """``1 / (1 + exp(-z))`` elementwise; exactly 0 or 1 where exp over- or underflows."""
    with np.errstate(over="ignore", under="ignore"):
        return 1.0 / (1.0 + np.exp(-z))


def desirability(values: np.ndarray, transform: Transform) -> np.ndarray:
    """Map raw property values to desirabilities in [0, 1], elementwise.

    With ``L = transform.low``, ``H = transform.high``, ``k = transform.k`` and the
    logistic function ``s(z) = 1 / (1 + exp(-z))``:

    - ``step``: ``d = 1`` if ``L <= x <= H`` (a missing bound is no constraint), else 0.
    - ``sigmoid`` rising (``L`` given): ``d = s(k (x - L))``; 0.5 at ``L``, increasing.
    - ``sigmoid`` falling (``H`` given): ``d = s(k (H - x))``; 0.5 at ``H``, decreasing.
    - ``double_sigmoid``: ``d = s(k (x - L)) * s(k (H - x))``; near 1 well inside
      ``[L, H]``, about 0.5 at each bound when ``k (H - L)`` is large, falling to 0 outside.

    A NaN value (unknown property, invalid molecule) has desirability 0.

    Args:
        values: property values; booleans count as 0/1.
        transform: the transform and its parameters.

    Returns:
        A float array of the same shape as ``values``.
    """
    x = np.asarray(values, dtype=float)
    low, high, k = transform.low, transform.high, transform.k
    if transform.kind == "step":
        inside = np.ones(x.shape, dtype=bool)
        if low is not None:
            inside &= x >= low
        if high is not None:
            inside &= x <= high
        d = inside.astype(float)
    elif transform.kind == "sigmoid":
        d = logistic(k * (x - low)) if low is not None else logistic(k * (high - x))
    else:
        d = logistic(k * (x - low)) * logistic(k * (high - x))
    return np.where(np.isnan(x), 0.0, d)


def _as_float(column: pd.Series) -> np.ndarray:
    """A property column as floats: booleans as 0/1, None/NA as NaN."""
    return column.astype("Float64").to_numpy(dtype=float, na_value=np.nan)


def composite_score(frame: pd.DataFrame, components: Sequence[DesirabilityComponent]) -> np.ndarray:
    """Weighted geometric mean of the components' desirabilities, per row.

    ``score = exp(sum_i w_i log d_i / sum_i w_i)`` over the components ``i``, which equals
    ``prod_i d_i ** (w_i / sum_i w_i)``. A row with any ``d_i = 0`` scores exactly 0 (its
    logarithm is never taken), and so does a row whose ``valid`` column (if present) is
    False.

    Args:
        frame: one column per property named by a component.
        components: at least one component.

    Returns:
        Scores in [0, 1], one per row.

    Raises:
        ValueError: ``components`` is empty.
        KeyError: a component's property is not a column of ``frame``.
    """
    if not components:
        raise ValueError("the composite score needs at least one component")
    weights = np.array([c.weight for c in components], dtype=float)
    log_sum = np.zeros(len(frame))
    zero = np.zeros(len(frame), dtype=bool)
    for component, weight in zip(components, weights, strict=True):
        d = desirability(_as_float(frame[component.property]), component.transform)
        positive = d > 0
        zero |= ~positive
        log_sum += weight * np.log(np.where(positive, d, 1.0))
    with np.errstate(under="ignore"):
        score = np.exp(log_sum / weights.sum())
    score[zero] = 0.0
    if "valid" in frame.columns:
        score[~frame["valid"].to_numpy(dtype=bool)] = 0.0
    return score
