"""A trained generator as an MLflow pyfunc model: logged with a real signature and input
example, loaded back through MLflow, and served by the ``mlflow models predict`` CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import mlflow
import pandas as pd
import pytest
from mlflow.models import Model

import molgen
from molgen.chem.mol import canonical_smiles
from molgen.model_registry.pyfunc import SIGNATURE, log_generator_model, sample_request
from molgen.model_registry.resolve import load_generator_from_uri
from molgen.models.loading import load_generator
from molgen.sampling.config import SampleConfig
from molgen.tracking import configure_tracking, resolve_model_path
from molgen.utils.errors import InputError

SOURCE_ROOT = Path(molgen.__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def logged(mlflow_store: Path, tiny_checkpoint: Path) -> tuple[str, str]:
    """(run id, logged model URI) of the tiny model logged as ``runs:/<id>/model``."""
    configure_tracking(None, "pyfunc")
    with mlflow.start_run() as run:
        info = log_generator_model(tiny_checkpoint, SampleConfig(temperature=0.7, max_length=40))
    return run.info.run_id, info.model_uri


def test_logged_model_has_signature_example_and_checkpoint(logged, tiny_checkpoint):
    run_id, model_uri = logged
    local = Path(mlflow.artifacts.download_artifacts(f"runs:/{run_id}/model"))
    meta = Model.load(str(local / "MLmodel"))
    assert meta.signature == SIGNATURE
    assert meta.metadata["molgen.model_type"] == "char_rnn"
    example = json.loads((local / "serving_input_example.json").read_text())
    assert example["dataframe_split"]["columns"] == ["n", "seed", "temperature"]
    # The artifact is the checkpoint itself, and molgen resolves both URIs to it.
    checkpoint = resolve_model_path(f"runs:/{run_id}/model")
    assert checkpoint.read_bytes() == tiny_checkpoint.read_bytes()
    assert resolve_model_path(model_uri).read_bytes() == tiny_checkpoint.read_bytes()
    # Logged from code: no pickled Python object in the model.
    assert meta.flavors["python_function"]["loader_module"] == "mlflow.pyfunc.loaders.code_model"
    assert not (local / "python_model.pkl").exists()


def test_pyfunc_predict_generates_reproducible_molecules(logged, tiny_checkpoint):
    _, model_uri = logged
    model = mlflow.pyfunc.load_model(model_uri)
    out = model.predict(pd.DataFrame({"n": [6, 3], "seed": [1, 2]}))
    assert list(out.columns) == ["smiles", "valid"] and len(out) == 9
    # The same molecules as the generator itself draws with the logged defaults.
    generator = load_generator(tiny_checkpoint, device="cpu")
    direct = generator.sample(6, 0.7, max_length=40, seed=1)
    expected = [canonical_smiles(s) or s for s in direct]
    assert out["smiles"].tolist()[:6] == expected
    assert out["valid"].tolist()[:6] == [canonical_smiles(s) is not None for s in direct]
    again = model.predict(pd.DataFrame({"n": [6], "seed": [1]}))
    assert again["smiles"].tolist() == expected
    hotter = model.predict(pd.DataFrame({"n": [6], "seed": [1], "temperature": [3.0]}))
    assert hotter["smiles"].tolist() != expected
    assert len(model.predict(pd.DataFrame({"n": [4]}))) == 4  # seed and temperature optional


def test_bad_requests_name_the_row(tiny_checkpoint):
    generator = load_generator(tiny_checkpoint, device="cpu")
    with pytest.raises(InputError, match="input row 2: n must be a positive integer"):
        sample_request(generator, {"n": 0}, SampleConfig(), 2)
    with pytest.raises(InputError, match="temperature must be positive"):
        sample_request(generator, {"n": 2, "temperature": -1.0}, SampleConfig())


def test_load_generator_from_uri(logged, tiny_checkpoint):
    run_id, _ = logged
    generator = load_generator_from_uri(f"runs:/{run_id}/model", device="cpu")
    assert generator.config == load_generator(tiny_checkpoint).config
    assert load_generator_from_uri(str(tiny_checkpoint.parent), device="cpu").config
    with pytest.raises(InputError, match="cannot fetch model from MLflow"):
        load_generator_from_uri("models:/no_such_model@champion")


@pytest.mark.slow
def test_mlflow_models_predict_cli(logged, tmp_path):
    run_id, _ = logged
    request = tmp_path / "input.json"
    request.write_text(json.dumps({"dataframe_records": [{"n": 7, "seed": 3}]}))
    out = tmp_path / "predictions.json"
    mlflow_cli = Path(sys.executable).with_name("mlflow")
    done = subprocess.run(
        [
            str(mlflow_cli),
            "models",
            "predict",
            "-m",
            f"runs:/{run_id}/model",
            "-i",
            str(request),
            "-o",
            str(out),
            "--env-manager",
            "local",
        ],
        env={
            **os.environ,
            "MLFLOW_TRACKING_URI": mlflow.get_tracking_uri(),
            # The subprocess imports the same molgen as this test (the model needs it).
            "PYTHONPATH": os.pathsep.join([str(SOURCE_ROOT), os.environ.get("PYTHONPATH", "")]),
        },
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    predictions = json.loads(out.read_text())["predictions"]
    assert len(predictions) == 7
    assert all(set(row) == {"smiles", "valid"} for row in predictions)
    assert all(isinstance(row["smiles"], str) and row["smiles"] for row in predictions)
