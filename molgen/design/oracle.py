"""The oracle: an objective behind a budget of unique molecules and a cache of answers.

PMO's rule (Gao et al. 2022): each unique valid molecule scored costs one call; a molecule
scored before is answered from the cache for free; invalid strings are never sent. The run
stops when the budget is spent.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from molgen.chem.mol import canonical_smiles
from molgen.scoring.objective import Objective
from molgen.utils.errors import first_line

__all__ = ["Oracle", "OracleAnswer"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class OracleAnswer:
    """The oracle's answer for a batch, cut where the budget ran out.

    Attributes:
        n: how many of the batch's molecules were answered (a prefix of the batch).
        canonical: canonical SMILES, None where invalid.
        call: 0-based call index where the molecule cost a call, else -1.
        total: objective totals (0 where invalid or failed).
        raw: each component's raw values.
        desirability: each component's desirabilities.
        error: why scoring a molecule failed ("" when it did not).
    """

    n: int
    canonical: list[str | None]
    call: np.ndarray
    total: np.ndarray
    raw: dict[str, np.ndarray]
    desirability: dict[str, np.ndarray]
    error: list[str]


class Oracle:
    """Counts, caches and scores for one objective; stages share a budget through
    :attr:`calls`, which the caller carries from one oracle to the next.

    Args:
        objective: the scorer.
        max_calls: the budget, in unique valid molecules.
        calls: calls already spent (by earlier stages).
    """

    def __init__(self, objective: Objective, max_calls: int, calls: int = 0) -> None:
        self.objective = objective
        self.names = [c.name for c in objective.config.components]
        self.max_calls = max_calls
        self.calls = calls
        self.cache: dict[str, tuple[float, list[float], list[float], str]] = {}
        self.failures: Counter[str] = Counter()

    @property
    def remaining(self) -> int:
        """Calls left in the budget."""
        return max(self.max_calls - self.calls, 0)

    def __call__(self, smiles: Sequence[str]) -> OracleAnswer:
        """Score a batch in order, stopping before the first new molecule over budget."""
        canonical = [canonical_smiles(s) for s in smiles]
        fresh: list[str] = []
        n = len(smiles)
        for i, c in enumerate(canonical):
            if c is None or c in self.cache or c in fresh:
                continue
            if len(fresh) == self.remaining:
                n = i
                break
            fresh.append(c)
        self._score(fresh)
        first_call = {c: self.calls + k for k, c in enumerate(fresh)}
        self.calls += len(fresh)
        canonical = canonical[:n]
        call = np.full(n, -1, dtype=np.int64)
        seen: set[str] = set()
        for i, c in enumerate(canonical):
            if c in first_call and c not in seen:
                call[i] = first_call[c]
                seen.add(c)
        return self._answer(canonical, call)

    def _answer(self, canonical: list[str | None], call: np.ndarray) -> OracleAnswer:
        width = len(self.names)
        rows = [self.cache.get(c, (0.0, [np.nan] * width, [0.0] * width, "")) if c else
                (0.0, [np.nan] * width, [0.0] * width, "") for c in canonical]  # fmt: skip
        raw = {name: np.array([r[1][j] for r in rows]) for j, name in enumerate(self.names)}
        des = {name: np.array([r[2][j] for r in rows]) for j, name in enumerate(self.names)}
        total = np.array([r[0] for r in rows])
        return OracleAnswer(len(canonical), canonical, call, total, raw, des, [r[3] for r in rows])

    def _score(self, fresh: list[str]) -> None:
        """Score new molecules into the cache; a failing scorer costs molecules, not the run."""
        if not fresh:
            return
        try:
            self._cache_results(fresh, self.objective.evaluate(fresh), "")
        except Exception as exc:  # a plugin scorer may raise anything
            logger.warning("scoring a batch failed (%s); scoring one by one", first_line(exc))
            for smiles in fresh:
                try:
                    self._cache_results([smiles], self.objective.evaluate([smiles]), "")
                except Exception as one:
                    reason = f"{type(one).__name__}: {first_line(one)}"[:200]
                    self.failures[reason] += 1
                    width = len(self.names)
                    self.cache[smiles] = (0.0, [np.nan] * width, [0.0] * width, reason)

    def _cache_results(self, fresh: list[str], result: Any, error: str) -> None:
        for i, smiles in enumerate(fresh):
            raw = [float(result.raw[name][i]) for name in self.names]
            for name, value in zip(self.names, raw, strict=True):
                if np.isnan(value):
                    self.failures[f"{name}: no value"] += 1
            des = [float(result.desirability[name][i]) for name in self.names]
            self.cache[smiles] = (float(result.total[i]), raw, des, error)

    def state_dict(self) -> dict[str, Any]:
        """Calls spent, the cache and the failure counts, as plain data."""
        keys = list(self.cache)
        return {
            "calls": self.calls,
            "smiles": keys,
            "total": [self.cache[k][0] for k in keys],
            "raw": [self.cache[k][1] for k in keys],
            "desirability": [self.cache[k][2] for k in keys],
            "error": [self.cache[k][3] for k in keys],
            "failures": dict(self.failures),
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore what :meth:`state_dict` wrote."""
        self.calls = int(state["calls"])
        rows = zip(state["smiles"], state["total"], state["raw"], state["desirability"],
                   state["error"], strict=True)  # fmt: skip
        self.cache = {s: (float(t), list(r), list(d), str(e)) for s, t, r, d, e in rows}
        self.failures = Counter({str(k): int(v) for k, v in state["failures"].items()})
