"""Morgan fingerprints and Tanimoto similarity. Functions return None instead of raising."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rdkit import DataStructs
from rdkit.Chem import rdFingerprintGenerator
from rdkit.DataStructs import ExplicitBitVect

from molgen.chem.mol import mol_from_smiles

__all__ = ["morgan_fingerprint", "tanimoto_to"]

_GENERATORS: dict[tuple[int, int], Any] = {}  # (radius, bits) -> RDKit generator


def morgan_fingerprint(smiles: str, radius: int = 2, n_bits: int = 2048) -> ExplicitBitVect | None:
    """The Morgan (ECFP-like) bit fingerprint of ``smiles``, or None if it does not parse."""
    mol = mol_from_smiles(smiles)
    if mol is None:
        return None
    key = (radius, n_bits)
    if key not in _GENERATORS:
        _GENERATORS[key] = rdFingerprintGenerator.GetMorganGenerator(radius=radius, fpSize=n_bits)
    return _GENERATORS[key].GetFingerprint(mol)


def tanimoto_to(
    query: str, smiles: Sequence[str], radius: int = 2, n_bits: int = 2048
) -> list[float | None]:
    """Tanimoto similarity of each SMILES to ``query`` on Morgan fingerprints.

    Returns:
        One value per SMILES in ``[0, 1]``; None where that SMILES does not parse. All None
        when ``query`` does not parse.
    """
    reference = morgan_fingerprint(query, radius, n_bits)
    if reference is None:
        return [None] * len(smiles)
    out: list[float | None] = []
    for text in smiles:
        fp = morgan_fingerprint(text, radius, n_bits)
        out.append(None if fp is None else DataStructs.TanimotoSimilarity(reference, fp))
    return out
