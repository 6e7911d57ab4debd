from __future__ import annotations

from pathlib import Path

import numpy as np

from molgen.evaluation import ReferenceStats


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


def test_compute_matches_parsing_each_molecule(moses_smiles: list[str]) -> None:
    from molgen.evaluation.basic import parse

    smiles = [*moses_smiles[:50], "xx", None, *moses_smiles[:10], ""]
    mols = [mol for mol in map(parse, smiles) if mol is not None]
    _same(ReferenceStats.compute(smiles), ReferenceStats.from_mols(mols))


def test_features_parallel_equal_serial(moses_smiles: list[str], monkeypatch) -> None:
    from molgen.evaluation import stats as module

    monkeypatch.setattr(module, "MIN_PARALLEL", 1)
    smiles = [*moses_smiles, "xx", None, *moses_smiles[:40]]
    serial = module.compute_features(smiles, n_jobs=1, filters=True)
    parallel = module.compute_features(smiles, n_jobs=2, chunk_size=64, filters=True)
    np.testing.assert_array_equal(serial.valid, parallel.valid)
    np.testing.assert_array_equal(serial.passes_filters, parallel.passes_filters)
    assert serial.valid.sum() == len(moses_smiles) + 40
    assert serial.canonical == parallel.canonical
    assert serial.fragments == parallel.fragments
    assert serial.scaffolds == parallel.scaffolds
    _same(ReferenceStats.from_features(serial), ReferenceStats.from_features(parallel))


def test_features_order_with_duplicates() -> None:
    from molgen.evaluation.stats import compute_features

    smiles = ["OCC", "xx", "CCO", "OCC", None, "C[N+](C)(C)C"]
    features = compute_features(smiles, n_jobs=1, filters=True)
    assert features.valid.tolist() == [True, False, True, True, False, True]
    # the charged ammonium fails the MOSES filters; each duplicate keeps its flag
    assert features.passes_filters.tolist() == [True, True, True, False]
    assert compute_features(smiles, n_jobs=1).passes_filters is None
    assert features.canonical == ["CCO", "CCO", "CCO", "C[N+](C)(C)C"]
    assert features.fingerprints.shape == (4, 128)
    assert len(features.properties["QED"]) == 4
