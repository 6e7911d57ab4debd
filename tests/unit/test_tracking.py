from __future__ import annotations

import mlflow
import pytest
from mlflow.tracking import MlflowClient

from molgen.sampling.config import SampleConfig
from molgen.tracking import (
    configure_tracking,
    log_config,
    metric_logger,
    resolve_model_path,
    stage_run,
)
from molgen.utils.errors import InputError


def test_stage_runs_nest_and_carry_tags(workdir):
    configure_tracking(None, "unit")
    with stage_run("pipeline") as parent, stage_run("train") as child:
        log_config(SampleConfig(n=7), "sample.")
        metric_logger(child.info.run_id)({"loss": 1.5, "bad": float("nan")}, 3)
    client = MlflowClient()
    run = client.get_run(child.info.run_id)
    assert run.data.tags["mlflow.parentRunId"] == parent.info.run_id
    assert run.data.tags["molgen.stage"] == "train" and run.data.tags["torch"]
    assert run.data.params["sample.n"] == "7"
    history = client.get_metric_history(child.info.run_id, "loss")
    assert [(m.value, m.step) for m in history] == [(1.5, 3)]
    assert not client.get_metric_history(child.info.run_id, "bad")


def test_resolve_model_path(tmp_path):
    (tmp_path / "best.pt").write_bytes(b"x")
    assert resolve_model_path(str(tmp_path)).name == "best.pt"
    (tmp_path / "checkpoint.pt").write_bytes(b"x")
    assert resolve_model_path(str(tmp_path)).name == "checkpoint.pt"
    with pytest.raises(InputError, match="checkpoint not found"):
        resolve_model_path(str(tmp_path / "nope.pt"))
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(InputError, match=r"no checkpoint\.pt"):
        resolve_model_path(str(empty))


def test_resolve_unknown_mlflow_run(workdir):
    mlflow.set_experiment("unit")
    with pytest.raises(InputError, match="cannot fetch model from MLflow"):
        resolve_model_path("runs:/0123456789abcdef/model")
