"""Seeded train/valid/test splits: random, or by Bemis–Murcko scaffold group.

Both return one label per molecule (``"train"``, ``"valid"`` or ``"test"``) and give the
same labels for the same inputs and seed.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["SPLIT_LABELS", "random_split", "scaffold_split", "split_sizes"]

SPLIT_LABELS = ("train", "valid", "test")


def split_sizes(n: int, valid_fraction: float, test_fraction: float) -> tuple[int, int, int]:
    """Target ``(train, valid, test)`` sizes: valid and test are rounded fractions of ``n``."""
    n_valid = round(n * valid_fraction)
    n_test = min(round(n * test_fraction), n - n_valid)
    return n - n_valid - n_test, n_valid, n_test


def random_split(n: int, valid_fraction: float, test_fraction: float, seed: int) -> np.ndarray:
    """Labels for ``n`` molecules, assigned by a seeded random permutation.

    Args:
        n: number of molecules.
        valid_fraction: share for ``valid``.
        test_fraction: share for ``test``.
        seed: random seed.
    """
    _, n_valid, n_test = split_sizes(n, valid_fraction, test_fraction)
    labels = np.full(n, "train", dtype=object)
    order = np.random.default_rng(seed).permutation(n)
    labels[order[:n_valid]] = "valid"
    labels[order[n_valid : n_valid + n_test]] = "test"
    return labels


def scaffold_split(
    scaffolds: Sequence[str], valid_fraction: float, test_fraction: float, seed: int
) -> np.ndarray:
    """Labels that keep every scaffold group whole in one split.

    Groups larger than half the valid or test target go to train first (they could not
    fit elsewhere without overshooting); the remaining groups follow in a seeded random
    order. Each group goes to train while it fits the train target, else to valid while
    that fits, else to test — so valid and test get near their targets and hold
    scaffolds absent from train. Acyclic molecules share the empty scaffold ``""``.

    Args:
        scaffolds: scaffold SMILES per molecule.
        valid_fraction: target share for ``valid``.
        test_fraction: target share for ``test``.
        seed: random seed for the order of the groups.
    """
    n = len(scaffolds)
    n_train, n_valid, _ = split_sizes(n, valid_fraction, test_fraction)
    labels = np.full(n, "test", dtype=object)
    if n == 0:
        return labels
    names, group_of = np.unique(np.asarray(scaffolds, dtype=object), return_inverse=True)
    sizes = np.bincount(group_of, minlength=len(names))
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(names))
    limit = max(min(n_valid, n - n_train - n_valid) / 2, 1)
    big = sizes[order] > limit
    order = np.concatenate([order[big], order[~big]])
    target = {"train": n_train, "valid": n_valid}
    filled = {"train": 0, "valid": 0}
    destination = np.empty(len(names), dtype=object)
    for group in order:
        size = sizes[group]
        destination[group] = "test"
        for label in ("train", "valid"):
            if filled[label] + size <= target[label]:
                filled[label] += size
                destination[group] = label
                break
    labels[:] = destination[group_of]
    return labels
