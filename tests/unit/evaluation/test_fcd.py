"""Fréchet ChemNet Distance: ChemNet activations, statistics, distance, the stats cache."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from molgen.evaluation import fcd
from molgen.evaluation.fcd import (
    EvaluationInputError,
    FCDStats,
    chemnet_activations,
    frechet_distance,
    valid_canonical,
)
from molgen.utils.errors import MolgenError

# Clearly not MOSES-like: straight alkane chains and alcohols, small inorganics, solvents.
ALIEN = [
    *("C" * n for n in range(3, 30)),
    *("C" * n + "O" for n in range(3, 30)),
    *("O", "N", "S", "[Na+].[Cl-]", "O=C=O", "C#N", "ClCl", "BrBr", "P", "OO", "N#N"),
]


@pytest.fixture(scope="module")
def moses_acts(moses_smiles: list[str]) -> np.ndarray:
    return chemnet_activations(valid_canonical(moses_smiles))


def test_activations_have_one_row_of_512_per_smiles(moses_smiles: list[str], device: str):
    acts = chemnet_activations(moses_smiles[:7], device=device, batch_size=3)
    assert acts.shape == (7, 512)
    assert acts.dtype == np.float32
    assert np.isfinite(acts).all()
    assert chemnet_activations([]).shape == (0, 512)


def test_activations_do_not_depend_on_batching(moses_smiles: list[str], moses_acts: np.ndarray):
    again = chemnet_activations(valid_canonical(moses_smiles[:10]), batch_size=4)
    np.testing.assert_allclose(again, moses_acts[:10], rtol=1e-4, atol=1e-5)


def test_a_set_against_itself_is_zero(moses_acts: np.ndarray):
    stats = FCDStats.from_activations(moses_acts)
    assert stats.n == 300 and stats.mu.shape == (512,) and stats.sigma.shape == (512, 512)
    assert frechet_distance(stats, stats) == pytest.approx(0.0, abs=1e-3)


def test_random_halves_are_much_closer_than_a_different_chemistry(moses_acts: np.ndarray):
    order = np.random.default_rng(0).permutation(len(moses_acts))
    half_a = FCDStats.from_activations(moses_acts[order[:150]])
    half_b = FCDStats.from_activations(moses_acts[order[150:]])
    alien = FCDStats.from_smiles(ALIEN)
    halves = frechet_distance(half_a, half_b)
    # 150 molecules estimate a 512 x 512 covariance poorly, so the FCD of two halves of one
    # distribution is far from 0 (about 12.6 here; it shrinks with the sample size).
    assert 0 < halves < 20
    assert frechet_distance(half_a, alien) > 3 * halves
    assert frechet_distance(FCDStats.from_activations(moses_acts), alien) > 3 * halves


def test_distance_is_symmetric_and_non_negative(moses_acts: np.ndarray):
    a = FCDStats.from_activations(moses_acts[:120])
    b = FCDStats.from_smiles(ALIEN)
    ab, ba = frechet_distance(a, b), frechet_distance(b, a)
    assert ab >= 0 and ba >= 0
    assert ab == pytest.approx(ba, rel=1e-4)


def test_near_singular_covariances_still_give_a_finite_distance(moses_acts: np.ndarray):
    # Five molecules: rank-4 covariances in 512 dimensions.
    a = FCDStats.from_activations(moses_acts[:5])
    b = FCDStats.from_activations(moses_acts[5:10])
    value = frechet_distance(a, b)
    assert np.isfinite(value) and value >= 0


def test_invalid_smiles_are_ignored_after_canonicalisation(moses_smiles: list[str]):
    clean = FCDStats.from_smiles(moses_smiles[:20])
    noisy = FCDStats.from_smiles([*moses_smiles[:20], "not a smiles", "", None, "C1CC"])
    assert noisy.n == clean.n == 20
    np.testing.assert_allclose(noisy.mu, clean.mu, atol=1e-6)


@pytest.mark.parametrize(
    "smiles", [[], ["nonsense", "C1CC", ""], ["CCO"]], ids=["empty", "all-invalid", "one"]
)
def test_too_few_valid_molecules_is_a_one_line_error(smiles: list[str]):
    with pytest.raises(EvaluationInputError, match="at least 2 valid molecules") as info:
        FCDStats.from_smiles(smiles)
    assert isinstance(info.value, MolgenError)
    assert "\n" not in str(info.value)


def test_mismatched_dimensions_are_refused():
    a = FCDStats(mu=np.zeros(3), sigma=np.eye(3), n=4)
    b = FCDStats(mu=np.zeros(2), sigma=np.eye(2), n=4)
    with pytest.raises(EvaluationInputError, match="dimension"):
        frechet_distance(a, b)


def test_frechet_distance_of_known_gaussians():
    # Commuting diagonal covariances: d = |mu_a - mu_b|^2 + sum (sqrt(s_a) - sqrt(s_b))^2.
    a = FCDStats(mu=np.array([0.0, 1.0]), sigma=np.diag([1.0, 4.0]), n=10)
    b = FCDStats(mu=np.array([3.0, 1.0]), sigma=np.diag([4.0, 9.0]), n=10)
    assert frechet_distance(a, b) == pytest.approx(9.0 + 1.0 + 1.0)


def test_stats_round_trip_through_npz(moses_acts: np.ndarray, tmp_path: Path):
    stats = FCDStats.from_activations(moses_acts[:30])
    stats.save(tmp_path / "sub" / "ref.npz")
    back = FCDStats.load(tmp_path / "sub" / "ref.npz")
    assert back.n == 30
    np.testing.assert_array_equal(back.mu, stats.mu)
    np.testing.assert_array_equal(back.sigma, stats.sigma)
    assert [p.name for p in (tmp_path / "sub").iterdir()] == ["ref.npz"]


def test_loading_a_bad_file_is_a_one_line_error(tmp_path: Path):
    bad = tmp_path / "bad.npz"
    bad.write_text("not numpy")
    with pytest.raises(MolgenError, match=r"bad\.npz"):
        FCDStats.load(bad)
    with pytest.raises(MolgenError, match=r"missing\.npz"):
        FCDStats.load(tmp_path / "missing.npz")


def test_activations_equal_fcd_get_predictions(moses_smiles: list[str]) -> None:
    from fcd import get_predictions

    smiles = [*moses_smiles[:40], "C[Zn]CCl", "[Se]1C=CC=C1", "C" * 360]
    with pytest.warns(UserWarning):  # fcd warns about the longer padding
        expected = get_predictions(
            fcd.load_chemnet(), smiles, batch_size=16, n_jobs=0, device="cpu"
        )
    got = chemnet_activations(smiles, device="cpu", batch_size=16)
    np.testing.assert_array_equal(got, np.asarray(expected, dtype=np.float32))


def test_from_canonical_repeats_rows_of_duplicates(moses_smiles: list[str]) -> None:
    smiles = [*moses_smiles[:30], *moses_smiles[:10]]
    stats = FCDStats.from_canonical(smiles, device="cpu")
    direct = FCDStats.from_activations(chemnet_activations(smiles, device="cpu"))
    np.testing.assert_allclose(stats.mu, direct.mu, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(stats.sigma, direct.sigma, rtol=1e-5, atol=1e-7)
    assert stats.n == 40
