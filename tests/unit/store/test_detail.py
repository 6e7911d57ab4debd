"""Molecule detail: properties, provenance of every candidate, nearest training neighbours."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from rdkit import Chem, DataStructs
from rdkit.Chem import rdFingerprintGenerator

from molgen.store.detail import TrainingIndex, molecule_detail
from tests.unit.store.search_data import candidate_specs, scored

TRAIN = [
    "CC(=O)Nc1ccc(OC)cc1",
    "CC(=O)Nc1ccccc1",
    "not a smiles",  # left out of the index
    "c1ccccc1",
    "CC(=O)Nc1ccc(O)cc1C",
    "CCCCCC",
    "Oc1ccc(N)cc1",
    "CC(=O)Nc1ccc(Cl)cc1",
]


def _brute_force(smiles: str, k: int) -> list[tuple[str, float]]:
    gen = rdFingerprintGenerator.GetMorganGenerator(radius=2, fpSize=2048)
    ref = gen.GetFingerprint(Chem.MolFromSmiles(smiles))
    scored_train = [
        (s, DataStructs.TanimotoSimilarity(ref, gen.GetFingerprint(Chem.MolFromSmiles(s))))
        for s in TRAIN
        if Chem.MolFromSmiles(s) is not None
    ]
    order = sorted(range(len(scored_train)), key=lambda i: (-scored_train[i][1], i))
    return [scored_train[i] for i in order[:k]]


def test_detail_has_properties_alerts_and_every_candidate(search_store: sa.Engine) -> None:
    frame = scored()
    catechol = frame.iloc[19]
    detail = molecule_detail(search_store, catechol["inchikey"].lower())
    assert detail is not None
    assert detail.inchikey == catechol["inchikey"] and detail.smiles == catechol["smiles"]
    assert detail.pains and detail.brenk
    assert detail.alerts == [a.strip() for a in catechol["alerts"].split(";")]
    assert detail.properties["qed"] == pytest.approx(catechol["qed"], rel=1e-12)
    assert detail.neighbours == []
    paracetamol = molecule_detail(search_store, frame.iloc[0]["inchikey"])
    specs = [s for s in candidate_specs() if s["mol"] == 0]
    assert len(paracetamol.candidates) == len(specs) == 2
    assert {(c.family, c.run, c.temperature) for c in paracetamol.candidates} == {
        ("char_rnn", "mlflow-a", 1.0),
        ("transformer", "key-b", 0.7),
    }
    assert [c.created_at for c in paracetamol.candidates] == sorted(
        c.created_at for c in paracetamol.candidates
    )
    assert all(c.smiles == paracetamol.smiles for c in paracetamol.candidates)


def test_unknown_molecule_is_none(search_store: sa.Engine) -> None:
    assert molecule_detail(search_store, "XXXXXXXXXXXXXX-XXXXXXXXXX-X") is None


@pytest.mark.parametrize("k", [1, 3, 10])
def test_nearest_training_neighbours_match_rdkit(search_store: sa.Engine, k: int) -> None:
    inchikey = scored().iloc[0]["inchikey"]  # paracetamol
    detail = molecule_detail(search_store, inchikey, train_smiles=TRAIN, k=k)
    want = _brute_force("CC(=O)Nc1ccc(O)cc1", k)
    assert [s for s, _ in detail.neighbours] == [s for s, _ in want]
    assert [v for _, v in detail.neighbours] == pytest.approx([v for _, v in want], abs=0)
    assert len(detail.neighbours) == min(k, len(TRAIN) - 1)


def test_a_prebuilt_index_gives_the_same_neighbours(search_store: sa.Engine) -> None:
    inchikey = scored().iloc[23]["inchikey"]  # methacetin: itself is in the training set
    index = TrainingIndex(TRAIN)
    assert len(index) == len(TRAIN) - 1
    detail = molecule_detail(search_store, inchikey, train_smiles=index, k=2)
    assert detail.neighbours[0] == ("CC(=O)Nc1ccc(OC)cc1", 1.0)
    again = molecule_detail(search_store, inchikey, train_smiles=TRAIN, k=2)
    assert again.neighbours == detail.neighbours
