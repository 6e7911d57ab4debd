"""Combining component desirabilities into one total: the weighted mean of the scoring
components, then filters and penalties."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from molgen.scoring.objective_config import ObjectiveConfig

__all__ = ["combine", "weighted_mean"]


def weighted_mean(
    desirabilities: list[np.ndarray], weights: list[float], kind: str = "geometric"
) -> np.ndarray:
    """Weighted mean of desirabilities, per molecule.

    ``geometric``: ``exp(sum_i w_i log d_i / sum_i w_i)`` (that is
    ``prod_i d_i ** (w_i / sum_i w_i)``); any ``d_i = 0`` gives exactly 0 and its logarithm
    is never taken. ``arithmetic``: ``sum_i w_i d_i / sum_i w_i``.

    Args:
        desirabilities: one array per component, all the same length.
        weights: one positive weight per component.
        kind: ``geometric`` or ``arithmetic``.

    Returns:
        One value per molecule.

    Raises:
        ValueError: no components.
    """
    if not desirabilities:
        raise ValueError("a weighted mean needs at least one component")
    w = np.array(weights, dtype=float)
    if kind == "arithmetic":
        total = np.zeros(len(desirabilities[0]))
        for d, weight in zip(desirabilities, w, strict=True):
            total += weight * d
        return total / w.sum()
    log_sum = np.zeros(len(desirabilities[0]))
    zero = np.zeros(len(desirabilities[0]), dtype=bool)
    for d, weight in zip(desirabilities, w, strict=True):
        positive = d > 0
        zero |= ~positive
        log_sum += weight * np.log(np.where(positive, d, 1.0))
    with np.errstate(under="ignore"):
        total = np.exp(log_sum / w.sum())
    total[zero] = 0.0
    return total


def combine(
    objective: ObjectiveConfig, desirabilities: Mapping[str, np.ndarray], valid: np.ndarray
) -> np.ndarray:
    """The objective's total per molecule.

    The weighted mean of the ``score`` components (1 when there are none), set to 0 where
    a ``filter`` component's desirability is below its threshold, multiplied by a
    ``penalty`` component's factor where its desirability is below its threshold, and 0
    for invalid molecules.

    Args:
        objective: the objective.
        desirabilities: each component's desirabilities, by component name.
        valid: which molecules are valid.
    """
    scoring = [c for c in objective.components if c.role == "score"]
    if scoring:
        total = weighted_mean(
            [desirabilities[c.name] for c in scoring], [c.weight for c in scoring],
            objective.aggregation,
        )  # fmt: skip
    else:
        total = np.ones(len(valid))
    for component in objective.components:
        fails = desirabilities[component.name] < component.threshold
        if component.role == "filter":
            total = np.where(fails, 0.0, total)
        elif component.role == "penalty":
            total = np.where(fails, total * component.penalty, total)
    total[~np.asarray(valid, dtype=bool)] = 0.0
    return total
