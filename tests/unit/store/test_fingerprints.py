"""Packed Morgan fingerprints: the same bits as RDKit's generator, in the cartridge's layout."""

from __future__ import annotations

import numpy as np
import pytest
from rdkit import DataStructs

from molgen.chem.similarity import morgan_fingerprint
from molgen.store.fingerprints import (
    FP_BYTES,
    batch_fingerprints,
    fingerprint_smiles,
    from_bytes,
    popcount,
    tanimoto,
    unpack_bits,
)
from molgen.store.schema import FP_BITS

SMILES = ["CC(=O)Nc1ccc(O)cc1", "CC(=O)Oc1ccccc1C(=O)O", "c1ccccc1", "C", "CCN(CC)CC"]


@pytest.mark.parametrize("smiles", SMILES)
def test_bytes_hold_rdkits_morgan_bits(smiles: str) -> None:
    packed, count = fingerprint_smiles(smiles)
    reference = morgan_fingerprint(smiles, radius=2, n_bits=FP_BITS)
    assert len(packed) == FP_BYTES == 256
    assert from_bytes(packed) == reference
    assert packed == DataStructs.BitVectToBinaryText(reference)  # what bfp_from_binary_text reads
    assert count == popcount(packed) == reference.GetNumOnBits()
    # bit i is bit i % 8 (least significant first) of byte i // 8
    assert np.flatnonzero(unpack_bits(packed)).tolist() == list(reference.GetOnBits())


def test_tanimoto_equals_rdkit() -> None:
    fps = [fingerprint_smiles(s)[0] for s in SMILES]
    for a in fps:
        for b in fps:
            expected = DataStructs.TanimotoSimilarity(from_bytes(a), from_bytes(b))
            assert tanimoto(a, b) == pytest.approx(expected, abs=1e-12)
    empty = bytes(FP_BYTES)
    assert tanimoto(empty, empty) == 0.0


def test_unparsable_smiles_give_none_in_place() -> None:
    assert fingerprint_smiles("not a smiles") is None
    assert fingerprint_smiles("") is None
    assert fingerprint_smiles(None) is None
    batch = batch_fingerprints(["CCO", "C1CC", None, "c1ccccc1"])
    assert [fp is None for fp in batch] == [False, True, True, False]
    assert batch[3] == fingerprint_smiles("c1ccccc1")


def test_unpack_many_rows() -> None:
    fps = [fingerprint_smiles(s)[0] for s in SMILES]
    bits = unpack_bits(fps)
    assert bits.shape == (len(SMILES), FP_BITS)
    assert bits.sum(axis=1).tolist() == [popcount(fp) for fp in fps]
