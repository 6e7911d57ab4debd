from __future__ import annotations

import pytest
from rdkit import Chem

from molgen.chem.filters import (
    charge_reason,
    element_reason,
    filter_reason,
    heavy_atom_reason,
    macrocycle_reason,
    mw_reason,
    pains_reason,
)

ORGANIC = frozenset({"C", "N", "O", "S", "H"})
LIMITS = {
    "allowed_elements": ORGANIC,
    "min_heavy_atoms": 3,
    "max_heavy_atoms": 70,
    "min_mw": 0.0,
    "max_mw": 900.0,
    "max_abs_formal_charge": 0,
    "max_ring_size": 8,
}


def mol(smiles: str) -> Chem.Mol:
    return Chem.MolFromSmiles(smiles)


def test_element() -> None:
    assert element_reason(mol("CC[Sn](C)C"), ORGANIC) == "element Sn not allowed"
    assert element_reason(mol("CCBr"), ORGANIC) == "element Br not allowed"
    assert element_reason(mol("CCO"), ORGANIC) is None
    with pytest.raises(ValueError, match="Xx"):
        element_reason(mol("CCO"), {"C", "Xx"})


def test_heavy_atoms() -> None:
    assert heavy_atom_reason(mol("C" * 92), 3, 70) == "heavy atoms 92 > 70"
    assert heavy_atom_reason(mol("CO"), 3, 70) == "heavy atoms 2 < 3"
    assert heavy_atom_reason(mol("CCO"), 3, 70) is None


def test_molecular_weight() -> None:
    assert mw_reason(mol("CCCCCCCCCCCCCCCCCCCC"), 0, 250) == "molecular weight 282.6 > 250"
    assert mw_reason(mol("CCO"), 100, 900) == "molecular weight 46.1 < 100"
    assert mw_reason(mol("CCO"), 0, 900) is None


def test_net_charge() -> None:
    assert charge_reason(mol("C[N+](C)(C)C"), 0) == "net charge +1 (limit ±0)"
    assert charge_reason(mol("CC(=O)[O-]"), 0) == "net charge -1 (limit ±0)"
    assert charge_reason(mol("C[N+](C)(C)C"), 1) is None
    assert charge_reason(mol("C[N+](C)(C)CC(=O)[O-]"), 0) is None  # zwitterion: net zero


def test_macrocycle() -> None:
    assert macrocycle_reason(mol("C1CCCCCCCCCCC1"), 8) == "macrocycle (ring of 12 atoms)"
    assert macrocycle_reason(mol("c1ccc2ccccc2c1"), 8) is None  # fused rings: SSSR sizes 6
    assert macrocycle_reason(mol("CCCC"), 8) is None


def test_pains() -> None:
    assert pains_reason(mol("O=C1NC(=S)SC1=Cc1ccccc1")) == "PAINS alert: ene_rhod_A(235)"
    assert pains_reason(mol("CC(C)Cc1ccc(C(C)C(=O)O)cc1")) is None


def test_filter_reason_returns_first_failure_or_none() -> None:
    assert filter_reason(mol("CC(C)Cc1ccc(C(C)C(=O)O)cc1"), **LIMITS) is None
    assert filter_reason(mol("C1CCCCCCCCCCC1Br"), **LIMITS) == "element Br not allowed"
    rhodanine = mol("O=C1NC(=S)SC1=Cc1ccccc1")
    assert filter_reason(rhodanine, **LIMITS) is None
    assert filter_reason(rhodanine, **LIMITS, reject_pains=True).startswith("PAINS alert")
