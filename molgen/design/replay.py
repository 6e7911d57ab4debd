"""Experience replay: the best molecules so far, replayed into later updates."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["ReplayMemory"]


class ReplayMemory:
    """The ``size`` best unique molecules seen, by score (ties keep the earlier molecule).

    Args:
        size: how many molecules to keep.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self.entries: dict[str, float] = {}

    def __len__(self) -> int:
        return len(self.entries)

    def add(self, smiles: Sequence[str | None], scores: np.ndarray) -> None:
        """Offer molecules; those scoring above 0 compete for the places."""
        for s, score in zip(smiles, scores, strict=True):
            if s is not None and score > 0 and score > self.entries.get(s, -1.0):
                self.entries[s] = float(score)
        if len(self.entries) > self.size:
            ranked = sorted(self.entries.items(), key=lambda kv: -kv[1])  # stable on ties
            self.entries = dict(ranked[: self.size])

    def remove(self, smiles: Sequence[str]) -> None:
        """Forget these molecules."""
        for s in smiles:
            self.entries.pop(s, None)

    def sample(self, n: int, rng: np.random.Generator) -> tuple[list[str], np.ndarray]:
        """Up to ``n`` distinct molecules drawn uniformly, with their scores."""
        if n <= 0 or not self.entries:
            return [], np.zeros(0)
        items = list(self.entries.items())
        picks = rng.choice(len(items), size=min(n, len(items)), replace=False)
        return [items[i][0] for i in picks], np.array([items[i][1] for i in picks])

    def all(self) -> tuple[list[str], np.ndarray]:
        """Every molecule in memory and its score, best first."""
        ranked = sorted(self.entries.items(), key=lambda kv: -kv[1])
        return [s for s, _ in ranked], np.array([v for _, v in ranked])

    def state_dict(self) -> dict[str, Any]:
        """The memory as plain data (insertion order kept)."""
        return {"smiles": list(self.entries), "scores": list(self.entries.values())}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore the memory written by :meth:`state_dict`."""
        self.entries = dict(zip(state["smiles"], map(float, state["scores"]), strict=True))
