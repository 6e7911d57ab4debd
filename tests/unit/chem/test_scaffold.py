from __future__ import annotations

from rdkit import Chem

from molgen.chem.scaffold import murcko_scaffold, murcko_scaffold_smiles


def test_side_chains_are_removed() -> None:
    assert murcko_scaffold_smiles("CCc1ccc(CC(=O)NC2CCCCC2)cc1") == "O=C(Cc1ccccc1)NC1CCCCC1"
    assert murcko_scaffold(Chem.MolFromSmiles("Cc1ccccc1O")) == "c1ccccc1"


def test_acyclic_and_invalid() -> None:
    assert murcko_scaffold_smiles("CCCCO") == ""
    assert murcko_scaffold_smiles("not smiles") is None
