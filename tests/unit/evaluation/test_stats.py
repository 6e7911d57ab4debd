from __future__ import annotations

from pathlib import Path

import numpy as np

from molgen.evaluation import ReferenceStats, smiles_key


def _same(a: ReferenceStats, b: ReferenceStats) -> None:
    assert a.n_molecules == b.n_molecules
    np.testing.assert_array_equal(a.fingerprints, b.fingerprints)
    assert dict(a.fragments) == dict(b.fragments)
    assert dict(a.scaffolds) == dict(b.scaffolds)
    for name in a.properties:
        np.testing.assert_array_equal(a.properties[name], b.properties[name])
    assert a.extras.keys() == b.extras.keys()
    for name in a.extras:
        np.testing.assert_array_equal(a.extras[name], b.extras[name])


def test_compute_skips_invalid(moses_smiles: list[str]) -> None:
    stats = ReferenceStats.compute([*moses_smiles[:20], "xx", None, "c1cccc1"])
    assert stats.n_molecules == 20
    assert stats.fingerprints.shape == (20, 128)
    assert all(len(v) == 20 for v in stats.properties.values())


def test_save_load_round_trip_with_extras(tmp_path: Path, moses_smiles: list[str]) -> None:
    stats = ReferenceStats.compute(moses_smiles[:20]).with_extras(mu=np.arange(3.0))
    _same(stats, ReferenceStats.load(stats.save(tmp_path / "ref.npz")))


def test_empty_set_round_trips(tmp_path: Path) -> None:
    stats = ReferenceStats.compute([])
    _same(stats, ReferenceStats.load(stats.save(tmp_path / "empty.npz")))


def test_cached_computes_once(tmp_path: Path, moses_smiles: list[str]) -> None:
    smiles = moses_smiles[:10]
    first = ReferenceStats.cached(smiles, tmp_path)
    path = tmp_path / f"reference-{smiles_key(smiles)}.npz"
    assert path.exists()
    _same(first, ReferenceStats.cached(smiles, tmp_path))
    assert smiles_key(smiles) != smiles_key(smiles[::-1])
