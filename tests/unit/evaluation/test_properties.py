from __future__ import annotations

import math

import numpy as np
import pytest
from rdkit import Chem

from molgen.evaluation import PROPERTIES, property_arrays, wasserstein


def test_wasserstein_by_hand() -> None:
    assert wasserstein(np.array([0.0]), np.array([3.0])) == 3.0
    assert wasserstein(np.array([0.0, 1.0]), np.array([0.0, 1.0])) == 0.0
    assert wasserstein(np.array([0.0, 1.0]), np.array([5.0, 6.0])) == 5.0
    assert wasserstein(np.array([0.0, np.nan]), np.array([1.0])) == 1.0
    assert math.isnan(wasserstein(np.array([]), np.array([1.0])))


def test_wasserstein_matches_scipy() -> None:
    stats = pytest.importorskip("scipy.stats")
    rng = np.random.default_rng(0)
    u, v = rng.normal(size=37), rng.normal(1.0, 2.0, size=53)
    assert wasserstein(u, v) == pytest.approx(stats.wasserstein_distance(u, v))


def test_property_arrays() -> None:
    values = property_arrays([Chem.MolFromSmiles("CCO"), Chem.MolFromSmiles("c1ccccc1")])
    assert set(values) == set(PROPERTIES) == {"logP", "SA", "QED", "weight"}
    assert values["weight"] == pytest.approx([46.069, 78.114], abs=1e-2)
    assert np.all((values["QED"] > 0) & (values["QED"] < 1))
    assert np.all((values["SA"] >= 1) & (values["SA"] <= 10))


def test_property_arrays_equal_rdkits_functions_one_by_one(moses_smiles: list[str]) -> None:
    # logP and QED share one QED.properties pass; the values must not move by a bit,
    # also for a molecule with explicit hydrogens.
    mols = [Chem.MolFromSmiles(s) for s in moses_smiles[:40]]
    mols += [Chem.AddHs(mols[0]), Chem.MolFromSmiles("[H]OC([H])([H])C")]
    values = property_arrays(mols)
    for name, func in PROPERTIES.items():
        assert values[name].tolist() == [func(mol) for mol in mols], name
