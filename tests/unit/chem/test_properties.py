"""Molecule properties against direct RDKit calls, one molecule and whole batches."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from rdkit import Chem
from rdkit.Chem import QED, Descriptors
from rdkit.Contrib.SA_Score import sascorer

from molgen.chem.alerts import alert_catalog
from molgen.chem.properties import (
    PROPERTY_NAMES,
    batch_properties,
    format_alerts,
    lipinski_violations,
    molecule_properties,
)

ASPIRIN = "CC(=O)Oc1ccccc1C(=O)O"
CAFFEINE = "Cn1cnc2c1c(=O)n(C)c(=O)n2C"
RHODANINE = "S=C1SC(=Cc2ccccc2)C(=O)N1"  # PAINS ene_rhod_A, Brenk Michael acceptor
DODECANE = "CCCCCCCCCCCC"  # Brenk Aliphatic_long_chain only
KNOWN = [ASPIRIN, CAFFEINE, RHODANINE, DODECANE, "Oc1ccccc1O", "CCN(CC)c1ccc(N=Nc2ccccc2)cc1"]


def direct(smiles: str) -> dict:
    """Every property with one plain RDKit call each."""
    mol = Chem.MolFromSmiles(smiles)
    pains = [e.GetDescription() for e in alert_catalog("pains").GetMatches(mol)]
    brenk = [e.GetDescription() for e in alert_catalog("brenk").GetMatches(mol)]
    return {
        "smiles": Chem.MolToSmiles(mol),
        "inchikey": Chem.MolToInchiKey(mol),
        "mw": Descriptors.MolWt(mol),
        "logp": Descriptors.MolLogP(mol),
        "tpsa": Descriptors.TPSA(mol),
        "hbd": Descriptors.NumHDonors(mol),
        "hba": Descriptors.NumHAcceptors(mol),
        "rotb": Descriptors.NumRotatableBonds(mol),
        "rings": Descriptors.RingCount(mol),
        "qed": QED.qed(mol),
        "sa": sascorer.calculateScore(mol),
        "pains": bool(pains),
        "brenk": bool(brenk),
        "alerts": [("pains", d) for d in pains] + [("brenk", d) for d in brenk],
    }


@pytest.mark.parametrize("smiles", KNOWN)
def test_molecule_properties_equal_direct_rdkit_calls(smiles):
    got = molecule_properties(Chem.MolFromSmiles(smiles))
    want = direct(smiles)
    assert set(got) == set(PROPERTY_NAMES)
    for name in ("smiles", "inchikey", "mw", "logp", "tpsa", "hbd", "hba", "rotb", "rings",
                 "qed", "sa", "pains", "brenk"):  # fmt: skip
        assert got[name] == want[name], name  # bit-for-bit, not approximately
    assert got["alerts"] == format_alerts(want["alerts"])
    assert got["lipinski_violations"] == lipinski_violations(
        want["mw"], want["logp"], want["hbd"], want["hba"]
    )


def test_known_values():
    aspirin = molecule_properties(Chem.MolFromSmiles(ASPIRIN))
    assert aspirin["inchikey"] == "BSYNRYMUTXBXSQ-UHFFFAOYSA-N"
    assert math.isclose(aspirin["mw"], 180.159, abs_tol=1e-3)
    assert (aspirin["hbd"], aspirin["rings"]) == (1, 1)
    assert (aspirin["pains"], aspirin["brenk"]) == (False, True)
    assert aspirin["alerts"] == "brenk:phenol_ester"
    caffeine = molecule_properties(Chem.MolFromSmiles(CAFFEINE))
    assert caffeine["inchikey"] == "RYYVLZVUVIJVGH-UHFFFAOYSA-N"
    assert (caffeine["pains"], caffeine["brenk"], caffeine["alerts"]) == (False, False, "")
    rhodanine = molecule_properties(Chem.MolFromSmiles(RHODANINE))
    assert rhodanine["pains"] and "pains:ene_rhod_A(235)" in rhodanine["alerts"]


def test_lipinski_violations_counts_each_rule():
    assert lipinski_violations(180.0, 1.2, 1, 4) == 0
    assert lipinski_violations(500.0, 5.0, 5, 10) == 0  # the limits themselves pass
    assert lipinski_violations(501.0, 5.1, 6, 11) == 4
    assert lipinski_violations(650.0, 2.0, 2, 12) == 2


def test_batch_equals_one_at_a_time(data_dir):
    smiles = pd.read_csv(data_dir / "moses_300.csv")["smiles"].head(100).tolist() + KNOWN
    columns = batch_properties(smiles)
    assert all(columns["valid"])
    for i, text in enumerate(smiles):
        canonical = Chem.MolToSmiles(Chem.MolFromSmiles(text))
        want = molecule_properties(Chem.MolFromSmiles(canonical))
        assert {name: columns[name][i] for name in PROPERTY_NAMES} == want, text


def test_batch_keeps_invalid_rows_in_place():
    inputs = [ASPIRIN, None, "", "C1CC", "not smiles", CAFFEINE, "  "]
    columns = batch_properties(inputs)
    assert columns["valid"] == [True, False, False, False, False, True, False]
    assert columns["smiles"][1:5] == [None, "", "C1CC", "not smiles"]
    assert columns["smiles"][5] == Chem.MolToSmiles(Chem.MolFromSmiles(CAFFEINE))
    for name in PROPERTY_NAMES:
        if name != "smiles":
            assert columns[name][2] is None and columns[name][4] is None
    assert batch_properties([]) == {name: [] for name in ("valid", *PROPERTY_NAMES)}


def test_batch_duplicates_share_values():
    columns = batch_properties([ASPIRIN, "OC(=O)c1ccccc1OC(C)=O", ASPIRIN])
    rows = [{name: values[i] for name, values in columns.items()} for i in range(3)]
    assert rows[0] == rows[1] == rows[2]


def test_values_do_not_depend_on_the_spelling_seen_first():
    # Crippen logP sums atom contributions in atom order: ethanol written OCC or CCO gives
    # a different last bit unless both are computed from the canonical molecule.
    first, second = batch_properties(["OCC"]), batch_properties(["CCO"])
    assert first == {**second, "smiles": first["smiles"]}
    assert batch_properties(["OCC", "CCO"])["logp"] == [first["logp"][0]] * 2
