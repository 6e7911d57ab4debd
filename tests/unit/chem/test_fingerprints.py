"""molgen.chem.fingerprints (with molgen.chem.packed, which it re-exports) against plain RDKit,
on real molecules."""

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
    max_tanimoto_rows,
    pack,
    packed_matrix,
    packed_rows,
    pattern_fingerprint,
    pattern_screen,
    popcount,
    tanimoto,
    tanimoto_packed,
    tanimoto_rows,
    tanimoto_to,
    unpack,
    unpack_bits,
    unpack_rows,
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


def test_specs_are_immutable_values() -> None:
    spec = FingerprintSpec.from_name("ECFP4")
    assert spec == FingerprintSpec() and hash(spec) == hash(FingerprintSpec())
    with pytest.raises(ValueError, match="frozen"):
        spec.bits = 1024


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


def test_tanimoto_to_smiles_matches_rdkit_and_gives_none_where_unparsable() -> None:
    generator = rdFingerprintGenerator.GetMorganGenerator(radius=2, fpSize=2048)
    reference = generator.GetFingerprint(Chem.MolFromSmiles(DRUGS[0]))
    want = [DataStructs.TanimotoSimilarity(reference, generator.GetFingerprint(m)) for m in
            (Chem.MolFromSmiles(s) for s in DRUGS)]  # fmt: skip
    assert tanimoto_to(DRUGS[0], DRUGS) == want and want[0] == 1.0
    assert tanimoto_to(DRUGS[0], ["C1CC", DRUGS[1]]) == [None, want[1]]
    assert tanimoto_to("not a molecule", DRUGS[:2]) == [None, None]
    ecfp6 = FingerprintSpec.from_name("ECFP6")
    assert tanimoto_to(DRUGS[0], DRUGS[1:2], ecfp6) != tanimoto_to(DRUGS[0], DRUGS[1:2])


def test_tanimoto_packed_is_rdkits_exactly_on_a_matrix_or_a_sequence(mols) -> None:
    packed = [pack(fingerprint(m, FingerprintSpec())) for m in mols]
    for query in packed:
        want = DataStructs.BulkTanimotoSimilarity(unpack(query), [unpack(d) for d in packed])
        assert tanimoto_packed(query, packed).tolist() == want  # the same float64 division
        assert tanimoto_packed(query, packed_rows(packed)).tolist() == want
    empty = bytes(256)
    assert tanimoto_packed(empty, [empty, packed[0]]).tolist() == [0.0, 0.0]  # RDKit's 0/0
    assert tanimoto_packed(empty, [empty], empty=1.0).tolist() == [1.0]  # MOSES's
    assert tanimoto_packed(empty, []).shape == (0,)


def test_packed_rows_stack_equal_lengths_only() -> None:
    assert packed_rows([b"\x01\x02", b"\x03\x04"]).tolist() == [[1, 2], [3, 4]]
    assert packed_rows([]).shape == (0, 0)
    assert unpack_bits(np.array([[1, 128]], dtype=np.uint8)).nonzero()[1].tolist() == [0, 15]
    with pytest.raises(ValueError, match="different lengths"):
        packed_rows([b"\x01", b"\x01\x02"])


def test_blockwise_tanimoto_matches_rdkit_with_either_empty_convention(mols) -> None:
    spec = FingerprintSpec(bits=1024)
    rows = unpack_rows(np.vstack([packed_matrix(mols, spec), np.zeros((1, 128), np.uint8)]))
    bits = [fingerprint(m, spec) for m in mols]
    want = np.array([DataStructs.BulkTanimotoSimilarity(b, bits) for b in bits])
    sim = tanimoto_rows(rows, rows)
    assert sim.dtype == np.float32 and sim.shape == (len(mols) + 1, len(mols) + 1)
    np.testing.assert_allclose(sim[:-1, :-1], want, rtol=1e-6)
    assert sim[-1, -1] == 0.0 and tanimoto_rows(rows, rows, empty=1.0)[-1, -1] == 1.0
    np.testing.assert_array_equal(max_tanimoto_rows(rows, rows), sim.max(axis=1))
    assert max_tanimoto_rows(rows, rows, empty=1.0)[-1] == 1.0


def test_pattern_fingerprint_is_rdkits_and_screens_without_losing_a_hit(mols) -> None:
    assert pattern_fingerprint(mols[0]) == Chem.PatternFingerprint(mols[0], fpSize=2048)
    stored = [pack(pattern_fingerprint(m, 1024)) for m in mols]
    for smarts in ("c1ccccc1", "C(=O)O", "S(=O)(=O)N"):
        pattern = Chem.MolFromSmarts(smarts)
        pattern.UpdatePropertyCache(strict=False)
        keep = pattern_screen(pack(pattern_fingerprint(pattern, 1024)), stored)
        assert all(keep[[m.HasSubstructMatch(pattern) for m in mols]])
    assert keep.tolist() == [False, False, False, True, False]  # only celecoxib's survives
    query = pack(pattern_fingerprint(pattern, 1024))
    # rows without a comparable fingerprint pass, so an exact check still sees them
    assert pattern_screen(query, [None, stored[4][:64], stored[4]]).tolist() == [True, True, False]
    assert pattern_screen(query, []).shape == (0,)
