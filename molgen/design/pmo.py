"""Sample-efficiency figures of the PMO benchmark (Gao et al. 2022): top-k means and the
area under the top-k curve over the oracle budget."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["design_summary", "top_k_auc", "top_k_mean"]


def top_k_mean(scores: Sequence[float], k: int) -> float:
    """Mean of the ``k`` best scores (of all of them when there are fewer; 0 when none)."""
    values = np.sort(np.asarray(scores, dtype=float))[::-1][:k]
    return float(values.mean()) if values.size else 0.0


def top_k_auc(scores: Sequence[float], k: int, budget: int, every: int = 100) -> float:
    """Area under the top-``k`` mean against oracle calls, scaled to [0, 1] by the budget.

    ``scores`` are the oracle's answers in call order. The top-``k`` mean is taken after
    every ``every`` calls and at the last call, joined by trapezoids from 0 at no calls;
    a run that stopped before the budget is carried to it at its final value, as PMO does.
    """
    scores = np.asarray(scores, dtype=float)[:budget]
    n = scores.size
    if n == 0:
        return 0.0
    marks = [*range(every, n, every), n]
    area, previous, last_mark = 0.0, 0.0, 0
    for mark in marks:
        current = top_k_mean(scores[:mark], k)
        area += (mark - last_mark) * (current + previous) / 2
        previous, last_mark = current, mark
    area += (budget - n) * previous
    return area / budget


def design_summary(scores: Sequence[float], budget: int) -> dict[str, float]:
    """Top-1, top-10 and top-100 means and the top-1/10/100 AUCs of oracle answers in order."""
    out: dict[str, float] = {"oracle_calls": len(scores)}
    for k in (1, 10, 100):
        out[f"top{k}_mean"] = round(top_k_mean(scores, k), 4)
        out[f"top{k}_auc"] = round(top_k_auc(scores, k, budget), 4)
    return out
