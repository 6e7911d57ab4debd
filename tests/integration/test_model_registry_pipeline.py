"""The pipeline registers its model and moves the champion alias; ``molgen sample`` draws
from ``models:/<family>@champion``; an unreachable tracking server fails a run at once.
Real Prefect test harness, real MLflow store and registry in a temp dir."""

from __future__ import annotations

import json
import socket
import time

import mlflow
import pandas as pd
import pytest
from mlflow.tracking import MlflowClient

from flows.pipeline import pipeline
from molgen.cli.main import main
from molgen.evaluation.config import EvaluateConfig
from molgen.model_registry.config import RegistryConfig
from molgen.model_registry.resolve import load_generator_from_uri
from tests.pipeline_configs import DATA, tiny_config

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def _restore_tracking_uri():
    """The fail-fast tests point MLflow at a dead server; later tests get the store back."""
    previous = mlflow.get_tracking_uri()
    yield
    mlflow.set_tracking_uri(previous)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_pipeline_registers_a_champion_and_sample_uses_it(workdir, prefect_harness, capsys):
    config = tiny_config(
        evaluate=EvaluateConfig(enabled=False),
        registry=RegistryConfig(enabled=True, metric="validity"),
    )
    out = workdir / "run"
    first = pipeline(config, str(out))
    registered = first["registry"]["char_rnn"]
    validity = first["metrics"]["char_rnn"]["validity"]
    assert registered["version"] == registered["champion"] == 1 and registered["promoted"]
    assert registered["value"] == pytest.approx(validity)
    on_disk = json.loads((out / "summary.json").read_text())
    assert on_disk["registry"]["char_rnn"]["model_uri"] == "models:/char_rnn/1"

    client = MlflowClient()
    champion = client.get_model_version_by_alias("char_rnn", "champion")
    train_run = first["families"]["char_rnn"]["train"]["mlflow_run_id"]
    assert champion.run_id == train_run
    assert float(champion.tags["metric.validity"]) == pytest.approx(validity)
    assert champion.tags["molgen.pipeline_run_id"] == first["mlflow_run_id"]

    # A re-run (every stage cached: the same model, the same validity) adds version 2, which
    # does not beat the champion, so the alias stays on version 1.
    second = pipeline(config, str(out))
    assert second["registry"]["char_rnn"] | {"value": None} == {
        "name": "char_rnn",
        "version": 2,
        "model_uri": "models:/char_rnn/2",
        "metric": "validity",
        "value": None,
        "alias": "champion",
        "promoted": False,
        "champion": 1,
        "previous": {"version": 1, "value": registered["value"]},
    }
    assert str(client.get_model_version_by_alias("char_rnn", "champion").version) == "1"

    # The library and the CLI load the champion by its URI.
    generator = load_generator_from_uri("models:/char_rnn@champion", device="cpu")
    assert generator.config.hidden_size == config.model.hidden_size
    capsys.readouterr()
    samples = workdir / "champion.parquet"
    argv = ["sample", "--model", "models:/char_rnn@champion", "-n", "7", "--out", str(samples)]
    assert main(argv) == 0
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["n"] == 7 and len(pd.read_parquet(samples)) == 7

    # A missing alias is one line, before any flow runs.
    argv[2] = "models:/char_rnn@nope"
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("molgen sample: error: models:/char_rnn@nope: cannot fetch model")
    assert "Traceback" not in "\n".join(err)


def test_unreachable_tracking_server_fails_the_cli_before_curation(workdir, capsys):
    uri = f"http://127.0.0.1:{_closed_port()}"
    toml = workdir / "c.toml"
    toml.write_text(
        f'[curate]\nsources = ["{DATA / "moses_300.csv"}"]\n\n'
        f'[tracking]\ntracking_uri = "{uri}"\ntimeout = 2\n'
    )
    started = time.perf_counter()
    code = main(["run", "--config", str(toml), "--out", str(workdir / "run")])
    assert code == 2 and time.perf_counter() - started < 10
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert err[0].startswith(f"molgen run: error: MLflow tracking server {uri} is unreachable (")
    assert "Connection refused" in err[0] and err[0].endswith("to a running one")
    assert not (workdir / "run").exists()


def test_unreachable_tracking_server_fails_the_flow_before_curation(workdir, prefect_harness):
    """The same check inside the flow, for runs that do not start from the CLI (deployments)."""
    config = tiny_config()
    config.tracking.tracking_uri = f"http://127.0.0.1:{_closed_port()}"
    config.tracking.timeout = 2
    state = pipeline(config, str(workdir / "run"), return_state=True)
    assert state.is_failed()
    assert "is unreachable" in str(state.message)
    assert not (workdir / "run").exists() and not (workdir / "cache").exists()


def test_a_store_mlflow_refuses_fails_the_cli_in_one_line(workdir, capsys, monkeypatch):
    """MLflow 3 refuses plain file stores (and so their registry): said in one line, at once."""
    monkeypatch.delenv("MLFLOW_ALLOW_FILE_STORE", raising=False)
    toml = workdir / "c.toml"
    toml.write_text(
        f'[curate]\nsources = ["{DATA / "moses_300.csv"}"]\n\n'
        f'[tracking]\ntracking_uri = "file://{workdir / "mlruns"}"\n\n'
        "[registry]\nenabled = true\n"
    )
    code = main(["run", "--config", str(toml), "--out", str(workdir / "run")])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1, err
    assert err[0].startswith(f"molgen run: error: MLflow tracking store file://{workdir}")
    assert not (workdir / "run").exists()
