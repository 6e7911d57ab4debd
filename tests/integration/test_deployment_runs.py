"""Deployment runs under Prefect's test harness: a run of prefect.yaml's curate deployment
triggered through the Prefect client and executed by a runner (as ``molgen serve`` runs it),
and the champion flow against a model registered with a ``champion`` alias."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import mlflow
import pandas as pd
import pytest
from mlflow.tracking import MlflowClient
from prefect.client.orchestration import get_client
from prefect.deployments import run_deployment
from prefect.runner import Runner

from flows.champion import champion_flow
from flows.curate import curate_flow
from flows.deployments import PREFECT_FILE, load_deployments
from flows.train import train_flow
from molgen.store.engine import open_store
from molgen.store.runs import read_run_dir
from molgen.store.stats import store_stats
from tests.pipeline_configs import DATA, tiny_config

pytestmark = pytest.mark.slow


def _toml(value) -> str:
    """A value as TOML: JSON's strings, numbers and booleans are TOML's; tables go inline."""
    if isinstance(value, dict):
        items = (f"{json.dumps(k)} = {_toml(v)}" for k, v in value.items() if v is not None)
        return "{ " + ", ".join(items) + " }"
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return json.dumps(value)


def write_toml(config: dict, path: Path) -> Path:
    """A pipeline config dump (sections of values) as a TOML file."""
    lines = []
    for section, values in config.items():
        if isinstance(values, dict):
            lines.append(f"[{section}]")
            lines += [f"{json.dumps(k)} = {_toml(v)}" for k, v in values.items() if v is not None]
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture
def isolated(tmp_path, monkeypatch):
    """MLflow and the stage cache in ``tmp_path``; the working directory is the repository
    root, where deployments start their flow runs."""
    monkeypatch.chdir(PREFECT_FILE.parent)
    monkeypatch.setenv("MOLGEN_CACHE_DIR", str(tmp_path / "cache"))
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    monkeypatch.setenv("MLFLOW_TRACKING_URI", uri)
    mlflow.set_tracking_uri(uri)
    monkeypatch.setattr(mlflow.tracking.fluent, "_active_experiment_id", None)
    yield tmp_path
    while mlflow.active_run():
        mlflow.end_run()


def test_curate_deployment_run_triggered_through_the_client_completes(isolated, prefect_harness):
    config = isolated / "tiny.toml"
    config.write_text(
        f'[curate]\nsources = ["{DATA / "tiny.smi"}"]\nn_jobs = 1\n'
        '[tracking]\nexperiment = "deployment-test"\n'
    )
    (deployment,) = load_deployments(PREFECT_FILE, ["curate"])
    deployment.parameters = {"config_file": str(config), "out_dir": str(isolated / "curated")}

    async def trigger_and_run():
        runner = Runner(name="molgen-test", query_seconds=1)
        await runner.add_deployment(deployment)
        created = await run_deployment(f"{deployment.flow_name}/curate", timeout=0)
        assert created.state.is_scheduled()
        await runner.start(run_once=True)  # executes the scheduled run in a subprocess
        async with get_client() as client:
            return await client.read_flow_run(created.id)

    run = asyncio.run(trigger_and_run())
    assert run.state.is_completed(), run.state
    assert run.parameters["config_file"] == str(config)
    summary = json.loads((isolated / "curated" / "summary.json").read_text())
    assert summary["input"] == summary["kept"] + summary["rejected"] > 0
    runs = MlflowClient().search_runs(
        [mlflow.get_experiment_by_name("deployment-test").experiment_id]
    )
    assert [r.data.tags["molgen.stage"] for r in runs] == ["curate"]


def test_champion_flow_uses_the_model_the_alias_points_at(isolated, prefect_harness):
    config = tiny_config()
    config.tracking.experiment = "champion-test"
    config.store.url = str(isolated / "store.db")
    config.evaluate.plots = False
    config.train.max_epochs, config.train.lr = 12, 1e-2  # enough for some valid samples
    config.sample.temperature = 0.5
    data, model_dir = isolated / "data", isolated / "model"
    curate_flow(config, str(data))
    trained = train_flow(config, str(data), str(model_dir))
    client = MlflowClient()
    version = mlflow.register_model(trained["logged_model_uri"], "char_rnn")  # the pyfunc model
    client.set_registered_model_alias("char_rnn", "champion", version.version)
    config_file = write_toml(config.model_dump(mode="json"), isolated / "champion.toml")

    summary = champion_flow(
        str(config_file), "models:/char_rnn@champion", str(data), str(isolated / "runs")
    )

    assert summary["model_uri"] == f"models:/char_rnn/{version.version}"
    family = summary["families"]["char_rnn"]
    assert family["model"] == "char_rnn"
    scores = pd.read_parquet(family["outputs"]["scores"])
    assert len(scores) == config.sample.n
    evaluation = json.loads(Path(family["outputs"]["evaluation"]).read_text())
    assert 0 <= evaluation["valid"] <= 1
    out = Path(family["outputs"]["scores"]).parents[1]
    assert out.name.startswith("champion-") and (out / "summary.json").is_file()
    run = mlflow.get_run(summary["mlflow_run_id"])
    assert run.data.tags["molgen.model_version_uri"] == summary["model_uri"]
    engine = open_store(config.store.url)
    try:
        stats = store_stats(engine)
    finally:
        engine.dispose()
    stored = summary["store"]["families"]["char_rnn"]
    assert stored["rows_read"] == config.sample.n
    assert stats.candidates == stored["candidates_inserted"] > 0
    assert summary["store"]["provenance"]["char_rnn"]["checkpoint"] == summary["model_uri"]
    run, (imported,) = read_run_dir(out)  # `molgen store import` reads the run folder
    assert run.run_key == summary["mlflow_run_id"]
    assert (imported.label, imported.checkpoint) == ("char_rnn", summary["model_uri"])
