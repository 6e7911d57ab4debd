"""``molgen predictor train|predict|evaluate`` driven through ``main()``."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from molgen.cli.main import main

DATA = Path(__file__).parents[1] / "data" / "predictor_48.csv"
SMALL = ["--epochs", "3", "--hidden-size", "16", "--depth", "2", "--no-register"]


def _last_json(capsys) -> dict:
    return json.loads(capsys.readouterr().out.strip().splitlines()[-1])


def _one_line_error(capsys) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert err and "Traceback" not in "\n".join(err)
    return err[-1]


def test_train_predict_evaluate(workdir, prefect_harness, capsys):
    out = workdir / "logp"
    assert main(["predictor", "train", str(DATA), "--target", "logp", "--out", str(out),
                 "--split", "random", "--cv-folds", "3", *SMALL]) == 0  # fmt: skip
    trained = _last_json(capsys)
    assert trained["rows_kept"] == 48 and (out / "predictor.pt").is_file()
    assert trained["metrics"]["cv.folds"] == 3 and trained["metrics"]["cv.logp.rmse.mean"] > 0
    assert len(pd.read_csv(out / "cv_predictions.csv")) == 48
    assert trained["mlflow_run_id"] and "registered_uri" not in trained

    inputs = workdir / "in.csv"
    inputs.write_text("smiles\nCCO\nnot_a_smiles\nc1ccccc1\n")
    predicted = workdir / "predicted.parquet"
    assert main(["predictor", "predict", str(out), str(inputs), "--out", str(predicted)]) == 0
    assert _last_json(capsys) == {
        "output": str(predicted), "rows": 3, "predicted": 2, "invalid": 1
    }  # fmt: skip
    frame = pd.read_parquet(predicted)
    assert {"input", "logp", "logp_std", "nearest_train_similarity"} <= set(frame.columns)

    assert main(["predictor", "evaluate", str(out), str(DATA)]) == 0
    metrics = _last_json(capsys)
    assert metrics["rows"] == 48 and {"logp.rmse", "logp.r2"} <= set(metrics)


def test_bad_input_is_one_line(workdir, tmp_path, capsys):
    code = main(["predictor", "train", str(DATA), "--target", "logd", "--out",
                 str(tmp_path / "x"), *SMALL])  # fmt: skip
    assert code == 2
    assert _one_line_error(capsys).endswith("no target column 'logd' (columns: logp, tpsa, active)")
    code = main(["predictor", "train", str(DATA), "--target", "logp", "--epochs", "0",
                 "--out", str(tmp_path / "x")])  # fmt: skip
    assert code == 2 and "--epochs" in _one_line_error(capsys)
    assert main(["predictor", "predict", str(tmp_path / "none"), str(DATA), "--out", "o.csv"]) == 2
    assert "predictor not found" in _one_line_error(capsys)


def test_descriptors_are_on_unless_turned_off(tmp_path):
    from molgen.cli.main import build_parser
    from molgen.cli.predictor import stage_settings

    base = ["predictor", "train", str(DATA), "--target", "logp", "--out", str(tmp_path)]
    parser = build_parser()
    assert stage_settings(parser.parse_args(base)).model.descriptors is True
    turned_off = stage_settings(parser.parse_args([*base, "--no-descriptors"]))
    assert turned_off.model.descriptors is False
