"""The diversity filter: repeated chemistry earns nothing, so the agent keeps exploring."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from molgen.chem.scaffold import murcko_scaffold_smiles
from molgen.design.config import DiversityFilterConfig

__all__ = ["VERDICTS", "DiversityFilter"]

VERDICTS = ("accepted", "below_min", "bucket_full", "repeat", "invalid", "unfiltered")
"""What the filter said about each molecule:

- ``accepted``: scored at least ``min_score`` and joined its scaffold bucket;
- ``below_min``: scored below ``min_score``; kept its score, joined no bucket;
- ``bucket_full``: its scaffold's bucket was already full; score set to 0;
- ``repeat``: the same molecule was generated before; score set to 0;
- ``invalid``: no molecule; score 0;
- ``unfiltered``: the filter is off (``kind = "none"``).
"""


class DiversityFilter:
    """Identical-scaffold buckets (REINVENT's ``IdenticalMurckoScaffold``) or SMILES repeats.

    The filter remembers every molecule it has seen and, for ``scaffold``, how many good
    molecules each scaffold has produced. :meth:`state_dict` / :meth:`load_state_dict` carry
    that memory across a resume.
    """

    def __init__(self, config: DiversityFilterConfig) -> None:
        self.config = config
        self.seen: set[str] = set()
        self.buckets: dict[str, int] = {}

    def __call__(
        self, canonical: Sequence[str | None], scores: np.ndarray
    ) -> tuple[np.ndarray, list[str]]:
        """Filtered scores and one verdict per molecule, processed in order.

        Args:
            canonical: canonical SMILES, None where invalid.
            scores: the objective's totals.
        """
        out = np.asarray(scores, dtype=float).copy()
        verdicts = []
        for i, smiles in enumerate(canonical):
            verdict = self._judge(smiles, float(out[i]))
            if verdict in ("bucket_full", "repeat", "invalid"):
                out[i] = 0.0
            verdicts.append(verdict)
        return out, verdicts

    def _judge(self, smiles: str | None, score: float) -> str:
        if smiles is None:
            return "invalid"
        if self.config.kind == "none":
            return "unfiltered"
        if smiles in self.seen:
            return "repeat"
        self.seen.add(smiles)
        if self.config.kind == "smiles":
            return "accepted"
        if score < self.config.min_score:
            return "below_min"
        scaffold = murcko_scaffold_smiles(smiles) or ""
        if self.buckets.get(scaffold, 0) >= self.config.bucket_size:
            return "bucket_full"
        self.buckets[scaffold] = self.buckets.get(scaffold, 0) + 1
        return "accepted"

    def is_full(self, smiles: str) -> bool:
        """Whether the scaffold bucket of ``smiles`` is full (``scaffold`` filters only)."""
        if self.config.kind != "scaffold":
            return False
        scaffold = murcko_scaffold_smiles(smiles) or ""
        return self.buckets.get(scaffold, 0) >= self.config.bucket_size

    def state_dict(self) -> dict[str, Any]:
        """The filter's memory as plain data."""
        return {"seen": sorted(self.seen), "buckets": dict(self.buckets)}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore the memory written by :meth:`state_dict`."""
        self.seen = set(state["seen"])
        self.buckets = {str(k): int(v) for k, v in state["buckets"].items()}
