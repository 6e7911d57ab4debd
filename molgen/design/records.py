"""What a design run keeps per molecule and per step, as plain columns (resumable)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from molgen.chem.scaffold import murcko_scaffold_smiles
from molgen.design.oracle import OracleAnswer

__all__ = ["MoleculeLog", "top_molecules"]

_FIXED = ("call", "step", "stage", "objective", "smiles", "canonical", "valid", "cached",
          "score", "reward", "verdict", "error", "scaffold")  # fmt: skip


class MoleculeLog:
    """Every molecule drawn, in order: one row per sample, components as columns.

    ``call`` is the oracle call index (-1 when the molecule cost no call: invalid, or
    answered from the cache), ``score`` the objective's total, ``reward`` the score after
    the diversity filter, ``verdict`` the filter's verdict.
    """

    def __init__(self) -> None:
        self.columns: dict[str, list[Any]] = {name: [] for name in _FIXED}
        self.scaffolds: set[str] = set()

    def __len__(self) -> int:
        return len(self.columns["call"])

    def add(
        self,
        step: int,
        stage: str,
        objective: str,
        smiles: Sequence[str],
        answer: OracleAnswer,
        reward: np.ndarray,
        verdicts: Sequence[str],
    ) -> None:
        """Append one batch's molecules (the answered prefix of ``smiles``)."""
        n, before = answer.n, len(self)
        scaffolds = [murcko_scaffold_smiles(c) if c else None for c in answer.canonical]
        fixed = {
            "call": answer.call.tolist(),
            "step": [step] * n,
            "stage": [stage] * n,
            "objective": [objective] * n,
            "smiles": list(smiles[:n]),
            "canonical": answer.canonical,
            "valid": [c is not None for c in answer.canonical],
            "cached": [
                c is not None and k < 0 for c, k in zip(answer.canonical, answer.call, strict=True)
            ],
            "score": answer.total.tolist(),
            "reward": np.asarray(reward, dtype=float).tolist(),
            "verdict": list(verdicts),
            "error": answer.error,
            "scaffold": scaffolds,
        }
        for name, values in fixed.items():
            self.columns[name].extend(values)
        for table, suffix in ((answer.raw, "raw"), (answer.desirability, "desirability")):
            for name, values in table.items():
                column = self.columns.setdefault(f"{name}_{suffix}", [float("nan")] * before)
                column.extend(np.asarray(values, dtype=float).tolist())
        for column in self.columns.values():  # components this stage's objective lacks
            column.extend([None] * (before + n - len(column)))
        self.scaffolds.update(
            s for s, k in zip(scaffolds, answer.call, strict=True) if s is not None and k >= 0
        )

    def called_scores(self) -> list[float]:
        """The oracle's answers in call order (what PMO's figures are computed on)."""
        pairs = [
            (k, s)
            for k, s in zip(self.columns["call"], self.columns["score"], strict=True)
            if k >= 0
        ]
        return [s for _, s in sorted(pairs)]

    def frame(self) -> pd.DataFrame:
        """The log as a table."""
        return pd.DataFrame(self.columns)

    def state_dict(self) -> dict[str, Any]:
        """The log as plain data."""
        return {"columns": self.columns}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore what :meth:`state_dict` wrote."""
        self.columns = {name: list(values) for name, values in state["columns"].items()}
        self.scaffolds = {
            s
            for s, k in zip(self.columns["scaffold"], self.columns["call"], strict=True)
            if s is not None and k >= 0
        }


def top_molecules(log: pd.DataFrame, n: int) -> pd.DataFrame:
    """The ``n`` best unique molecules that cost an oracle call, best first (ties: earlier
    call first)."""
    called = log[log["call"] >= 0].sort_values(["score", "call"], ascending=[False, True])
    top = called.drop_duplicates("canonical").head(n).reset_index(drop=True)
    top.insert(0, "rank", np.arange(1, len(top) + 1))
    return top.drop(columns=["cached", "reward", "verdict"])
