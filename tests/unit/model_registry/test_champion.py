"""Registering a family's model and moving the champion alias only to a better version,
against a real MLflow store and registry."""

from __future__ import annotations

import math
from pathlib import Path

import mlflow
import pytest
from mlflow.tracking import MlflowClient

from molgen.model_registry.champion import beats, check_registry, metric_tag, register_model_version
from molgen.model_registry.config import RegistryConfig
from molgen.model_registry.pyfunc import log_generator_model
from molgen.tracking import configure_tracking, resolve_model_path
from molgen.utils.errors import MolgenError


def test_beats():
    assert beats(1.0, None, "min") and beats(1.0, math.nan, "max")
    assert beats(1.0, 2.0, "min") and not beats(2.0, 1.0, "min")
    assert beats(2.0, 1.0, "max") and not beats(1.0, 1.0, "max")  # a tie keeps the champion
    assert not beats(None, None, "min") and not beats(math.nan, 2.0, "min")


def test_metric_tag_is_a_valid_mlflow_key():
    assert metric_tag("FCD/Test") == "metric.FCD/Test"
    assert metric_tag("unique@1000") == "metric.unique_at_1000"


@pytest.fixture(scope="module")
def model_uris(mlflow_store: Path, tiny_checkpoint: Path) -> list[str]:
    """Four logged models (four training runs of the same tiny checkpoint)."""
    configure_tracking(None, "champion")
    uris = []
    for _ in range(4):
        with mlflow.start_run():
            uris.append(log_generator_model(tiny_checkpoint).model_uri)
    return uris


def test_alias_moves_only_to_a_better_model(model_uris, tiny_checkpoint):
    config = RegistryConfig(enabled=True, metric="FCD/Test")  # lower is better
    client = MlflowClient()
    check_registry()

    first = register_model_version(
        model_uris[0], "tiny", {"FCD/Test": 2.0, "validity": 0.5}, config, {"molgen.out": "a"}
    )
    assert first["promoted"] and first["previous"] is None
    assert first["version"] == first["champion"] == 1
    assert first["model_uri"] == "models:/tiny/1"

    worse = register_model_version(model_uris[1], "tiny", {"FCD/Test": 3.0}, config)
    assert (worse["version"], worse["promoted"], worse["champion"]) == (2, False, 1)
    assert worse["previous"] == {"version": 1, "value": 2.0}

    better = register_model_version(
        model_uris[2], "tiny", {"FCD/Test": 1.5, "unique@1000": 1.0}, config
    )
    assert (better["version"], better["promoted"], better["champion"]) == (3, True, 3)
    undefined = register_model_version(model_uris[3], "tiny", {"FCD/Test": None}, config)
    assert not undefined["promoted"] and undefined["champion"] == 3

    champion = client.get_model_version_by_alias("tiny", "champion")
    assert str(champion.version) == "3"
    assert champion.tags[metric_tag("FCD/Test")] == "1.5"
    assert champion.tags["metric.unique_at_1000"] == "1.0"
    assert champion.tags["molgen.promoted"] == "True"
    assert client.get_model_version("tiny", "1").tags["molgen.out"] == "a"
    assert client.get_model_version("tiny", "2").tags["molgen.promoted"] == "False"
    # The champion URI resolves to the checkpoint the model was logged from.
    path = resolve_model_path("models:/tiny@champion")
    assert path.read_bytes() == tiny_checkpoint.read_bytes()


def test_higher_is_better_metrics_and_another_alias(model_uris):
    config = RegistryConfig(enabled=True, metric="validity", alias="best_validity")
    low = register_model_version(model_uris[0], "tiny_max", {"validity": 0.4}, config)
    high = register_model_version(model_uris[1], "tiny_max", {"validity": 0.6}, config)
    lower = register_model_version(model_uris[2], "tiny_max", {"validity": 0.5}, config)
    assert [low["promoted"], high["promoted"], lower["promoted"]] == [True, True, False]
    assert MlflowClient().get_registered_model("tiny_max").aliases == {"best_validity": 2}


def test_a_store_without_a_usable_registry_fails_in_one_line(mlflow_store, tmp_path):
    previous = mlflow.get_registry_uri()
    mlflow.set_registry_uri(f"file://{tmp_path / 'registry'}")
    try:
        with pytest.raises(MolgenError, match=r"model registry file://.* is not usable") as err:
            check_registry()
    finally:
        mlflow.set_registry_uri(previous)
    assert "\n" not in str(err.value) and "[registry] enabled = false" in str(err.value)
