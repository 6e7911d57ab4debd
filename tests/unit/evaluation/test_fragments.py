from __future__ import annotations

import math

import pytest
from rdkit import Chem

from molgen.evaluation import cosine_similarity, fragment_counts, scaffold_counts


def _mols(smiles: list[str]) -> list[Chem.Mol]:
    return [Chem.MolFromSmiles(s) for s in smiles]


def test_brics_fragments_are_counted() -> None:
    counts = fragment_counts(_mols(["CCOC(=O)c1ccccc1", "CCOC(=O)c1ccccc1"]))
    assert sum(counts.values()) > 2
    assert all(n % 2 == 0 for n in counts.values())


def test_scaffolds_need_two_rings() -> None:
    smiles = ["CCc1ccccc1", "CCCC", "Cc1ccc(-c2ccccn2)cc1", "c1ccc2ccccc2c1"]
    counts = scaffold_counts(_mols(smiles))
    assert counts == {"c1ccc(-c2ccccn2)cc1": 1, "c1ccc2ccccc2c1": 1}


def test_cosine_similarity_by_hand() -> None:
    assert cosine_similarity({"a": 1, "b": 1}, {"a": 2, "b": 2}) == pytest.approx(1.0)
    assert cosine_similarity({"a": 1}, {"b": 3}) == 0.0
    assert cosine_similarity({"a": 1, "b": 1}, {"a": 1}) == pytest.approx(1 / math.sqrt(2))
    assert math.isnan(cosine_similarity({}, {"a": 1}))


def test_frag_and_scaf_of_a_set_against_itself_is_one(moses_smiles: list[str]) -> None:
    mols = _mols(moses_smiles[:50])
    frags, scafs = fragment_counts(mols), scaffold_counts(mols)
    assert cosine_similarity(frags, frags) == pytest.approx(1.0)
    assert cosine_similarity(scafs, scafs) == pytest.approx(1.0)
