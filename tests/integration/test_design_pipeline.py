"""The design stage inside the pipeline, under Prefect's test harness with MLflow in a temp
dir: it fine-tunes the pipeline's own CharRNN and stores what it designed."""

from __future__ import annotations

import pandas as pd
import pytest
from mlflow.tracking import MlflowClient
from sqlalchemy import text

from flows.pipeline import pipeline
from molgen.config import PipelineConfig
from molgen.store.engine import open_store
from tests.pipeline_configs import tiny_config

pytestmark = pytest.mark.slow

QED = {"name": "drug_like", "components": [{"name": "qed", "type": "qed"}]}


def test_pipeline_designs_after_training_and_stores_the_designs(workdir, prefect_harness):
    design = {"stages": [{"objective": QED, "name": "qed"}], "max_oracle_calls": 48,
              "batch_size": 16, "max_length": 60, "progress_bar": False}  # fmt: skip
    config = PipelineConfig.model_validate(
        {**tiny_config().model_dump(mode="json"), "design": design,
         "store": {"url": f"sqlite:///{workdir / 'store.db'}"}}
    )  # fmt: skip
    out = workdir / "run"
    summary = pipeline(config, str(out))

    designed = summary["design"]
    assert designed["oracle_calls"] == 48 and designed["stages"] == ["qed"]
    assert (out / "design" / "scored.parquet").is_file()
    assert (out / "design" / "agent" / "checkpoint.pt").is_file()
    assert designed["store"]["qed"]["candidates_inserted"] > 0

    client = MlflowClient()
    run = client.get_run(designed["mlflow_run_id"])
    assert run.data.tags["mlflow.parentRunId"] == summary["mlflow_run_id"]
    assert run.data.tags["molgen.prior"].endswith("char_rnn/model/checkpoint.pt")
    history = client.get_metric_history(run.info.run_id, "score_mean")
    assert len(history) == designed["steps"] and designed["steps"] >= 3
    assert {"qed_mean", "loss", "validity", "unique_scaffolds"} <= set(run.data.metrics)
    artifacts = {a.path for a in client.list_artifacts(run.info.run_id, "design")}
    assert {"design/top.parquet", "design/summary.json", "design/score_vs_calls.png"} <= artifacts
    assert "objectives/drug_like.json" in {
        a.path for a in client.list_artifacts(run.info.run_id, "objectives")
    }
    assert run.data.metrics["top10_auc"] == pytest.approx(designed["top10_auc"])

    engine = open_store(config.store.url)
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT c.id, c.family, o.name, r.mlflow_run_id FROM candidates c "
            "JOIN scores s ON s.candidate_id = c.id JOIN objectives o ON o.id = s.objective_id "
            "JOIN runs r ON r.id = c.run_id WHERE c.family = 'design-qed'"
        )).all()  # fmt: skip
    engine.dispose()
    assert len({row[0] for row in rows}) == designed["store"]["qed"]["candidates_inserted"]
    expected = ("design-qed", "drug_like", summary["mlflow_run_id"])
    assert {tuple(row[1:]) for row in rows} == {expected}
    top = pd.read_parquet(out / "design" / "top.parquet")
    assert top["score"].iloc[0] == pytest.approx(designed["top1_mean"], abs=1e-4)
