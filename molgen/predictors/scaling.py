"""Column standardisation that ignores missing values and inverts exactly."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Standardiser"]


@dataclass(frozen=True)
class Standardiser:
    """Per-column ``(x - mean) / std``; a constant or empty column keeps scale 1.

    Attributes:
        mean: ``(n_columns,)`` column means.
        std: ``(n_columns,)`` column standard deviations (never 0).
    """

    mean: np.ndarray
    std: np.ndarray

    @classmethod
    def fit(cls, values: np.ndarray) -> Standardiser:
        """The standardiser of ``(rows, columns)`` values, NaN ignored."""
        values = np.asarray(values, dtype=float)
        present = ~np.isnan(values)
        counts = present.sum(axis=0)
        filled = np.where(present, values, 0.0)
        mean = np.where(counts > 0, filled.sum(axis=0) / np.maximum(counts, 1), 0.0)
        spread = np.where(present, values - mean, 0.0)
        std = np.sqrt((spread**2).sum(axis=0) / np.maximum(counts, 1))
        std = np.where(np.isfinite(std) & (std > 1e-12), std, 1.0)
        return cls(mean=mean, std=std)

    def transform(self, values: np.ndarray) -> np.ndarray:
        """Standardised values (NaN stays NaN)."""
        return (np.asarray(values, dtype=float) - self.mean) / self.std

    def inverse(self, values: np.ndarray) -> np.ndarray:
        """Values back in the original units."""
        return np.asarray(values, dtype=float) * self.std + self.mean

    def to_lists(self) -> dict[str, list[float]]:
        """Plain data for a checkpoint."""
        return {"mean": [float(v) for v in self.mean], "std": [float(v) for v in self.std]}

    @classmethod
    def from_lists(cls, data: dict[str, list[float]]) -> Standardiser:
        """The standardiser :meth:`to_lists` wrote."""
        return cls(mean=np.asarray(data["mean"], float), std=np.asarray(data["std"], float))
