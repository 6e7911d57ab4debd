"""Validity, uniqueness and novelty of a generated SMILES list (MOSES definitions).

Molecules are parsed as MOSES's ``get_mol`` does: RDKit parses and sanitises the SMILES
(so a SMILES that parses but cannot be kekulised is invalid), and an empty string is
invalid. Canonical forms are RDKit's canonical isomeric SMILES.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence, Set

from rdkit import Chem

from molgen.chem.mol import mol_from_smiles

__all__ = ["canonical_set", "canonical_valid", "fraction_unique", "fraction_valid", "novelty"]

logger = logging.getLogger(__name__)


def parse(smiles: str | None) -> Chem.Mol | None:
    """A sanitised molecule with at least one atom, or None."""
    mol = mol_from_smiles(smiles)
    return mol if mol is not None and mol.GetNumAtoms() > 0 else None


def canonical_valid(smiles: Sequence[str | None]) -> list[str]:
    """Canonical SMILES of the valid entries of ``smiles``, in order, duplicates kept."""
    out = []
    for text in smiles:
        mol = parse(text)
        if mol is not None:
            out.append(Chem.MolToSmiles(mol))
    return out


def canonical_set(smiles: Iterable[str | None]) -> frozenset[str]:
    """The set of canonical SMILES of the valid entries of ``smiles``."""
    return frozenset(canonical_valid(list(smiles)))


def fraction_valid(smiles: Sequence[str | None]) -> float:
    """Fraction of ``smiles`` that RDKit parses and sanitises; 0.0 for an empty input."""
    if not smiles:
        return 0.0
    return sum(parse(text) is not None for text in smiles) / len(smiles)


def fraction_unique(canonical: Sequence[str], k: int | None = None) -> float:
    """MOSES ``unique@k``: distinct molecules among the first ``k`` valid ones.

    Args:
        canonical: canonical SMILES of the valid generated molecules, in generation order
            (as :func:`canonical_valid` returns them).
        k: how many to look at; None looks at all. With fewer than ``k`` molecules all
            are used and a warning is logged, as MOSES does.

    Returns:
        ``len(set(first k)) / len(first k)``; 0.0 when there are no valid molecules
        (MOSES divides by zero there).
    """
    if k is not None:
        if len(canonical) < k:
            logger.warning("unique@%d computed on only %d valid molecules", k, len(canonical))
        canonical = canonical[:k]
    if not canonical:
        return 0.0
    return len(set(canonical)) / len(canonical)


def novelty(canonical: Sequence[str], train: Set[str]) -> float:
    """MOSES ``Novelty``: fraction of distinct valid generated molecules not in ``train``.

    Args:
        canonical: canonical SMILES of the valid generated molecules.
        train: canonical SMILES of the training set (see :func:`canonical_set`).

    Returns:
        A fraction in [0, 1]; 0.0 when there are no valid molecules (MOSES divides by
        zero there).
    """
    distinct = set(canonical)
    if not distinct:
        return 0.0
    return len(distinct - train) / len(distinct)
