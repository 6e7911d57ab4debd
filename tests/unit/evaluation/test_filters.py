from __future__ import annotations

import pytest
from rdkit import Chem

from molgen.evaluation import fraction_passes_filters, passes_filters


def _passes(smiles: str) -> bool:
    return passes_filters(Chem.MolFromSmiles(smiles))


def test_plain_drug_like_molecule_passes() -> None:
    assert _passes("CC(=O)Nc1ccc(O)cc1")


@pytest.mark.parametrize(
    "smiles",
    [
        "C[N+](C)(C)Cc1ccccc1",  # charged atom
        "C1CCCCCCCCCCC1",  # 12-membered ring
        "C1CCCCCCC1",  # 8-membered ring: MOSES rejects rings of 8 or more atoms
        "C[Si](C)(C)c1ccccc1",  # silicon is not allowed
        "CC(C)c1ccc(I)cc1",  # iodine is not allowed
        "O=C1C(=Cc2ccccc2)SC(=S)N1",  # PAINS ene_rhod
        "CCCl",  # MCF4: primary alkyl halide
        "O=Cc1ccccc1",  # MCF7: aldehyde
    ],
)
def test_rejected(smiles: str) -> None:
    assert not _passes(smiles)


def test_seven_membered_ring_passes() -> None:
    assert _passes("O=C1CCCCCN1")


def test_fraction() -> None:
    mols = [Chem.MolFromSmiles(s) for s in ["CCO", "C[Si](C)(C)C"]]
    assert fraction_passes_filters(mols) == 0.5
    assert fraction_passes_filters([]) == 0.0
