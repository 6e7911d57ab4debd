from __future__ import annotations

import numpy as np
import pytest
from rdkit import Chem, DataStructs
from rdkit.Chem import rdFingerprintGenerator

from molgen.chem.fingerprints import packed_matrix
from molgen.evaluation import MOSES_FINGERPRINT, internal_diversity, snn
from molgen.evaluation.similarity import nearest_neighbour_similarity


def _mols(smiles: list[str]) -> list[Chem.Mol]:
    return [Chem.MolFromSmiles(s) for s in smiles]


def fingerprint_matrix(mols: list[Chem.Mol]) -> np.ndarray:
    return packed_matrix(mols, MOSES_FINGERPRINT)


def _rdkit_tanimoto(a: list[str], b: list[str]) -> np.ndarray:
    generator = rdFingerprintGenerator.GetMorganGenerator(radius=2, fpSize=1024)
    fa = [generator.GetFingerprint(m) for m in _mols(a)]
    fb = [generator.GetFingerprint(m) for m in _mols(b)]
    return np.array([DataStructs.BulkTanimotoSimilarity(x, fb) for x in fa])


def test_intdiv_of_identical_molecules_is_zero() -> None:
    fps = fingerprint_matrix(_mols(["CCOc1ccccc1"] * 5))
    assert internal_diversity(fps, p=1) == pytest.approx(0.0)
    assert internal_diversity(fps, p=2) == pytest.approx(0.0)


def test_intdiv_matches_pairwise_rdkit_tanimoto(moses_smiles: list[str]) -> None:
    smiles = moses_smiles[:40]
    sim = _rdkit_tanimoto(smiles, smiles)
    fps = fingerprint_matrix(_mols(smiles))
    # a small chunk exercises the off-diagonal blocks
    assert internal_diversity(fps, p=1, chunk=7) == pytest.approx(1 - sim.mean())
    expected2 = 1 - np.mean(np.sqrt((sim**2).mean(axis=1)))
    assert internal_diversity(fps, p=2, chunk=7) == pytest.approx(expected2)


def test_snn_matches_rdkit_and_is_one_against_itself(moses_smiles: list[str]) -> None:
    gen, ref = moses_smiles[:30], moses_smiles[30:75]
    expected = _rdkit_tanimoto(gen, ref).max(axis=1).mean()
    gen_fps, ref_fps = fingerprint_matrix(_mols(gen)), fingerprint_matrix(_mols(ref))
    assert snn(gen_fps, ref_fps, chunk=8) == pytest.approx(expected)
    assert snn(ref_fps, ref_fps, chunk=8) == pytest.approx(1.0)


def test_empty_fingerprints_count_as_identical() -> None:
    fps = np.zeros((2, 128), dtype=np.uint8)  # Tanimoto 0/0, which MOSES sets to 1
    assert internal_diversity(fps) == 0.0
    assert snn(fps, fps) == 1.0


def test_empty_sets_give_nan() -> None:
    empty = fingerprint_matrix([])
    assert np.isnan(internal_diversity(empty))
    assert np.isnan(snn(empty, fingerprint_matrix(_mols(["CCO"]))))


def test_nearest_neighbour_similarity_matches_rdkit(moses_smiles: list[str]) -> None:
    smiles = moses_smiles[:40]
    sim = _rdkit_tanimoto(smiles, smiles)
    np.fill_diagonal(sim, 0.0)
    fps = fingerprint_matrix(_mols(smiles))
    # a small chunk exercises the off-diagonal blocks
    np.testing.assert_allclose(nearest_neighbour_similarity(fps, chunk=7), sim.max(axis=1))
    assert nearest_neighbour_similarity(fps[:1]).tolist() == [0.0]
