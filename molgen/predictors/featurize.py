"""What a predictor reads of a molecule: its graph codes and, optionally, 2-D descriptors.

Molecules are parsed once; a molecule that does not parse (or has no atoms) has no graph
and is reported as invalid rather than raising.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from rdkit import Chem
from rdkit.Chem import Descriptors

from molgen.chem.graph import GraphCodes, graph_codes
from molgen.chem.mol import mol_from_smiles

__all__ = ["DESCRIPTOR_NAMES", "Featurised", "descriptor_matrix", "featurise", "parse_all"]

DESCRIPTOR_NAMES: tuple[str, ...] = (
    "MolWt", "MolLogP", "MolMR", "TPSA", "NumHDonors", "NumHAcceptors",
    "NumRotatableBonds", "RingCount", "NumAromaticRings", "FractionCSP3",
    "HeavyAtomCount", "NumHeteroatoms", "NumValenceElectrons", "LabuteASA",
)  # fmt: skip
"""The RDKit 2-D descriptors (``rdkit.Chem.Descriptors``) a predictor may join: a fixed
set of cheap ones, so that prediction stays fast enough to serve as a reward."""

_DESCRIPTOR_FUNCTIONS = tuple(getattr(Descriptors, name) for name in DESCRIPTOR_NAMES)


@dataclass(frozen=True, slots=True)
class Featurised:
    """Features of the valid molecules of a list.

    Attributes:
        valid: boolean mask over the input list.
        graphs: graph codes of the valid molecules, in order.
        mols: the valid RDKit molecules, in order.
        descriptors: ``(n_valid, len(DESCRIPTOR_NAMES))`` float64 raw descriptors, or None.
    """

    valid: np.ndarray
    graphs: list[GraphCodes]
    mols: list[Chem.Mol]
    descriptors: np.ndarray | None


def parse_all(smiles: Sequence[str | None]) -> list[Chem.Mol | None]:
    """The RDKit molecule of each SMILES; None where it does not parse or has no atoms."""
    mols = [mol_from_smiles(text) if isinstance(text, str) else None for text in smiles]
    return [mol if mol is not None and mol.GetNumAtoms() else None for mol in mols]


def descriptor_matrix(mols: Sequence[Chem.Mol]) -> np.ndarray:
    """``(len(mols), len(DESCRIPTOR_NAMES))`` raw descriptor values; NaN where RDKit fails."""
    out = np.full((len(mols), len(DESCRIPTOR_NAMES)), np.nan)
    for i, mol in enumerate(mols):
        for j, function in enumerate(_DESCRIPTOR_FUNCTIONS):
            try:
                out[i, j] = function(mol)
            except Exception:  # RDKit raises on a few exotic structures
                continue
    return out


def featurise(
    molecules: Sequence[str | None] | Sequence[Chem.Mol | None], descriptors: bool
) -> Featurised:
    """Graph codes (and descriptors when asked) of a list of SMILES or molecules.

    Args:
        molecules: SMILES strings, or RDKit molecules already parsed (None for invalid).
        descriptors: also compute :data:`DESCRIPTOR_NAMES`.
    """
    if molecules and all(m is None or isinstance(m, Chem.Mol) for m in molecules):
        mols = [m if m is not None and m.GetNumAtoms() else None for m in molecules]
    else:
        mols = parse_all(molecules)  # type: ignore[arg-type]
    graphs: list[GraphCodes] = []
    kept: list[Chem.Mol] = []
    valid = np.zeros(len(mols), dtype=bool)
    for i, mol in enumerate(mols):
        codes = graph_codes(mol) if mol is not None else None
        if codes is not None:
            valid[i] = True
            graphs.append(codes)
            kept.append(mol)  # type: ignore[arg-type]
    values = descriptor_matrix(kept) if descriptors else None
    return Featurised(valid=valid, graphs=graphs, mols=kept, descriptors=values)
