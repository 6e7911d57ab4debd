"""Parsing and writing molecules. Every function returns None instead of raising."""

from __future__ import annotations

from rdkit import Chem, RDLogger

__all__ = ["canonical_smiles", "mol_from_smiles", "mol_to_inchikey", "quiet_rdkit"]


def quiet_rdkit() -> None:
    """Silence RDKit's C++ warnings and errors on stderr (we record reasons ourselves)."""
    RDLogger.DisableLog("rdApp.*")


quiet_rdkit()


def mol_from_smiles(smiles: str | None) -> Chem.Mol | None:
    """Parse a SMILES string; returns None for empty, non-string or unparsable input."""
    if not isinstance(smiles, str) or not smiles.strip():
        return None
    return Chem.MolFromSmiles(smiles.strip())


def canonical_smiles(smiles: str | None) -> str | None:
    """RDKit canonical isomeric SMILES, or None if ``smiles`` does not parse."""
    mol = mol_from_smiles(smiles)
    return Chem.MolToSmiles(mol) if mol is not None else None


def mol_to_inchikey(mol: Chem.Mol) -> str | None:
    """Standard InChIKey, or None when InChI generation fails."""
    try:
        key = Chem.MolToInchiKey(mol)
    except Exception:  # RDKit raises assorted errors on exotic structures
        return None
    return key or None
