"""Bemis–Murcko scaffolds."""

from __future__ import annotations

from rdkit import Chem
from rdkit.Chem.Scaffolds import MurckoScaffold

from molgen.chem.mol import mol_from_smiles

__all__ = ["murcko_scaffold", "murcko_scaffold_smiles"]


def murcko_scaffold(mol: Chem.Mol) -> str | None:
    """Canonical SMILES of the Bemis–Murcko scaffold (ring systems and linkers).

    Acyclic molecules have the empty scaffold ``""``. Returns None if RDKit fails.
    """
    try:
        return Chem.MolToSmiles(MurckoScaffold.GetScaffoldForMol(mol))
    except Exception:  # RDKit raises on a few exotic structures
        return None


def murcko_scaffold_smiles(smiles: str | None) -> str | None:
    """Scaffold SMILES of a SMILES string; None if it does not parse."""
    mol = mol_from_smiles(smiles)
    return murcko_scaffold(mol) if mol is not None else None
