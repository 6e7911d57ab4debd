"""The evaluate stage on its own, on real molecules so that every test-set metric is defined."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from mlflow.tracking import MlflowClient

from flows.curate import curate_flow
from flows.evaluate import evaluate_flow, mlflow_metric_name
from flows.score import score_flow
from molgen.config import PipelineConfig
from molgen.evaluation.evaluate import METRIC_NAMES
from tests.pipeline_configs import DATA, tiny_config

pytestmark = pytest.mark.slow


def test_mlflow_metric_names():
    assert mlflow_metric_name("unique@1000") == "unique_at_1000"
    assert mlflow_metric_name("FCD/Test") == "FCD/Test"
    assert mlflow_metric_name("a:b#c") == "a_b_c"
    assert len({mlflow_metric_name(n) for n in METRIC_NAMES}) == len(METRIC_NAMES)


def test_evaluate_section_defaults_and_is_strict():
    assert PipelineConfig().evaluate.enabled
    with pytest.raises(ValueError, match="extra"):
        PipelineConfig.model_validate({"evaluate": {"plot": False}})


def test_evaluate_flow_logs_metrics_and_plots(workdir, prefect_harness):
    config = tiny_config()
    data = workdir / "data"
    curate_flow(config, str(data))
    samples = workdir / "samples.parquet"
    smiles = pd.read_csv(DATA / "moses_300.csv")["smiles"].tolist()[:64]
    pd.DataFrame({"smiles": smiles, "valid": True}).to_parquet(samples)
    scores = workdir / "scores.parquet"
    score_flow(config, str(samples), str(scores), str(data))
    out = workdir / "fam" / "evaluation.json"

    metrics = evaluate_flow(config, str(samples), str(data), str(out), scores_path=str(scores))

    written = json.loads(out.read_text())
    assert tuple(written) == METRIC_NAMES and written == metrics
    assert written["valid"] == 1.0 and written["FCD/Test"] >= 0 and written["SNN/Test"] > 0
    run = MlflowClient().search_runs(
        [MlflowClient().get_experiment_by_name(config.tracking.experiment).experiment_id],
        "tags.`molgen.stage` = 'evaluate'",
    )[0]
    assert run.data.metrics["unique_at_1000"] == pytest.approx(written["unique@1000"])
    assert run.data.metrics["FCD/Test"] == pytest.approx(written["FCD/Test"])
    plots = {a.path for a in MlflowClient().list_artifacts(run.info.run_id, "plots")}
    # No parent family run, so no training curves.
    assert plots == {"plots/property_distributions.png", "plots/top_novel_molecules.png"}
