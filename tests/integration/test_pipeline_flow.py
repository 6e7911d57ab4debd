"""The real pipeline flow on tiny data, under Prefect's test harness with MLflow in a temp dir."""

from __future__ import annotations

import asyncio
import json

import pandas as pd
import pytest
from mlflow.tracking import MlflowClient
from prefect.client.orchestration import get_client
from prefect.client.schemas.sorting import FlowRunSort

from flows.evaluate import mlflow_metric_name
from flows.pipeline import pipeline
from molgen.evaluation.evaluate import METRIC_NAMES
from molgen.tracking import resolve_model_path
from tests.pipeline_configs import tiny_config
from tests.prefect_runs import newest_task_runs, stage_of, wait_for_new_task_runs

pytestmark = pytest.mark.slow

STAGES = {"curate", "train", "sample", "score", "evaluate"}
STAGE_TASKS = {
    "curate-dataset",
    "train-model",
    "draw-samples",
    "score-molecules",
    "evaluate-samples",
}


def _flow_runs() -> list:
    async def read():
        async with get_client() as client:
            return await client.read_flow_runs(limit=200, sort=FlowRunSort.START_TIME_DESC)

    return asyncio.run(read())


def _children(client: MlflowClient, run) -> list:
    return client.search_runs(
        [run.info.experiment_id], filter_string=f"tags.mlflow.parentRunId = '{run.info.run_id}'"
    )


