"""Alert and substructure components against RDKit's FilterCatalog and substructure search."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from rdkit import Chem

from molgen.chem.alerts import alert_catalog
from molgen.scoring.components import MolBatch, build_component
from molgen.utils.errors import ConfigError

CATECHOL = "Oc1ccccc1O"  # PAINS catechol_A; Brenk catechol


@pytest.fixture(scope="module")
def smiles(data_dir) -> list[str]:
    moses = pd.read_csv(data_dir / "moses_300.csv")["smiles"].tolist()
    return [*moses, CATECHOL, "O=C(Cl)c1ccccc1", "CC(=O)C=CC(=O)c1ccccc1"]


def _mols(smiles: list[str]) -> list[Chem.Mol]:
    return [Chem.MolFromSmiles(Chem.MolToSmiles(Chem.MolFromSmiles(s))) for s in smiles]


@pytest.mark.parametrize("kind", ["pains", "brenk"])
def test_catalog_alerts_match_filter_catalog(smiles, kind):
    batch = MolBatch.from_smiles([*smiles, "bad"])
    any_hit = build_component(kind, kind, {})(batch)
    count = build_component(kind, kind, {"count": True})(batch)
    catalog = alert_catalog(kind)
    want = np.array([len(catalog.GetMatches(m)) for m in _mols(smiles)], dtype=float)
    np.testing.assert_array_equal(count[:-1], want)
    np.testing.assert_array_equal(any_hit[:-1], (want > 0).astype(float))
    assert np.isnan(any_hit[-1]) and np.isnan(count[-1]) and want.sum() > 0


def test_smarts_alert_list(smiles):
    patterns = ["C(=O)Cl", "c1ccccc1[OH]", "C=CC=O"]
    batch = MolBatch.from_smiles(smiles)
    count = build_component("a", "alerts", {"smarts": patterns, "count": True})(batch)
    queries = [Chem.MolFromSmarts(p) for p in patterns]
    want = [sum(m.HasSubstructMatch(q) for q in queries) for m in _mols(smiles)]
    assert count.tolist() == want and max(want) >= 1
    matched = build_component("a", "alerts", {"smarts": patterns})(batch)
    assert matched.tolist() == [float(w > 0) for w in want]


def test_substructure_presence_and_count(smiles):
    batch = MolBatch.from_smiles(smiles)
    query = Chem.MolFromSmarts("c1ccccc1")
    present = build_component("s", "substructure", {"smarts": "c1ccccc1"})(batch)
    count = build_component("s", "substructure", {"smarts": "c1ccccc1", "count": True})(batch)
    mols = _mols(smiles)
    assert present.tolist() == [float(m.HasSubstructMatch(query)) for m in mols]
    assert count.tolist() == [float(len(m.GetSubstructMatches(query))) for m in mols]
    assert 0 < present.sum() < len(smiles) and count.max() >= 2


def test_substructure_with_chirality():
    batch = MolBatch.from_smiles(["C[C@H](N)C(=O)O", "C[C@@H](N)C(=O)O"])
    params = {"smarts": "C[C@H](N)C(=O)O", "use_chirality": True}
    assert build_component("s", "substructure", params)(batch).tolist() == [1.0, 0.0]


@pytest.mark.parametrize(
    ("type_name", "params", "message"),
    [
        ("substructure", {"smarts": "[C"}, "SMARTS '\\[C' does not parse"),
        ("alerts", {"smarts": ["C", "c1cc("]}, "SMARTS 'c1cc\\(' does not parse"),
        ("alerts", {"smarts": []}, "params.smarts"),
        ("pains", {"mode": "x"}, "params.mode: unknown key"),
    ],
)
def test_bad_params_fail_in_one_line(type_name, params, message):
    with pytest.raises(ConfigError, match=message) as error:
        build_component("x", type_name, params)
    assert "\n" not in str(error.value)
