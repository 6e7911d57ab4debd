"""``molgen evaluate`` driven through ``main()``: metrics JSON out, one-line errors in."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from molgen.cli.main import main
from molgen.evaluation.evaluate import METRIC_NAMES
from tests.unit.evaluation.test_evaluate import write_dataset


@pytest.fixture(scope="module")
def moses_smiles(data_dir) -> list[str]:
    return pd.read_csv(data_dir / "moses_300.csv")["smiles"].tolist()


@pytest.fixture(scope="module")
def dataset(tmp_path_factory, moses_smiles) -> Path:
    return write_dataset(tmp_path_factory.mktemp("cli-evaluate") / "data", moses_smiles)


@pytest.fixture
def samples(tmp_path, moses_smiles) -> Path:
    path = tmp_path / "samples.csv"
    pd.DataFrame({"smiles": [*moses_smiles[150:210], "C1CC", ""]}).to_csv(path, index=False)
    return path


def _strict(text: str) -> dict:
    def refuse(name: str):
        raise AssertionError(f"not strict JSON: {name}")

    return json.loads(text, parse_constant=refuse)


def _error(capsys, code: int, expected_code: int = 2) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert code == expected_code
    assert len(err) >= 1 and "Traceback" not in "\n".join(err)
    return err[-1]


def _evaluate(samples: Path, data: Path, out: Path) -> int:
    return main(["evaluate", str(samples), "--data", str(data), "--out", str(out)])


def test_evaluate_writes_and_prints_the_metrics(tmp_path, dataset, samples, capsys):
    out = tmp_path / "out" / "metrics.json"
    args = ["evaluate", str(samples), "--data", str(dataset), "--out", str(out), "--device", "cpu"]
    assert main(args) == 0
    printed = _strict(capsys.readouterr().out.strip().splitlines()[-1])
    written = _strict(out.read_text())
    assert printed == written
    assert tuple(written) == METRIC_NAMES
    assert written["valid"] == pytest.approx(60 / 62)
    assert 0 < written["Novelty"] < 1  # 50 of the 60 are in train
    assert (dataset / "reference_stats").is_dir()  # the default cache sits in the dataset

    assert main(args) == 0  # warm cache: same numbers
    assert _strict(capsys.readouterr().out.strip().splitlines()[-1]) == written


def test_parquet_samples_with_nothing_valid_give_nulls(tmp_path, dataset, capsys):
    samples = tmp_path / "bad.parquet"
    pd.DataFrame({"SMILES": ["xyz", "c1cccc1"]}).to_parquet(samples)
    out = tmp_path / "m.json"
    code = main(["evaluate", str(samples), "--data", str(dataset), "--out", str(out),
                 "--smiles-column", "SMILES", "--device", "cpu"])  # fmt: skip
    assert code == 0
    written = _strict(out.read_text())
    assert written["valid"] == 0.0
    assert written["FCD/Test"] is None and written["SNN/Test"] is None


def test_missing_samples_file(tmp_path, dataset, capsys):
    missing = tmp_path / "nope.csv"
    code = main(
        ["evaluate", str(missing), "--data", str(dataset), "--out", str(tmp_path / "m.json")]
    )
    line = _error(capsys, code)
    assert line.startswith("molgen evaluate: error:") and str(missing) in line


def test_no_smiles_column(tmp_path, dataset, capsys):
    path = tmp_path / "samples.csv"
    pd.DataFrame({"mol": ["CCO"], "other": ["CCN"]}).to_csv(path, index=False)
    code = _evaluate(path, dataset, tmp_path / "m.json")
    line = _error(capsys, code)
    assert str(path) in line and "column" in line


def test_not_a_curated_dataset(tmp_path, samples, capsys):
    code = main(
        ["evaluate", str(samples), "--data", str(tmp_path), "--out", str(tmp_path / "m.json")]
    )
    line = _error(capsys, code)
    assert str(tmp_path) in line and "not a curated dataset" in line


def test_dataset_without_test_split(tmp_path, samples, moses_smiles, capsys):
    data = write_dataset(tmp_path / "data", moses_smiles)
    (data / "test.parquet").unlink()
    code = _evaluate(samples, data, tmp_path / "m.json")
    assert str(data / "test.parquet") in _error(capsys, code)


def test_output_must_be_json(tmp_path, dataset, samples, capsys):
    code = main(
        ["evaluate", str(samples), "--data", str(dataset), "--out", str(tmp_path / "m.csv")]
    )
    assert ".json" in _error(capsys, code)


def test_help_has_examples(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["evaluate", "--help"])
    assert exc.value.code == 0
    assert "examples:" in capsys.readouterr().out
