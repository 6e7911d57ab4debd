"""molgen.chem.fingerprints against plain RDKit, on real molecules."""

from __future__ import annotations

import numpy as np
import pytest
from rdkit import Chem, DataStructs
from rdkit.Chem import rdFingerprintGenerator

from molgen.chem.fingerprints import (
    FingerprintSpec,
    bulk_tanimoto,
    fingerprint,
    fingerprint_smiles,
    pack,
    packed_matrix,
    popcount,
    tanimoto,
    tanimoto_packed,
    unpack,
    unpack_bits,
)

DRUGS = [
    "CC(=O)Oc1ccccc1C(=O)O",  # aspirin
    "CC(=O)Nc1ccc(O)cc1",  # paracetamol
    "CC(C)Cc1ccc(cc1)C(C)C(=O)O",  # ibuprofen
    "Cc1ccc(cc1)-c1cc(nn1-c1ccc(cc1)S(N)(=O)=O)C(F)(F)F",  # celecoxib
    "Cn1cnc2c1c(=O)n(C)c(=O)n2C",  # caffeine
]


@pytest.fixture(scope="module")
def mols() -> list[Chem.Mol]:
    return [Chem.MolFromSmiles(s) for s in DRUGS]


@pytest.mark.parametrize(
    ("name", "generator"),
    [
        ("ECFP4", rdFingerprintGenerator.GetMorganGenerator(radius=2, fpSize=2048)),
        ("ecfp6", rdFingerprintGenerator.GetMorganGenerator(radius=3, fpSize=2048)),
        (
            "FCFP4",
            rdFingerprintGenerator.GetMorganGenerator(
                radius=2,
                fpSize=2048,
                atomInvariantsGenerator=rdFingerprintGenerator.GetMorganFeatureAtomInvGen(),
            ),
        ),
        ("atom_pairs", rdFingerprintGenerator.GetAtomPairGenerator(fpSize=2048)),
        ("topological_torsion", rdFingerprintGenerator.GetTopologicalTorsionGenerator(fpSize=2048)),
        ("rdkit", rdFingerprintGenerator.GetRDKitFPGenerator(fpSize=2048)),
    ],
)
def test_named_fingerprints_are_rdkits(name, generator, mols) -> None:
    spec = FingerprintSpec.from_name(name)
    for mol in mols:
        assert fingerprint(mol, spec) == generator.GetFingerprint(mol)
    counted = FingerprintSpec.from_name(name, counts=True)
    for mol in mols:
        assert fingerprint(mol, counted) == generator.GetCountFingerprint(mol)


def test_fcfp_differs_from_ecfp_and_labels_name_the_spec(mols) -> None:
    ecfp, fcfp = FingerprintSpec.from_name("ECFP4"), FingerprintSpec.from_name("FCFP4")
    assert fingerprint(mols[3], ecfp) != fingerprint(mols[3], fcfp)
    assert (ecfp.label, fcfp.label) == ("ECFP4", "FCFP4")
    assert FingerprintSpec(radius=3, bits=1024, counts=True).label == "ECFP6-1024-counts"
    assert FingerprintSpec(kind="atom_pair").label == "atom_pair"


@pytest.mark.parametrize("name", ["ECFP5", "maccs", "morgan2x"])
def test_unknown_names_list_the_known_ones(name) -> None:
    with pytest.raises(ValueError, match=r"unknown fingerprint .*known: ECFP<2r>"):
        FingerprintSpec.from_name(name)


def test_invalid_specs_are_refused() -> None:
    with pytest.raises(ValueError, match="features"):
        FingerprintSpec(kind="atom_pair", features=True)
    with pytest.raises(ValueError, match="multiple of 8"):
        FingerprintSpec(bits=1001)
    with pytest.raises(ValueError, match="extra"):
        FingerprintSpec(size=12)


def test_tanimoto_bits_and_counts_match_rdkit(mols) -> None:
    for counts in (False, True):
        spec = FingerprintSpec(counts=counts)
        fps = [fingerprint(m, spec) for m in mols]
        want = DataStructs.BulkTanimotoSimilarity(fps[0], fps)
        assert bulk_tanimoto(fps[0], fps) == pytest.approx(want)
        assert tanimoto(fps[0], fps[1]) == pytest.approx(want[1])
    assert bulk_tanimoto(fps[0], []).shape == (0,)


def test_packed_bytes_round_trip_and_match_the_cartridge_layout(mols) -> None:
    spec = FingerprintSpec(bits=1024)
    bits = fingerprint(mols[0], spec)
    data = pack(bits)
    assert data == DataStructs.BitVectToBinaryText(bits) and len(data) == 128
    assert unpack(data) == bits
    assert popcount(data) == bits.GetNumOnBits()
    assert list(np.flatnonzero(unpack_bits(data))) == list(bits.GetOnBits())


def test_packed_matrix_tanimoto_equals_rdkit(mols) -> None:
    spec = FingerprintSpec()
    matrix = packed_matrix(mols, spec)
    assert matrix.shape == (len(mols), 256) and matrix.dtype == np.uint8
    rows = unpack_bits([bytes(row) for row in matrix])
    assert rows.shape == (len(mols), 2048)
    assert list(np.flatnonzero(rows[1])) == list(fingerprint(mols[1], spec).GetOnBits())
    query = fingerprint(mols[3], spec)
    want = DataStructs.BulkTanimotoSimilarity(query, [fingerprint(m, spec) for m in mols])
    assert tanimoto_packed(pack(query), matrix) == pytest.approx(want, abs=1e-7)
    assert tanimoto_packed(pack(query), matrix[:0]).shape == (0,)
    with pytest.raises(ValueError, match="count"):
        packed_matrix(mols, FingerprintSpec(counts=True))


def test_smiles_that_do_not_parse_give_none() -> None:
    spec = FingerprintSpec()
    assert fingerprint_smiles("not a molecule", spec) is None
    assert fingerprint_smiles(None, spec) is None
    assert fingerprint_smiles("CCO", spec) == fingerprint(Chem.MolFromSmiles("CCO"), spec)
