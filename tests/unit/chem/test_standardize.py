from __future__ import annotations

import pytest
from rdkit import Chem
from rdkit.Chem.MolStandardize import rdMolStandardize

from molgen.chem.standardize import cleanup_mol, standardize_mol, standardize_smiles


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("CC(=O)[O-].[Na+]", "CC(=O)O"),  # salt stripped, then neutralised
        ("c1ccccc1C(=O)[O-].[K+].O", "O=C(O)c1ccccc1"),  # counter-ion and water dropped
        ("[NH3+]CC(=O)[O-]", "NCC(=O)O"),  # zwitterion neutralised
        ("C[NH3+].[Cl-]", "CN"),  # hydrochloride salt
        ("CN(=O)=O", "C[N+](=O)[O-]"),  # nitro group normalised by cleanup
    ],
)
def test_standardize_smiles(raw: str, expected: str) -> None:
    assert standardize_smiles(raw) == expected


def test_quaternary_ammonium_keeps_its_charge() -> None:
    mol = standardize_mol(Chem.MolFromSmiles("C[N+](C)(C)C.[Cl-]"))
    assert Chem.MolToSmiles(mol) == "C[N+](C)(C)C"
    assert Chem.GetFormalCharge(mol) == 1


def test_stereo_kept_by_default_and_removed_on_request() -> None:
    assert standardize_smiles("C[C@H](N)C(=O)O") == "C[C@H](N)C(=O)O"
    assert standardize_smiles("C[C@H](N)C(=O)O", remove_stereo=True) == "CC(N)C(=O)O"
    assert standardize_smiles("C/C=C/C", remove_stereo=True) == "CC=CC"


def test_steps_can_be_switched_off() -> None:
    # both fragments stay; the Uncharger leaves a charge-balanced salt as it is
    assert standardize_smiles("CC(=O)[O-].[Na+]", largest_fragment=False) == "CC(=O)[O-].[Na+]"
    assert standardize_smiles("CC(=O)[O-].[Na+]", neutralize=False) == "CC(=O)[O-]"


def test_cleanup_matches_rdkit_cleanup() -> None:
    smiles = [
        "CN(=O)=O",
        "CCO[Na]",
        "C[S+2]([O-])([O-])C",
        "[H]C([H])([H])O",
        "OC(=O)c1ccccc1.[Na]",
        "C[n+]1ccccc1[O-]",
        "CC(=O)[O-].[Mg+2].CC(=O)[O-]",
    ]
    for text in smiles:
        mol = Chem.MolFromSmiles(text)
        ours = Chem.MolToSmiles(cleanup_mol(mol))
        assert ours == Chem.MolToSmiles(rdMolStandardize.Cleanup(mol)), text


def test_failures_return_none() -> None:
    assert standardize_smiles("not a smiles") is None
    assert standardize_smiles("") is None
    assert standardize_mol(None) is None
