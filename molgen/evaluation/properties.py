"""Property distributions (MOSES ``logP``, ``SA``, ``QED``, ``weight``) and the 1-D
Wasserstein-1 distance between them."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from functools import partial

import numpy as np
from rdkit import Chem
from rdkit.Chem import QED, Crippen, Descriptors

from molgen.chem.sascore import sa_score

__all__ = ["PROPERTIES", "property_arrays", "wasserstein"]

logger = logging.getLogger(__name__)


def _sa(mol: Chem.Mol) -> float:
    score = sa_score(mol)
    return float("nan") if score is None else score


PROPERTIES: dict[str, Callable[[Chem.Mol], float]] = {
    "logP": Crippen.MolLogP,
    "SA": _sa,
    "QED": QED.qed,
    "weight": Descriptors.MolWt,
}
"""MOSES property name -> RDKit function (Crippen logP, Contrib SA score, QED, average MW)."""


def _functions(mol: Chem.Mol) -> dict[str, Callable[[Chem.Mol], float]]:
    """:data:`PROPERTIES` for one molecule, with one pass of ``QED.properties`` (which
    computes MolLogP on the same molecule, hydrogens removed) shared by ``logP`` and
    ``QED``: Crippen logP is the dearest part of each."""
    try:
        inputs = QED.properties(mol)
    except Exception:  # RDKit's own error; the separate calls then report it per property
        return PROPERTIES
    return {
        **PROPERTIES,
        "logP": lambda _: inputs.ALOGP,
        "QED": partial(QED.qed, qedProperties=inputs),
    }


def property_arrays(mols: Sequence[Chem.Mol]) -> dict[str, np.ndarray]:
    """Each of :data:`PROPERTIES` for every molecule, as float64 arrays in input order.

    A value RDKit fails to compute is NaN (logged); :func:`wasserstein` ignores NaNs.
    """
    out = {name: np.full(len(mols), np.nan) for name in PROPERTIES}
    for i, mol in enumerate(mols):
        for name, func in _functions(mol).items():
            try:
                out[name][i] = func(mol)
            except Exception as exc:  # RDKit raises assorted errors on exotic structures
                logger.warning("%s failed for %s: %s", name, Chem.MolToSmiles(mol), exc)
    return out


def wasserstein(u: np.ndarray, v: np.ndarray) -> float:
    """Wasserstein-1 distance between the empirical distributions of ``u`` and ``v``.

    Equal to ``scipy.stats.wasserstein_distance(u, v)``: the integral of the absolute
    difference of the two empirical CDFs. NaNs are dropped first.

    Returns:
        A distance >= 0; NaN when either sample is empty.
    """
    u = np.sort(np.asarray(u, dtype=np.float64)[~np.isnan(u)])
    v = np.sort(np.asarray(v, dtype=np.float64)[~np.isnan(v)])
    if len(u) == 0 or len(v) == 0:
        return float("nan")
    points = np.sort(np.concatenate([u, v]))
    widths = np.diff(points)
    cdf_u = np.searchsorted(u, points[:-1], side="right") / len(u)
    cdf_v = np.searchsorted(v, points[:-1], side="right") / len(v)
    return float(np.sum(np.abs(cdf_u - cdf_v) * widths))
