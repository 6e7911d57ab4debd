"""Novelty against a training set."""

from __future__ import annotations

import numpy as np
import pytest
from rdkit import Chem

from molgen.scoring.components import MolBatch, build_component
from molgen.utils.errors import ConfigError


def test_novelty_by_canonical_smiles():
    train = [Chem.MolToSmiles(Chem.MolFromSmiles(s)) for s in ("OCC", "c1ccccc1")]
    novelty = build_component("novel", "novelty", {}, train_smiles=train)
    got = novelty(MolBatch.from_smiles(["CCO", "C1=CC=CC=C1", "CCN", "bad"]))
    assert got[:3].tolist() == [0.0, 0.0, 1.0] and np.isnan(got[3]) and novelty.local


def test_novelty_needs_a_training_set():
    with pytest.raises(ConfigError, match="'novel' \\(novelty\\) needs a training set"):
        build_component("novel", "novelty", {})
