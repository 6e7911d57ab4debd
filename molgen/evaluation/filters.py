"""The MOSES ``Filters`` metric: does a molecule pass the filters MOSES built its data with.

A molecule passes when (as MOSES's ``mol_passes_filters``):

- it has no ring of 8 or more atoms (MOSES rejects ``len(ring) >= 8``);
- no atom is charged;
- every atom is one of C, N, S, O, F, Cl, Br, H;
- no MCF or PAINS SMARTS matches the molecule with explicit hydrogens added;
- its non-isomeric SMILES is not empty and parses again.

PAINS are RDKit's FilterCatalog PAINS A/B/C set (480 entries, converted from the same WEHI
list MOSES ships as ``wehi_pains.csv``).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import numpy as np
from rdkit import Chem

from molgen.chem.alerts import alert_catalog

__all__ = [
    "ALLOWED_ATOMS",
    "MCF_SMARTS",
    "filter_flags",
    "fraction_passes_filters",
    "passes_filters",
]

ALLOWED_ATOMS = frozenset({"C", "N", "S", "O", "F", "Cl", "Br", "H"})
MAX_RING_SIZE = 7

# The 22 medicinal-chemistry filters (MCF1..MCF22), data taken from MOSES's
# moses/metrics/mcf.csv (https://github.com/molecularsets/moses, MIT licence).
MCF_SMARTS: tuple[str, ...] = (
    "[#6]=&!@[#6]-[#6]#[#7]",
    "[#6]=&!@[#6]-[#16](=[#8])=[#8]",
    "[#6]=&!@[#6&!H0]-&!@[#6](=[#8])-&!@[#7]",
    "[H]C([H])([#6])[F,Cl,Br,I]",
    "[#6]1-[#8]-[#6]-1",
    "[#6]-[#7]=[#6]=[#8]",
    "[#6&!H0]=[#8]",
    "[#6](=&!@[#7&!H0])-&!@[#6,#7,#8,#16]",
    "[#6]1-[#7]-[#6]-1",
    "[#6]~&!@[#7]~&!@[#7]~&!@[#6]",
    "[#7]=&!@[#7]",
    "[H][#6]-1=[#6]([H])-[#6]=[#6](-*)-[#8]-1",
    "[H][#6]-1=[#6]([H])-[#6]=[#6](-*)-[#16]-1",
    "[#17,#35,#53]-c(:*):[!#1!#6]:*",
    "[H][#7]([H])-[#6]-1=[#6]-[#6]=[#6]-[#6]=[#6]-1",
    "[#16]~[#16]",
    "[#7]~&!@[#7]~&!@[#7]",
    "[#7]-&!@[#6&!H0&!H1]-&!@[#7]",
    "[#6&!H0](-&!@[#8])-&!@[#8]",
    "[#35].[#35].[#35]",
    "[#17].[#17].[#17].[#17]",
    "[#9].[#9].[#9].[#9].[#9].[#9].[#9]",
)


@cache
def _mcf() -> tuple[Chem.Mol, ...]:
    return tuple(Chem.MolFromSmarts(smarts) for smarts in MCF_SMARTS)


def passes_filters(mol: Chem.Mol) -> bool:
    """Whether a sanitised molecule passes the MOSES filters (see the module docstring)."""
    if any(len(ring) > MAX_RING_SIZE for ring in mol.GetRingInfo().AtomRings()):
        return False
    if any(atom.GetFormalCharge() != 0 for atom in mol.GetAtoms()):
        return False
    if any(atom.GetSymbol() not in ALLOWED_ATOMS for atom in mol.GetAtoms()):
        return False
    with_hs = Chem.AddHs(mol)
    if any(with_hs.HasSubstructMatch(query) for query in _mcf()):
        return False
    if alert_catalog("pains").HasMatch(with_hs):
        return False
    smiles = Chem.MolToSmiles(mol, isomericSmiles=False)
    return bool(smiles) and Chem.MolFromSmiles(smiles) is not None


def _passes_or_fails(mol: Chem.Mol) -> bool:
    try:
        return passes_filters(mol)
    except Exception:  # RDKit raises assorted errors on exotic structures: the molecule fails
        return False


def filter_flags(mols: Sequence[Chem.Mol]) -> np.ndarray:
    """:func:`passes_filters` of each molecule as a boolean array; a molecule on which RDKit
    raises fails."""
    return np.fromiter((_passes_or_fails(mol) for mol in mols), dtype=bool, count=len(mols))


def fraction_passes_filters(mols: Sequence[Chem.Mol]) -> float:
    """Fraction of ``mols`` (valid generated molecules, duplicates count) passing the
    filters; 0.0 for an empty input. A molecule on which RDKit raises fails."""
    if not mols:
        return 0.0
    return float(filter_flags(mols).mean())
