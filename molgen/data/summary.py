"""Counting for the curate summary: property statistics and reject-reason tallies."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from typing import Any

import numpy as np

from molgen.data.raw_text import NOT_UTF8

__all__ = ["ReasonCounter", "describe", "reason_kind"]

_NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?")
_ROW = re.compile(r" row \d+$")
_QUANTILES = (0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99)


def reason_kind(reason: str) -> str:
    """A reject reason with its measured numbers replaced by ``N``, for tallying.

    ``"heavy atoms 92 > 70"`` -> ``"heavy atoms N > N"``,
    ``"duplicate of moses:train row 17"`` -> ``"duplicate of moses:train row N"``.
    PAINS alert names such as ``"PAINS alert: catechol_A(92)"`` and ``"not UTF-8 text"``
    are kept whole.
    """
    if reason.startswith("duplicate of "):
        return _ROW.sub(" row N", reason)
    if reason.startswith(("PAINS alert", NOT_UTF8)):
        return reason
    return _NUMBER.sub("N", reason)


class ReasonCounter:
    """Tally of reject reasons by kind (see :func:`reason_kind`)."""

    def __init__(self) -> None:
        self._counts: Counter[str] = Counter()

    def add(self, reasons: Iterable[str]) -> None:
        """Count a batch of reasons."""
        self._counts.update(reason_kind(r) for r in reasons)

    def top(self, n: int = 25) -> dict[str, int]:
        """The ``n`` most common kinds, most common first; the rest summed as ``other``."""
        top = dict(self._counts.most_common(n))
        rest = sum(self._counts.values()) - sum(top.values())
        if rest:
            top["other"] = rest
        return top


def describe(values: np.ndarray, bins: int = 20) -> dict[str, Any]:
    """Summary statistics of one property: count, mean, std, min, max, quantiles and a
    ``bins``-bin histogram; plain floats and ints so it is JSON-serialisable."""
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values)]
    if values.size == 0:
        return {"count": 0}
    counts, edges = np.histogram(values, bins=bins)
    return {
        "count": int(values.size),
        "mean": float(values.mean()),
        "std": float(values.std()),
        "min": float(values.min()),
        "max": float(values.max()),
        "quantiles": {
            f"{q:g}": float(v)
            for q, v in zip(_QUANTILES, np.quantile(values, _QUANTILES), strict=True)
        },
        "histogram": {"edges": [float(e) for e in edges], "counts": [int(c) for c in counts]},
    }
