from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from molgen.predictors import PredictorConfig, cross_validate

SMALL = {"hidden_size": 32, "depth": 2, "batch_size": 16, "epochs": 4}


def test_every_row_is_predicted_once_by_a_model_that_never_saw_it(
    labelled: pd.DataFrame,
) -> None:
    config = PredictorConfig(targets=["logp"], **SMALL)
    result = cross_validate(labelled, config, k=4, seed=3)
    assert sorted(result.predictions["smiles"]) == sorted(labelled["smiles"])
    assert result.predictions["logp"].notna().all()
    assert list(result.folds["fold"]) == [0, 1, 2, 3]
    assert result.folds["n_held_out"].sum() == len(labelled)
    assert (result.folds["n_train"] + result.folds["n_held_out"] == len(labelled)).all()
    rmse = result.folds["logp.rmse"].to_numpy()
    assert result.summary["cv.folds"] == 4
    assert result.summary["cv.logp.rmse.mean"] == pytest.approx(rmse.mean())
    assert result.summary["cv.logp.rmse.std"] == pytest.approx(rmse.std(ddof=1))
    # a held-out fold's labels match its rows: out-of-fold RMSE from the predictions
    by_fold = result.predictions.groupby("fold")
    recomputed = by_fold.apply(
        lambda f: np.sqrt(np.mean((f["logp"] - f["logp_label"]) ** 2)), include_groups=False
    )
    assert np.allclose(recomputed.to_numpy(), rmse)


def test_same_seed_same_folds_and_too_many_folds_refused(labelled: pd.DataFrame) -> None:
    config = PredictorConfig(targets=["logp"], **{**SMALL, "epochs": 1})
    first = cross_validate(labelled.iloc[:12], config, k=3, seed=1)
    again = cross_validate(labelled.iloc[:12], config, k=3, seed=1)
    pd.testing.assert_frame_equal(first.predictions, again.predictions)
    with pytest.raises(ValueError, match="k must lie between 2"):
        cross_validate(labelled.iloc[:5], config, k=6)


def test_stage_config_takes_zero_or_at_least_two_folds() -> None:
    from pydantic import ValidationError

    from molgen.predictors.config import PredictorStageConfig

    base = {"name": "logp", "data": "x.csv", "model": {"targets": ["logp"]}}
    assert PredictorStageConfig(**base).cv_folds == 0
    assert PredictorStageConfig(**base, cv_folds=5).cv_folds == 5
    with pytest.raises(ValidationError, match="at least 2"):
        PredictorStageConfig(**base, cv_folds=1)
