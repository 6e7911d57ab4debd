"""The store stage under Prefect's test harness, with MLflow in a temp dir."""

from __future__ import annotations

import json

import mlflow
import pytest
from mlflow.tracking import MlflowClient

from flows.store import pipeline_families, pipeline_run, store_flow
from molgen.store.engine import open_store
from molgen.store.ingest import ingest_run_dir
from molgen.store.stats import store_stats
from tests.pipeline_configs import tiny_config
from tests.unit.store.ingest_data import scored_moses


def _families(workdir, config):
    results = {}
    for label, n in (("char_rnn", 12), ("vae", 6)):
        scores = workdir / "run" / label / "scores.parquet"
        scores.parent.mkdir(parents=True)
        scored_moses(n).to_parquet(scores)
        results[label] = {
            "model": label,
            "model_uri": f"runs:/{label}-run/model",
            "outputs": {"scores": str(scores)},
        }
    return pipeline_families(config, results)


def test_store_stage_is_idempotent_and_logged(workdir, prefect_harness):
    config = tiny_config()
    config.store.url = str(workdir / "store.db")
    config.sample.temperature = 0.9
    families = _families(workdir, config)
    mlflow.set_experiment("store-test")
    with mlflow.start_run(run_name="pipeline") as parent:
        run = pipeline_run(parent, workdir / "run")
        first = store_flow(config, run, families, parent_run_id=parent.info.run_id)
        again = store_flow(config, run, families, parent_run_id=parent.info.run_id)

    assert first["enabled"] and first["url"] == f"sqlite:///{workdir / 'store.db'}"
    assert first["families"]["char_rnn"]["candidates_inserted"] == 12
    assert first["families"]["vae"]["candidates_inserted"] == 6
    assert first["families"]["vae"]["molecules_inserted"] == 0  # the char_rnn ones, again
    assert again["families"]["char_rnn"]["candidates_inserted"] == 0
    assert again["families"]["char_rnn"]["duplicates_skipped"] == 12
    assert first["provenance"]["char_rnn"] == {
        "temperature": 0.9, "checkpoint": "runs:/char_rnn-run/model",
    }  # fmt: skip

    engine = open_store(config.store.url)
    stats = store_stats(engine)
    assert (stats.molecules, stats.candidates, stats.runs) == (12, 18, 1)
    assert stats.per_run[0].mlflow_run_id == parent.info.run_id
    assert stats.per_run[0].name == "run"

    client = MlflowClient()
    stage_runs = client.search_runs(
        [parent.info.experiment_id],
        filter_string=f"tags.mlflow.parentRunId = '{parent.info.run_id}'",
    )
    assert [r.info.run_name for r in stage_runs] == ["store", "store"]
    logged = sorted(r.data.metrics["char_rnn/candidates_inserted"] for r in stage_runs)
    assert logged == [0.0, 12.0]
    assert all(r.data.metrics["vae/rejected"] == 0 for r in stage_runs)

    # A later `molgen store import` of the same run dir finds the same run: nothing new.
    summary = {
        "mlflow_run_id": parent.info.run_id,
        "mlflow_tracking_uri": mlflow.get_tracking_uri(),
        "families": {f.label: {"model": f.label, "mlflow_run_id": None} for f in families},
        "store": first,
    }
    (workdir / "run" / "summary.json").write_text(json.dumps(summary))
    reports = ingest_run_dir(engine, workdir / "run")
    assert [r.candidates_inserted for r in reports] == [0, 0]
    engine.dispose()


def test_disabled_store_stage_says_so(workdir, prefect_harness, caplog):
    config = tiny_config()
    config.store.enabled = False
    config.store.url = str(workdir / "store.db")
    families = _families(workdir, config)
    with mlflow.start_run(run_name="pipeline") as parent:
        result = store_flow(config, pipeline_run(parent, workdir / "run"), families)
    assert result["enabled"] is False and not (workdir / "store.db").exists()
    assert "store stage disabled" in caplog.text


def test_store_section_is_strict():
    with pytest.raises(ValueError, match="extra"):
        type(tiny_config()).model_validate({"store": {"enabled": True, "uri": "x"}})
