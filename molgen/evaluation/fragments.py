"""BRICS fragment and Bemis–Murcko scaffold counts, and their cosine similarity (MOSES
``Frag`` and ``Scaf``)."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Mapping

import numpy as np
from rdkit import Chem
from rdkit.Chem import rdMolDescriptors
from rdkit.Chem.Scaffolds import MurckoScaffold

__all__ = [
    "MIN_SCAFFOLD_RINGS",
    "cosine_similarity",
    "fragment_counts",
    "safe_fragments",
    "scaffold_counts",
]

logger = logging.getLogger(__name__)

MIN_SCAFFOLD_RINGS = 2
"""MOSES counts only scaffolds with at least this many rings."""


def fragments(mol: Chem.Mol) -> list[str]:
    """SMILES of the pieces left by cutting ``mol`` at its BRICS bonds (with dummy atoms)."""
    return Chem.MolToSmiles(Chem.FragmentOnBRICSBonds(mol)).split(".")


def scaffold(mol: Chem.Mol) -> str | None:
    """Bemis–Murcko scaffold SMILES, or None when it is empty, has fewer than
    :data:`MIN_SCAFFOLD_RINGS` rings, or RDKit fails."""
    try:
        core = MurckoScaffold.GetScaffoldForMol(mol)
        text = Chem.MolToSmiles(core)
        rings = rdMolDescriptors.CalcNumRings(core)
    except Exception as exc:  # RDKit raises assorted errors on exotic structures
        logger.debug("no scaffold for %s: %s", Chem.MolToSmiles(mol), exc)
        return None
    return text if text and rings >= MIN_SCAFFOLD_RINGS else None


def safe_fragments(mol: Chem.Mol) -> list[str]:
    """:func:`fragments`, or an empty list when RDKit fails on ``mol``."""
    try:
        return fragments(mol)
    except Exception as exc:  # RDKit raises assorted errors on exotic structures
        logger.debug("BRICS failed for %s: %s", Chem.MolToSmiles(mol), exc)
        return []


def fragment_counts(mols: Iterable[Chem.Mol]) -> Counter[str]:
    """How often each BRICS fragment occurs over ``mols`` (a molecule failing is skipped)."""
    counts: Counter[str] = Counter()
    for mol in mols:
        counts.update(safe_fragments(mol))
    return counts


def scaffold_counts(mols: Iterable[Chem.Mol]) -> Counter[str]:
    """How many of ``mols`` have each scaffold (molecules without one are not counted)."""
    counts = Counter(scaffold(mol) for mol in mols)
    counts.pop(None, None)
    return counts  # type: ignore[return-value]


def cosine_similarity(reference: Mapping[str, int], generated: Mapping[str, int]) -> float:
    """Cosine similarity of two count vectors given as ``{name: count}``; absent names are 0.

    Returns:
        A value in [0, 1]; NaN when either mapping is empty (as in MOSES).
    """
    if not reference or not generated:
        return float("nan")
    keys = list(reference.keys() | generated.keys())
    ref = np.array([reference.get(k, 0) for k in keys], dtype=np.float64)
    gen = np.array([generated.get(k, 0) for k in keys], dtype=np.float64)
    return float(ref @ gen / (np.linalg.norm(ref) * np.linalg.norm(gen)))
