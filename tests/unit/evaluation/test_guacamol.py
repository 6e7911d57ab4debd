"""GuacaMol distribution-learning scores: FCD score and KL-divergence score."""

from __future__ import annotations

import math

import numpy as np
import pytest
from rdkit import Chem

from molgen.evaluation import guacamol
from molgen.evaluation.fcd import EvaluationInputError, FCDStats
from molgen.evaluation.guacamol import (
    KL_PROFILE_COLUMNS,
    continuous_kl,
    descriptor_matrix,
    discrete_kl,
    fcd_score,
    fcd_to_score,
    internal_similarity,
    kl_divergences,
    kl_profile,
    kl_score,
)

# Shifted away from MOSES: acyclic chains, alcohols, amines and acids.
SHIFTED = [
    *("C" * n for n in range(3, 25)),
    *("C" * n + "O" for n in range(3, 25)),
    *("C" * n + "N" for n in range(3, 25)),
    *("C" * n + "C(=O)O" for n in range(3, 25)),
]


def test_kl_score_of_a_set_against_itself_is_one(moses_smiles: list[str]):
    assert kl_score(moses_smiles, moses_smiles) == pytest.approx(1.0, abs=1e-9)


def test_kl_score_ignores_order_duplicates_and_invalid_entries(moses_smiles: list[str]):
    noisy = [*reversed(moses_smiles), *moses_smiles[:10], "not a smiles", None]
    assert kl_score(noisy, moses_smiles) == pytest.approx(1.0, abs=1e-9)


def test_kl_score_drops_for_a_shifted_set(moses_smiles: list[str]):
    halves = kl_score(moses_smiles[:150], moses_smiles[150:])
    shifted = kl_score(SHIFTED, moses_smiles)
    assert 0.8 < halves < 1.0
    assert 0.0 <= shifted < 0.5
    assert shifted < halves


def test_kl_divergences_cover_the_ten_guacamol_distributions(moses_smiles: list[str]):
    kls = kl_divergences(moses_smiles[:60], moses_smiles[60:160])
    assert list(kls) == [
        "BertzCT",
        "MolLogP",
        "MolWt",
        "TPSA",
        "NumHAcceptors",
        "NumHDonors",
        "NumRotatableBonds",
        "NumAliphaticRings",
        "NumAromaticRings",
        "internal_similarity",
    ]
    assert all(np.isfinite(v) and v >= 0 for v in kls.values())


def test_a_constant_descriptor_does_not_break_the_score(moses_smiles: list[str]):
    # Alkanes: TPSA is 0 for every molecule, which makes a Gaussian KDE singular.
    alkanes = ["CCC", "CCCC", "CCCCC", "CCCCCC", "CC(C)C"]
    score = kl_score(alkanes, moses_smiles)
    assert 0.0 <= score < 0.5
    assert kl_score(alkanes, alkanes) == pytest.approx(1.0)


@pytest.mark.parametrize(
    "generated", [[], ["CCO"], ["CCO", "OCC", "nonsense"]], ids=["empty", "one", "one-unique"]
)
def test_too_few_molecules_is_a_one_line_error(generated: list[str], moses_smiles: list[str]):
    with pytest.raises(EvaluationInputError, match="generated set") as info:
        kl_score(generated, moses_smiles)
    assert "\n" not in str(info.value)


def test_kl_helpers_are_zero_on_identical_samples():
    x = np.array([1.0, 2.0, 2.5, 4.0, 7.0])
    assert continuous_kl(x, x) == pytest.approx(0.0, abs=1e-12)
    assert discrete_kl(np.array([0, 1, 1, 2, 3]), np.array([0, 1, 1, 2, 3])) == pytest.approx(0.0)
    assert discrete_kl(np.array([0, 1, 1, 2]), np.array([9, 9, 9])) == math.inf


def test_internal_similarity_is_the_nearest_neighbour_tanimoto():
    mols = [Chem.MolFromSmiles(s) for s in ("CCO", "CCO", "c1ccccc1N")]
    sims = internal_similarity(mols)
    assert sims[0] == sims[1] == 1.0
    assert 0.0 <= sims[2] < 0.5


def test_kl_profile_in_chunks_over_processes_is_the_profile_of_the_unique_molecules(
    moses_smiles: list[str], monkeypatch: pytest.MonkeyPatch
):
    # Copies in another spelling, stereo variants and junk, spread over 7-SMILES chunks.
    given = [*moses_smiles[:30], "OCC", "CCO", "C[C@H](N)O", "CC(N)O", "junk", None]
    given += [Chem.MolToSmiles(Chem.MolFromSmiles(s), doRandom=True) for s in moses_smiles[:5]]
    unique = list(
        dict.fromkeys(
            Chem.MolToSmiles(Chem.MolFromSmiles(s), isomericSmiles=False)
            for s in given
            if s and Chem.MolFromSmiles(s) is not None
        )
    )
    mols = [Chem.MolFromSmiles(s) for s in unique]
    names = KL_PROFILE_COLUMNS[:-1]
    expected = np.column_stack([descriptor_matrix(mols, names), internal_similarity(mols)])
    monkeypatch.setattr(guacamol, "_PROFILE_CHUNK", 7)
    serial, parallel = kl_profile(given, n_jobs=1), kl_profile(given, n_jobs=2)
    assert len(unique) == 32 and serial.shape == (32, len(KL_PROFILE_COLUMNS))
    np.testing.assert_array_equal(serial, expected)
    np.testing.assert_array_equal(parallel, expected)
    assert kl_profile(["junk", None], n_jobs=2).shape == (0, len(KL_PROFILE_COLUMNS))


def test_fcd_to_score():
    assert fcd_to_score(0.0) == 1.0
    assert fcd_to_score(5.0) == pytest.approx(math.exp(-1.0))
    assert fcd_to_score(1.0) > fcd_to_score(2.0) > 0


def test_fcd_score_is_in_the_unit_interval(moses_smiles: list[str]):
    reference = FCDStats.from_smiles(moses_smiles[150:])
    same = fcd_score(moses_smiles[150:], reference)
    halves = fcd_score(moses_smiles[:150], moses_smiles[150:])
    shifted = fcd_score(SHIFTED, reference)
    assert same == pytest.approx(1.0, abs=1e-3)
    assert 0.0 < shifted < halves <= 1.0
