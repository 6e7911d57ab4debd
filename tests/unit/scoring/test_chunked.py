"""Scoring a file chunk by chunk writes exactly what scoring it whole writes."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from molgen.scoring.chunked import score_file_chunked
from molgen.scoring.config import ScoreConfig
from molgen.scoring.objective_config import default_objective, load_objective
from molgen.scoring.run import score_to_file
from molgen.scoring.score import OUTPUT_COLUMNS, component_columns, score_file
from molgen.utils.errors import InputError

CONFIG = ScoreConfig(n_jobs=1, chunk_size=4)


def _in_order(fn, items):
    """A mapper that runs every chunk in this process, in order (the contract of Mapper)."""
    return map(fn, items)


@pytest.fixture
def samples(tmp_path: Path) -> Path:
    rows = ["CCO", "c1ccccc1", None, "not_a_smiles", "OCC", "CC(=O)Nc1ccc(O)cc1"] * 3
    rows += ["O=c1cc(-c2ccccc2)oc2ccccc12", "", "C1CC1", "CCO"]
    path = tmp_path / "samples.csv"
    pd.DataFrame({"smiles": rows, "n": range(len(rows))}).to_csv(path, index=False)
    return path


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
@pytest.mark.parametrize("chunk_size", [1, 5, 1000])
def test_chunked_output_equals_whole_file_scoring(samples, tmp_path, suffix, chunk_size):
    train = {"CCO", "C1CC1"}
    whole, chunked = tmp_path / f"whole{suffix}", tmp_path / "out" / f"chunked{suffix}"
    expected = score_file(samples, whole, CONFIG, train)

    kept = score_file_chunked(
        samples, chunked, CONFIG, train, mapper=_in_order, chunk_size=chunk_size,
        keep_columns=("valid", "novel"),
    )  # fmt: skip

    if suffix == ".csv":
        assert chunked.read_bytes() == whole.read_bytes()
    read = pd.read_csv if suffix == ".csv" else pd.read_parquet
    pd.testing.assert_frame_equal(read(chunked), read(whole), check_exact=True)
    pd.testing.assert_frame_equal(kept, expected.loc[:, ["valid", "novel"]], check_exact=True)
    columns = [*OUTPUT_COLUMNS, *component_columns(default_objective())]
    assert list(read(chunked).columns) == columns
    assert not list((tmp_path / "out").glob(".*partial"))


def test_chunked_output_with_an_objective_file_equals_whole_file(samples, tmp_path):
    objective = load_objective(Path(__file__).parents[3] / "configs/objectives/celecoxib.toml")
    config = ScoreConfig(objective=objective, n_jobs=1, chunk_size=4)
    whole, chunked = tmp_path / "whole.parquet", tmp_path / "chunked.parquet"
    score_file(samples, whole, config)
    score_file_chunked(samples, chunked, config, mapper=_in_order, chunk_size=5)
    back = pd.read_parquet(chunked)
    pd.testing.assert_frame_equal(back, pd.read_parquet(whole), check_exact=True)
    assert back.attrs == {"molgen.objective": "celecoxib", "molgen.objective_version": "1"}
    assert "sim_celecoxib_raw" in back.columns and "reactive_desirability" in back.columns


def test_score_to_file_summary_is_the_same_with_a_mapper(samples, tmp_path):
    whole = score_to_file(samples, tmp_path / "a.parquet", CONFIG)
    chunked = score_to_file(samples, tmp_path / "b.parquet", CONFIG, mapper=_in_order, chunk_size=3)
    assert {**chunked, "seconds": 0} == {**whole, "seconds": 0}
    assert whole["n"] == 22 and whole["n_valid"] == 15


def test_default_mapper_uses_local_workers(samples, tmp_path):
    config = ScoreConfig(n_jobs=2, chunk_size=6)
    score_file_chunked(samples, tmp_path / "two.parquet", config)
    score_file(samples, tmp_path / "one.parquet", CONFIG)
    pd.testing.assert_frame_equal(
        pd.read_parquet(tmp_path / "two.parquet"), pd.read_parquet(tmp_path / "one.parquet")
    )


def test_a_failed_chunk_leaves_no_output(samples, tmp_path):
    def failing(fn, items):
        for i, item in enumerate(items):
            if i == 2:
                raise RuntimeError("worker lost")
            yield fn(item)

    out = tmp_path / "scores.parquet"
    with pytest.raises(RuntimeError, match="worker lost"):
        score_file_chunked(samples, out, CONFIG, mapper=failing, chunk_size=3)
    assert not out.exists() and not list(tmp_path.glob(".*partial"))


def test_bad_output_extension_is_a_clear_error(samples, tmp_path):
    with pytest.raises(InputError, match=r"must end in \.csv or \.parquet"):
        score_file_chunked(samples, tmp_path / "scores.json", CONFIG, mapper=_in_order)
