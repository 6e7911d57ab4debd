"""The predictor stage under Prefect's test harness with MLflow in a temp dir: one run per
predictor with metrics, plots and a registered pyfunc model that the scoring component
loads by its ``models:/`` URI."""

from __future__ import annotations

from pathlib import Path

import mlflow
import numpy as np
import pandas as pd
import pytest
from mlflow.tracking import MlflowClient

from flows.predictor import predictors_flow
from molgen.config import PipelineConfig
from molgen.predictors import load_predictor
from molgen.scoring.components import build_component
from molgen.scoring.components.batch import MolBatch
from molgen.utils.config import load_toml

DATA = Path(__file__).parents[1] / "data" / "predictor_48.csv"
MODEL = {"targets": ["logp"], "epochs": 4, "hidden_size": 32, "depth": 2, "ensemble_size": 2}


def test_predictor_stage_tracks_registers_and_serves(workdir, prefect_harness):
    molecules = workdir / "candidates.csv"
    molecules.write_text("smiles\nCCOc1ccccc1\nC1CC(\n")
    config = PipelineConfig.model_validate(
        {"predictors": [{"name": "logp", "data": str(DATA), "split": "scaffold",
                         "predict": [str(molecules)], "model": MODEL}]}
    )  # fmt: skip
    with mlflow.start_run(run_name="pipeline") as parent:
        summary = predictors_flow(config, str(workdir / "predictors"), parent.info.run_id)

    result = summary["logp"]
    folder = workdir / "predictors" / "logp"
    assert (folder / "predictor.pt").is_file() and (folder / "rejects.csv").is_file()
    assert result["rows_kept"] == 48 and result["rows_rejected"] == 0
    assert result["n_train"] + result["n_val"] + result["n_test"] == 48
    assert {"logp.rmse", "logp.mae", "logp.r2", "logp.miscalibration_area"} <= set(
        result["metrics"]
    )
    predicted = pd.read_csv(result["predicted"][str(molecules)]["output"])
    assert predicted["logp"].notna().tolist() == [True, False]

    client = MlflowClient()
    run = client.get_run(result["mlflow_run_id"])
    assert run.data.tags["mlflow.parentRunId"] == parent.info.run_id
    assert run.data.params["model.hidden_size"] == "32"
    assert "logp.rmse" in run.data.metrics
    assert len(client.get_metric_history(run.info.run_id, "member0/train_loss")) == 4
    plots = {a.path for a in client.list_artifacts(run.info.run_id, "plots")}
    assert {"plots/parity_logp.png", "plots/calibration_logp.png"} <= plots
    assert result["registered_uri"] == "models:/logp@champion"

    served = load_predictor("models:/logp@champion")
    local = load_predictor(folder)
    smiles = pd.read_csv(DATA)["smiles"].tolist()[:5]
    pd.testing.assert_frame_equal(served.predict(smiles), local.predict(smiles))
    pyfunc = mlflow.pyfunc.load_model("models:/logp@champion")
    out = pyfunc.predict(pd.DataFrame({"smiles": smiles}))
    assert np.allclose(out["logp"], local.predict(smiles)["logp"])

    component = build_component("logp", "predictor", {"model": "models:/logp@champion"})
    values = component(MolBatch.from_smiles(smiles))
    assert np.allclose(values, local.predict(smiles)["logp"])


def test_pipeline_config_reads_predictors_from_toml(tmp_path):
    path = tmp_path / "pipeline.toml"
    path.write_text(f"""
[[predictors]]
name = "logp"
data = "{DATA}"
split = "random"

[predictors.model]
targets = ["logp"]
epochs = 3
ensemble_size = 3
mve = true
""")
    config = load_toml(path, PipelineConfig)
    assert config.predictors[0].model.ensemble_size == 3 and config.predictors[0].model.mve
    path.write_text(path.read_text().replace("epochs = 3", "epochs = 3\ncolour = 1"))
    with pytest.raises(Exception, match="colour"):
        load_toml(path, PipelineConfig)


@pytest.mark.slow
def test_pipeline_trains_predictors_before_design_uses_them(workdir, prefect_harness):
    from flows.pipeline import pipeline
    from tests.pipeline_configs import tiny_config

    objective = {
        "name": "predicted_logp",
        "components": [
            {"name": "logp_pred", "type": "predictor",
             "params": {"model": "models:/logp@champion", "output": "lcb"},
             "transform": {"kind": "sigmoid", "center": 2.0, "k": 2}},
        ],
    }  # fmt: skip
    design = {"stages": [{"objective": objective, "name": "logp"}], "max_oracle_calls": 32,
              "batch_size": 16, "max_length": 60, "progress_bar": False}  # fmt: skip
    predictors = [{"name": "logp", "data": str(DATA), "model": MODEL}]
    config = PipelineConfig.model_validate(
        {**tiny_config().model_dump(mode="json"), "predictors": predictors, "design": design,
         "store": {"url": f"sqlite:///{workdir / 'store.db'}"}}
    )  # fmt: skip
    summary = pipeline(config, str(workdir / "run"))

    trained = summary["predictors"]["logp"]
    assert (workdir / "run" / "predictors" / "logp" / "predictor.pt").is_file()
    run = MlflowClient().get_run(trained["mlflow_run_id"])
    assert run.data.tags["mlflow.parentRunId"] == summary["mlflow_run_id"]
    scored = pd.read_parquet(workdir / "run" / "design" / "scored.parquet")
    assert scored["logp_pred_raw"].notna().any()
