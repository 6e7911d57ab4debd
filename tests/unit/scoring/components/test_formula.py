"""Isomer (molecular formula) scoring, as GuacaMol's isomer scoring function."""

from __future__ import annotations

import numpy as np
import pytest
from rdkit import Chem
from rdkit.Chem import rdMolDescriptors

from molgen.scoring.components import MolBatch, build_component
from molgen.scoring.components.formula import parse_formula
from molgen.utils.errors import ConfigError


def gaussian(x: float, mu: float, sigma: float) -> float:
    return float(np.exp(-0.5 * ((x - mu) / sigma) ** 2))


def test_isomers_score_one_and_others_by_hand():
    # aspirin and two of its isomers, then ethanol and benzene
    smiles = ["CC(=O)Oc1ccccc1C(=O)O", "COC(=O)c1ccccc1C(=O)O", "OC(=O)C=Cc1ccc(O)c(O)c1",
              "CCO", "c1ccccc1"]  # fmt: skip
    got = build_component("iso", "isomer", {"formula": "C9H8O4"})(MolBatch.from_smiles(smiles))
    formulas = [rdMolDescriptors.CalcMolFormula(Chem.MolFromSmiles(s)) for s in smiles]
    assert formulas[:3] == ["C9H8O4"] * 3 and got[:3].tolist() == [1.0, 1.0, 1.0]
    # ethanol C2H6O: C 2 vs 9, H 6 vs 8, O 1 vs 4, 9 atoms vs 21
    want = (gaussian(2, 9, 1) * gaussian(6, 8, 1) * gaussian(1, 4, 1) * gaussian(9, 21, 2)) ** 0.25
    assert got[3] == pytest.approx(want)
    want = (gaussian(6, 9, 1) * gaussian(6, 8, 1) * gaussian(0, 4, 1) * gaussian(12, 21, 2)) ** 0.25
    assert got[4] == pytest.approx(want)


def test_formula_parsing():
    assert parse_formula("C9H8O4") == {"C": 9, "H": 8, "O": 4}
    assert parse_formula("ClCH2Cl") == {"Cl": 2, "C": 1, "H": 2}
    for bad in ("", "c9h8", "C9H8O4x", "Xx2"):
        with pytest.raises(ValueError):
            parse_formula(bad)
    with pytest.raises(ConfigError, match=r"formula 'C9Q': unknown element 'Q'"):
        build_component("iso", "isomer", {"formula": "C9Q"})
