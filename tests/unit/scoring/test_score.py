"""Scoring SMILES and files: columns, invalid rows, order, novelty, parallelism, output."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from rdkit import Chem

from molgen.chem.properties import molecule_properties
from molgen.scoring import (
    OUTPUT_COLUMNS,
    ComponentConfig,
    ObjectiveConfig,
    Scorer,
    component_columns,
    default_objective,
    score_file,
    score_smiles,
)
from molgen.scoring.config import ScoreConfig
from molgen.scoring.transforms import Step
from molgen.utils.errors import ConfigError, InputError

COLUMNS = [*OUTPUT_COLUMNS, *component_columns(default_objective())]

ASPIRIN = "CC(=O)Oc1ccccc1C(=O)O"
CAFFEINE = "Cn1cnc2c1c(=O)n(C)c(=O)n2C"
CATECHOL = "Oc1ccccc1O"  # PAINS catechol_A


@pytest.fixture(scope="module")
def moses(data_dir) -> list[str]:
    return pd.read_csv(data_dir / "moses_300.csv")["smiles"].head(120).tolist()


def test_columns_values_and_invalid_rows_in_place():
    inputs = [ASPIRIN, None, "", "C1CC", CAFFEINE, float("nan"), CATECHOL]
    frame = score_smiles(inputs, ScoreConfig(n_jobs=1))
    assert list(frame.columns) == COLUMNS
    assert frame.attrs == {"molgen.objective": "default", "molgen.objective_version": "1"}
    assert frame["valid"].tolist() == [True, False, False, False, True, False, True]
    assert frame["smiles"].tolist()[1:4] == [None, "", "C1CC"]
    invalid = frame[~frame["valid"]]
    assert (invalid["score"] == 0).all()
    desirabilities = [c for c in frame.columns if c.endswith("_desirability")]
    assert (invalid[desirabilities] == 0).all().all()
    assert invalid.drop(columns=["smiles", "valid", "score", *desirabilities]).isna().all().all()
    assert frame["novel"].isna().all()  # no training set
    for row, smiles in ((0, ASPIRIN), (4, CAFFEINE), (6, CATECHOL)):
        want = molecule_properties(Chem.MolFromSmiles(smiles))
        got = frame.iloc[row]
        assert {k: got[k] for k in want} == want
    assert frame.loc[6, "pains"] and frame.loc[6, "score"] == 0  # default config rejects PAINS
    valid_scores = frame.loc[frame["valid"], "score"]
    assert ((valid_scores >= 0) & (valid_scores <= 1)).all() and frame.loc[0, "score"] > 0


def test_row_order_is_preserved(moses):
    shuffled = [*reversed(moses), None, *moses[:5]]
    frame = score_smiles(shuffled, ScoreConfig(n_jobs=1, chunk_size=17))
    expected = [Chem.MolToSmiles(Chem.MolFromSmiles(s)) for s in shuffled if s is not None]
    assert frame["smiles"].dropna().tolist() == expected
    assert len(frame) == len(shuffled) and not frame.loc[len(moses), "valid"]


def test_novelty_against_training_set(moses):
    train = [Chem.MolToSmiles(Chem.MolFromSmiles(s)) for s in moses[:50]]
    # the same molecules written differently are still not novel
    inputs = [Chem.MolToSmiles(Chem.MolFromSmiles(s), doRandom=True) for s in moses[:60]]
    frame = score_smiles([*inputs, "C1CC"], ScoreConfig(n_jobs=1), train_smiles=train)
    assert frame["novel"].tolist()[:60] == [False] * 50 + [True] * 10
    assert frame["novel"].isna().tolist()[-1]


def test_novelty_component_needs_training_set():
    novel = ComponentConfig(name="novel", type="novelty", transform=Step(low=1))
    config = ScoreConfig(objective=ObjectiveConfig(name="n", components=[novel]), n_jobs=1)
    with pytest.raises(ConfigError, match="'novel' \\(novelty\\) needs a training set"):
        Scorer(config)
    scorer = Scorer(config, train_smiles=[ASPIRIN])
    assert scorer([ASPIRIN, CAFFEINE]).tolist() == [0.0, 1.0]
    table = scorer.table([ASPIRIN, CAFFEINE, "x"])
    assert table["novel_raw"].tolist()[:2] == [0.0, 1.0] and np.isnan(table["novel_raw"][2])
    assert table["score"].tolist() == [0.0, 1.0, 0.0]


def test_scorer_returns_composite_scores(moses):
    config = ScoreConfig(n_jobs=1)
    scorer = Scorer(config)
    scores = scorer([*moses[:20], "xyz"])
    assert isinstance(scores, np.ndarray) and scores.dtype == float and scores.shape == (21,)
    table = scorer.table(moses[:20])
    np.testing.assert_array_equal(scores[:20], table["score"].to_numpy())
    assert scores[-1] == 0.0


def test_parallel_equals_single_process(moses):
    inputs = [*moses, None, "bad", *moses[:30]]
    single = score_smiles(inputs, ScoreConfig(n_jobs=1), train_smiles=moses[:10])
    parallel = score_smiles(inputs, ScoreConfig(n_jobs=2, chunk_size=25), train_smiles=moses[:10])
    pd.testing.assert_frame_equal(single, parallel, check_exact=True)


def test_empty_input():
    frame = score_smiles([], ScoreConfig(n_jobs=2))
    assert list(frame.columns) == COLUMNS and frame.empty


def as_objects(frame: pd.DataFrame) -> pd.DataFrame:
    """Values as Python objects with None for every kind of missing value."""
    return frame.astype(object).where(frame.notna(), None)


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_score_file_round_trip(tmp_path, suffix):
    source = tmp_path / "in.csv"
    pd.DataFrame({"id": [1, 2, 3, 4], "smiles": [ASPIRIN, "oops", "", CAFFEINE]}).to_csv(
        source, index=False
    )
    out = tmp_path / "sub" / f"scores{suffix}"
    frame = score_file(source, out, ScoreConfig(n_jobs=1), train_smiles=[ASPIRIN])
    back = pd.read_csv(out) if suffix == ".csv" else pd.read_parquet(out)
    assert list(back.columns) == COLUMNS and len(back) == 4
    assert back["valid"].tolist() == [True, False, False, True]
    assert back["smiles"].tolist()[:2] == [ASPIRIN, "oops"]
    assert back["novel"].tolist()[0] == False  # noqa: E712 - NA-aware column
    np.testing.assert_allclose(back["score"].to_numpy(float), frame["score"].to_numpy())
    np.testing.assert_allclose(back["mw"].to_numpy(float), frame["mw"].to_numpy(float))
    if suffix == ".parquet":  # strings may come back as pandas' string dtype
        pd.testing.assert_frame_equal(as_objects(back), as_objects(frame))
        assert (back["hbd"].dtype, back["pains"].dtype) == ("Int64", "boolean")
        metadata = pq.read_schema(out).metadata
        assert metadata[b"molgen.objective"] == b"default"
        assert metadata[b"molgen.objective_version"] == b"1"
        assert back.attrs == frame.attrs
    assert [p.name for p in out.parent.iterdir()] == [out.name]  # no partial file left


def test_score_file_errors(tmp_path):
    source = tmp_path / "in.smi"
    source.write_text(f"{ASPIRIN}\n")
    with pytest.raises(InputError, match=r"must end in \.csv or \.parquet"):
        score_file(source, tmp_path / "out.txt", ScoreConfig(n_jobs=1))
    with pytest.raises(InputError, match=r"missing\.smi"):
        score_file(tmp_path / "missing.smi", tmp_path / "out.csv", ScoreConfig(n_jobs=1))
