"""Seeded splits of a labelled table: random, Bemis–Murcko scaffold, and k-fold."""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from molgen.chem.scaffold import murcko_scaffold_smiles
from molgen.data.split import random_split, scaffold_split

__all__ = ["kfold_frames", "split_frame"]


def _check_fractions(fractions: tuple[float, float, float]) -> None:
    if len(fractions) != 3 or any(f < 0 for f in fractions) or abs(sum(fractions) - 1) > 1e-6:
        raise ValueError(f"fractions must be three non-negative shares summing to 1: {fractions}")


def split_frame(
    frame: pd.DataFrame,
    kind: Literal["random", "scaffold"] = "random",
    fractions: tuple[float, float, float] = (0.8, 0.1, 0.1),
    seed: int = 0,
    smiles_column: str = "smiles",
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Split a table into train, validation and test frames.

    Args:
        frame: one row per molecule, with a SMILES column.
        kind: ``random`` rows, or whole ``scaffold`` groups (Bemis–Murcko; a SMILES that
            does not parse forms its own group, acyclic molecules share the empty one).
        fractions: train, validation and test shares.
        seed: the random seed; the same inputs and seed give the same split.
        smiles_column: the SMILES column (scaffold split only).

    Returns:
        ``(train, val, test)`` with their original index.

    Raises:
        ValueError: unknown kind, or fractions that do not sum to 1.
    """
    _check_fractions(fractions)
    _, valid_fraction, test_fraction = fractions
    if kind == "random":
        labels = random_split(len(frame), valid_fraction, test_fraction, seed)
    elif kind == "scaffold":
        scaffolds = [
            murcko_scaffold_smiles(s) if isinstance(s, str) else None for s in frame[smiles_column]
        ]
        groups = [s if s is not None else f"<unparsed {i}>" for i, s in enumerate(scaffolds)]
        labels = scaffold_split(groups, valid_fraction, test_fraction, seed)
    else:
        raise ValueError(f"unknown split kind {kind!r}; known: random, scaffold")
    return tuple(frame[labels == name] for name in ("train", "valid", "test"))  # type: ignore[return-value]


def kfold_frames(
    frame: pd.DataFrame, k: int, seed: int = 0
) -> list[tuple[pd.DataFrame, pd.DataFrame]]:
    """``k`` seeded cross-validation folds: a list of ``(train, held_out)`` frames.

    Every row is held out exactly once; fold sizes differ by at most one.

    Raises:
        ValueError: ``k`` below 2 or above the number of rows.
    """
    if not 2 <= k <= len(frame):
        raise ValueError(f"k must lie between 2 and the number of rows ({len(frame)}); got {k}")
    order = np.random.default_rng(seed).permutation(len(frame))
    folds = np.array_split(order, k)
    out = []
    for held in folds:
        mask = np.zeros(len(frame), dtype=bool)
        mask[held] = True
        out.append((frame[~mask], frame[mask]))
    return out
