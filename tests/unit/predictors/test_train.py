from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch
from pydantic import ValidationError

from molgen.models.checkpoint import read_checkpoint
from molgen.predictors import (
    PredictorConfig,
    evaluate_predictor,
    fit_predictor,
    load_predictor,
)
from molgen.predictors.train import lr_at_step

SMALL = {"hidden_size": 32, "depth": 2, "batch_size": 16}


def test_overfits_a_tiny_regression_set(labelled: pd.DataFrame) -> None:
    train = labelled.iloc[:16]
    config = PredictorConfig(targets=["logp"], epochs=150, lr=3e-3, lr_schedule="constant", **SMALL)
    predictor = fit_predictor(train, None, config)
    metrics, _ = evaluate_predictor(predictor, train)
    assert metrics["logp.rmse"] < 0.15 * train["logp"].std()
    assert predictor.history[-1]["train_loss"] < 0.05


def test_predict_columns_and_invalid_rows(labelled: pd.DataFrame) -> None:
    config = PredictorConfig(targets=["logp"], epochs=3, ensemble_size=2, **SMALL)
    predictor = fit_predictor(labelled.iloc[:30], labelled.iloc[30:40], config)
    out = predictor.predict([*labelled["smiles"].iloc[:3], "C1CC("])
    assert list(out.columns) == ["logp", "logp_std", "nearest_train_similarity"]
    assert out.iloc[:3].notna().all().all() and out.iloc[3].isna().all()
    assert (out["logp_std"].iloc[:3] > 0).all()
    assert np.allclose(out["nearest_train_similarity"].iloc[:3], 1.0)  # training molecules


def test_single_model_spread_is_zero_not_nan(labelled: pd.DataFrame) -> None:
    predictor = fit_predictor(labelled, None, PredictorConfig(targets=["logp"], epochs=1, **SMALL))
    assert (predictor.predict(labelled["smiles"].tolist())["logp_std"] == 0).all()


def test_mve_and_descriptors_save_and_load_identically(
    labelled: pd.DataFrame, tmp_path: Path
) -> None:
    config = PredictorConfig(
        targets=["logp"], epochs=3, mve=True, descriptors=True, ensemble_size=2, **SMALL
    )
    predictor = fit_predictor(labelled.iloc[:40], labelled.iloc[40:], config)
    path = predictor.save(tmp_path / "model")
    checkpoint = torch.load(path, weights_only=True)
    assert checkpoint["model_type"] == "predictor" and checkpoint["targets"] == ["logp"]
    assert checkpoint["target_scaler"]["std"][0] > 0 and checkpoint["data_hash"]
    assert read_checkpoint(path)["ensemble_size"] == 2
    loaded = load_predictor(tmp_path / "model")
    smiles = labelled["smiles"].tolist()
    before, after = predictor.predict(smiles), loaded.predict(smiles)
    pd.testing.assert_frame_equal(before, after)
    assert (before["logp_std"] > 0).all()


def test_classification_gives_probabilities(labelled: pd.DataFrame) -> None:
    config = PredictorConfig(
        task="classification",
        targets=["active"],
        epochs=40,
        lr=3e-3,
        lr_schedule="constant",
        **SMALL,
    )
    predictor = fit_predictor(labelled, None, config)
    metrics, predictions = evaluate_predictor(predictor, labelled)
    assert predictions["active"].between(0, 1).all()
    assert metrics["active.roc_auc"] > 0.8 and "active.pr_auc" in metrics


def test_multitask_with_missing_labels(labelled: pd.DataFrame) -> None:
    assert labelled["tpsa"].isna().any()
    config = PredictorConfig(
        targets=["logp", "tpsa"], epochs=60, lr=3e-3, lr_schedule="constant", **SMALL
    )
    predictor = fit_predictor(labelled, None, config)
    metrics, predictions = evaluate_predictor(predictor, labelled)
    assert predictions[["logp", "tpsa", "logp_std", "tpsa_std"]].notna().all().all()
    assert np.isfinite(metrics["tpsa.rmse"]) and metrics["tpsa.r2"] > 0.5
    assert "rmse" in metrics  # the mean over targets


def test_classification_labels_must_be_binary(labelled: pd.DataFrame) -> None:
    from molgen.utils.errors import ConfigError

    config = PredictorConfig(task="classification", targets=["logp"], epochs=1, **SMALL)
    with pytest.raises(ConfigError, match="0 or 1"):
        fit_predictor(labelled, None, config)


def test_config_rejects_mve_for_classification_and_unknown_keys() -> None:
    with pytest.raises(ValidationError, match="regression only"):
        PredictorConfig(task="classification", targets=["y"], mve=True)
    with pytest.raises(ValidationError, match="Extra inputs"):
        PredictorConfig(targets=["y"], colour="red")


def test_load_errors_are_one_line(tmp_path: Path) -> None:
    from molgen.utils.errors import InputError

    with pytest.raises(InputError, match="predictor not found"):
        load_predictor(tmp_path / "missing.pt")
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match=r"no predictor\.pt"):
        load_predictor(tmp_path / "empty")


def test_warmup_decay_schedule_rises_peaks_and_decays_to_the_floor() -> None:
    config = PredictorConfig(targets=["y"], epochs=10, lr=1e-3, warmup_epochs=2, lr_ratio=0.1)
    steps_per_epoch = 5
    rates = [lr_at_step(step, steps_per_epoch, config) for step in range(10 * steps_per_epoch)]
    assert rates[0] == pytest.approx(1e-4)
    assert rates[10] == pytest.approx(1e-3)  # the peak, right after 2 epochs of warm-up
    assert all(a < b for a, b in itertools.pairwise(rates[:11]))
    assert all(a > b for a, b in itertools.pairwise(rates[10:]))
    assert rates[-1] == pytest.approx(1e-4)
    constant = config.model_copy(update={"lr_schedule": "constant"})
    assert {lr_at_step(step, 5, constant) for step in range(50)} == {1e-3}
