from __future__ import annotations

from pathlib import Path

import pytest

from molgen.predictors.data import read_labelled
from molgen.utils.errors import InputError


def test_bad_rows_are_rejected_with_reasons(tmp_path: Path) -> None:
    path = tmp_path / "labels.csv"
    path.write_text("smiles,y,z\nCCO,1.5,\nC1CC(,2,\nCCC,,\nCCN,abc,1\n,3,\nc1ccccc1,4,0\n")
    table = read_labelled(path, ["y", "z"])
    assert table.frame["smiles"].tolist() == ["CCO", "c1ccccc1"]
    assert table.frame["row"].tolist() == [1, 6]
    reasons = dict(zip(table.rejects["row"], table.rejects["reason"], strict=True))
    assert reasons == {
        2: "SMILES does not parse",
        3: "no number in 'y', 'z'",
        4: "y: 'abc' is not a number",
        5: "no SMILES",
    }
    assert (table.rejects["source"] == str(path)).all()


def test_classification_labels_outside_0_1_are_rejected(tmp_path: Path) -> None:
    path = tmp_path / "labels.csv"
    path.write_text("smiles,active\nCCO,1\nCCC,2\nCCN,0\n")
    table = read_labelled(path, ["active"], task="classification")
    assert len(table.frame) == 2
    assert table.rejects["reason"].tolist() == ["active: label 2 is not 0 or 1"]


def test_missing_target_column_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "labels.csv"
    path.write_text("smiles,y\nCCO,1\n")
    with pytest.raises(InputError) as error:
        read_labelled(path, ["logd"])
    assert "\n" not in str(error.value)
    assert str(error.value) == f"{path}: no target column 'logd' (columns: y)"


def test_sdf_properties_are_targets(tmp_path: Path) -> None:
    from rdkit import Chem

    path = tmp_path / "labels.sdf"
    with Chem.SDWriter(str(path)) as writer:
        for smiles, value in [("CCO", "1.5"), ("c1ccccc1", "2.5")]:
            mol = Chem.MolFromSmiles(smiles)
            mol.SetProp("y", value)
            writer.write(mol)
    table = read_labelled(path, ["y"])
    assert table.frame["y"].tolist() == [1.5, 2.5] and table.rejects.empty
