"""A scorer for the learning tests: how many nitrogen atoms a molecule has."""

from rdkit import Chem


def nitrogens(smiles: list[str]) -> list[float]:
    """Number of nitrogen atoms of each SMILES."""
    return [float(sum(a.GetSymbol() == "N" for a in Chem.MolFromSmiles(s).GetAtoms()))
            for s in smiles]  # fmt: skip


def fails_on_oxygen(smiles: list[str]) -> list[float]:
    """Like :func:`nitrogens`, but raises on any molecule with an oxygen."""
    if any("O" in s for s in smiles):
        raise RuntimeError("assay cannot take oxygen")
    return nitrogens(smiles)