def test_pipeline_end_to_end(workdir, prefect_harness):
    config = tiny_config()
    out = workdir / "run"
    summary = pipeline(config, str(out))

    # Files in the documented layout.
    for name in ("train", "valid", "test", "rejects"):
        assert (out / "data" / f"{name}.parquet").is_file()
    family = out / "char_rnn"
    assert (family / "model" / "checkpoint.pt").is_file()
    samples = pd.read_parquet(family / "samples.parquet")
    scores = pd.read_parquet(family / "scores.parquet")
    assert len(samples) == config.sample.n == len(scores)
    assert list(samples.columns[:2]) == ["smiles", "valid"]
    assert scores["smiles"].tolist() == samples["smiles"].tolist()
    on_disk = json.loads((out / "summary.json").read_text())
    assert on_disk["mlflow_run_id"] == summary["mlflow_run_id"]
    assert 0 <= on_disk["metrics"]["char_rnn"]["validity"] <= 1
    assert on_disk["families"]["char_rnn"]["model_uri"].startswith("runs:/")

    # Evaluation: every MOSES metric in evaluation.json (strict JSON, NaN as null), the
    # headline ones in the family summary, and the HTML report.
    evaluation = json.loads((family / "evaluation.json").read_text(), parse_constant=float)
    assert tuple(evaluation) == METRIC_NAMES
    assert 0 <= evaluation["valid"] <= 1 and evaluation["FCD/TestSF"] is None  # no MOSES SF
    headline = on_disk["metrics"]["char_rnn"]
    for name in ("FCD/Test", "SNN/Test", "IntDiv", "Filters", "Novelty"):
        assert headline[name] == evaluation[name]
    report = (out / "report.html").read_text()
    assert "char_rnn" in report and "data:image/png;base64," in report

    # MLflow: one parent run; curate and the family nested under it, the family's stages
    # nested under the family's run; metrics and artifacts on each.
    client = MlflowClient()
    parent = client.get_run(summary["mlflow_run_id"])
    assert parent.data.params["model.name"] == "char_rnn"
    assert parent.data.tags["git_sha"]
    assert "device" in parent.data.tags
    assert "char_rnn/validity" in parent.data.metrics
    children = _children(client, parent)
    assert {run.data.tags["molgen.stage"] for run in children} == {"curate", "family", "store"}
    family_run = next(run for run in children if run.data.tags["molgen.stage"] == "family")
    assert family_run.info.run_name == "char_rnn"
    assert family_run.data.tags["molgen.model"] == "char_rnn"
    assert "validity" in family_run.data.metrics and "hidden_size" in str(family_run.data.params)
    by_stage = {run.data.tags["molgen.stage"]: run for run in children}
    by_stage |= {run.data.tags["molgen.stage"]: run for run in _children(client, family_run)}
    assert set(by_stage) == STAGES | {"family", "store"}
    stored = on_disk["store"]["families"]["char_rnn"]
    assert stored["candidates_inserted"] + stored["duplicates_skipped"] + stored["rejected"] == 64
    assert (
        by_stage["store"].data.metrics["char_rnn/candidates_inserted"]
        == stored["candidates_inserted"]
    )
    assert by_stage["curate"].data.metrics["input"] == 300
    assert by_stage["curate"].inputs.dataset_inputs, "the train set is logged with mlflow.data"
    train_run = by_stage["train"].info.run_id
    step_losses = client.get_metric_history(train_run, "train_loss")
    assert len(step_losses) >= 2
    assert client.get_metric_history(train_run, "val_loss")
    assert "validity" in by_stage["sample"].data.metrics
    # The model is logged as a pyfunc model of the train run, its artifact the checkpoint.
    logged = resolve_model_path(on_disk["families"]["char_rnn"]["model_uri"])
    assert logged.read_bytes() == (family / "model" / "checkpoint.pt").read_bytes()
    sample_artifacts = {a.path for a in client.list_artifacts(by_stage["sample"].info.run_id)}
    assert "samples" in sample_artifacts
    evaluate_run = by_stage["evaluate"]
    logged = evaluate_run.data.metrics
    # A 2-epoch model may sample nothing valid: FCD etc. are then null, and not logged.
    assert {mlflow_metric_name(k) for k, v in evaluation.items() if v is not None} == set(logged)
    assert logged["valid"] == pytest.approx(evaluation["valid"])
    eval_artifacts = {a.path for a in client.list_artifacts(evaluate_run.info.run_id)}
    assert "evaluation.json" in eval_artifacts
    plots = {a.path for a in client.list_artifacts(evaluate_run.info.run_id, "plots")}
    assert plots == {
        "plots/property_distributions.png",
        "plots/top_novel_molecules.png",
        "plots/training_curves.png",
    }
    assert "Filters" in family_run.data.metrics
    assert "char_rnn/Filters" in parent.data.metrics
    parent_artifacts = {a.path for a in client.list_artifacts(parent.info.run_id)}
    assert {"report.html", "summary.json"} <= parent_artifacts

    # Prefect: the pipeline and its stage subflows completed.
    runs = _flow_runs()
    names = {run.name: run for run in runs}
    assert names, "flow runs were recorded"
    completed = [r for r in runs if r.state.is_completed()]
    flow_names = {r.flow_id for r in completed}
    assert len(flow_names) >= 6

    # A rerun with the same inputs skips every finished stage.
    before = {r.id for r in newest_task_runs()}
    summary2 = pipeline(config, str(out))
    assert summary2["metrics"] == summary["metrics"]
    assert summary2["store"]["families"]["char_rnn"]["candidates_inserted"] == 0
    stage_tasks = wait_for_new_task_runs(
        before, lambda t: stage_of(t) in STAGE_TASKS, len(STAGE_TASKS)
    )
    states = [(t.name, t.state.name) for t in stage_tasks]
    assert len(stage_tasks) == len(STAGE_TASKS), states
    assert all(t.state.name == "Cached" for t in stage_tasks), states


def test_failed_stage_fails_the_flow_with_a_clear_message(workdir, prefect_harness):
    config = tiny_config()
    config.curate.split.valid_fraction = 0.0
    state = pipeline(config, str(workdir / "run"), return_state=True)
    assert state.is_failed()
    message = str(state.message) + str(state.result(raise_on_failure=False))
    assert "valid split is empty" in message
