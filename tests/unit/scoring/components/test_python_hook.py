"""The ``python`` component: module and file functions, failures, wrong lengths."""

from __future__ import annotations

import logging

import numpy as np
import pytest
from rdkit import Chem

from molgen.scoring.components import MolBatch, build_component
from molgen.utils.errors import ConfigError, MolgenError

ORACLE = """
from rdkit import Chem


def heavy_atoms(smiles):
    return [Chem.MolFromSmiles(s).GetNumHeavyAtoms() for s in smiles]


def broken(smiles):
    raise RuntimeError("oracle offline")


def no_oxygen(smiles):
    if any("O" in s for s in smiles):
        raise ValueError("cannot score oxygen")
    return [1.0] * len(smiles)


def too_short(smiles):
    return [1.0] * (len(smiles) - 1)
"""


@pytest.fixture
def oracle_dir(tmp_path, monkeypatch):
    (tmp_path / "team_oracle.py").write_text(ORACLE)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def batch() -> MolBatch:
    return MolBatch.from_smiles(["OCC", "bad", "c1ccccc1O"])


@pytest.mark.parametrize("reference", ["team_oracle:heavy_atoms", "team_oracle.py:heavy_atoms"])
def test_module_and_file_functions(oracle_dir, reference):
    got = build_component("oracle", "python", {"function": reference})(batch())
    assert got[0] == 3 and np.isnan(got[1]) and got[2] == 7


def test_file_path_may_be_absolute(oracle_dir):
    reference = f"{oracle_dir / 'team_oracle.py'}:heavy_atoms"
    assert build_component("o", "python", {"function": reference})(batch())[2] == 7


def test_function_gets_canonical_smiles_of_valid_molecules(oracle_dir, tmp_path):
    (tmp_path / "echo_oracle.py").write_text(
        "SEEN = []\ndef record(smiles):\n    SEEN.extend(smiles)\n    return [0.0] * len(smiles)\n"
    )
    build_component("o", "python", {"function": "echo_oracle:record"})(batch())
    import echo_oracle

    assert ["CCO", Chem.MolToSmiles(Chem.MolFromSmiles("c1ccccc1O"))] == echo_oracle.SEEN


def test_an_exception_gives_nan_and_a_warning_naming_the_component(oracle_dir, caplog):
    component = build_component("dock", "python", {"function": "team_oracle:broken"})
    with caplog.at_level(logging.WARNING):
        got = component(batch())
    assert np.isnan(got).all()
    assert "'dock'" in caplog.text and "oracle offline" in caplog.text


def test_a_failing_batch_costs_only_the_molecules_it_fails_on(oracle_dir, caplog):
    component = build_component("picky", "python", {"function": "team_oracle:no_oxygen"})
    with caplog.at_level(logging.WARNING):
        got = component(MolBatch.from_smiles(["CCN", "OCC", "bad", "c1ccccc1"]))
    assert got[0] == 1.0 and np.isnan(got[1]) and np.isnan(got[2]) and got[3] == 1.0
    assert "'picky'" in caplog.text and "1 of 3 molecules" in caplog.text
    assert "cannot score oxygen" in caplog.text


def test_a_wrong_length_is_a_one_line_error(oracle_dir):
    component = build_component("dock", "python", {"function": "team_oracle:too_short"})
    with pytest.raises(MolgenError) as error:
        component(batch())
    message = str(error.value)
    assert (
        message
        == "component 'dock' (python team_oracle:too_short) returned 1 values for 2 molecules"
    )


@pytest.mark.parametrize(
    ("reference", "message"),
    [
        ("team_oracle", "is not 'module:function'"),
        ("no_such_module_xyz:f", "cannot import no_such_module_xyz"),
        ("missing.py:f", "file missing.py not found"),
        ("team_oracle:nope", "has no function 'nope'"),
    ],
)
def test_bad_references_fail_at_load(oracle_dir, reference, message):
    with pytest.raises(ConfigError, match=message):
        build_component("o", "python", {"function": reference})
