"""A pipeline with a wall-clock budget (real Prefect harness, MLflow in a temp dir): the
reference statistics are paid for before training, training gets what the budget leaves,
and a rerun keeps the plan."""

from __future__ import annotations

import json

import pytest
from mlflow.tracking import MlflowClient

from flows.pipeline import pipeline
from flows.stage_cache import cache_root
from molgen.training.time_budget import TimeBudgetConfig
from tests.pipeline_configs import tiny_config

pytestmark = pytest.mark.slow


def _train_run(client: MlflowClient, parent_id: str):
    parent = client.get_run(parent_id)
    runs = client.search_runs(
        [parent.info.experiment_id], filter_string="tags.`molgen.stage` = 'train'"
    )
    return next(run for run in runs if run.info.start_time >= parent.info.start_time)


def test_training_gets_what_the_budget_leaves_and_a_rerun_keeps_the_plan(workdir, prefect_harness):
    config = tiny_config()
    config.evaluate.report = False
    config.time_budget = TimeBudgetConfig(minutes=6.0, after_training_minutes=2.0)
    out = workdir / "run"
    summary = pipeline(config, str(out))

    budget = summary["time_budget"]
    minutes = budget["training_minutes"]["char_rnn"]
    spent_before_training = 6.0 - 2.0 - minutes  # what the plan says curation etc. took
    assert 0 < spent_before_training < summary["wall_seconds"] / 60
    assert budget["minutes"] == 6.0 and budget["within"] is True
    # The train stage ran with the planned budget, logged as its config.
    client = MlflowClient()
    train = _train_run(client, summary["mlflow_run_id"])
    assert float(train.data.params["train.max_minutes"]) == pytest.approx(minutes)
    # The reference statistics were ready before training began.
    references = sorted((cache_root() / "reference_stats").rglob("test.npz"))
    assert references, "the reference statistics are cached where evaluation reads them"
    checkpoint = out / "char_rnn" / "model" / "last.pt"
    assert references[0].stat().st_mtime_ns < checkpoint.stat().st_mtime_ns
    assert references[0].stat().st_mtime < train.info.start_time / 1000

    # A rerun finds curation cached, so more time is left, yet keeps the recorded plan and
    # so reuses the trained model instead of training again.
    plan = (out / "time_budget.json").read_text()
    trained_at = checkpoint.stat().st_mtime_ns
    again = pipeline(config, str(out))
    assert again["time_budget"]["training_minutes"] == budget["training_minutes"]
    assert (out / "time_budget.json").read_text() == plan
    assert checkpoint.stat().st_mtime_ns == trained_at
    assert json.loads((out / "summary.json").read_text())["time_budget"]["within"] is True
