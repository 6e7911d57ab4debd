"""Shared fixtures: a real Prefect test harness, a real MLflow store in a temp dir, tiny data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import torch

pytest.register_assert_rewrite("tests.skip_policy")
from tests.skip_policy import ALLOWED_SKIP_REASON  # noqa: E402

pytest_plugins = [
    "tests.store_fixtures",  # PostgreSQL with the RDKit cartridge
    "tests.design_fixtures",  # a tiny trained prior for goal-directed design
    "tests.skip_policy",  # only CUDA cases may skip
    "pytester",  # runs inner pytest sessions (tests/test_skip_policy.py)
]

DATA = Path(__file__).parent / "data"

# The Prefect servers the tests start would try to send telemetry (no internet here).
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

DEVICES = [
    "cpu",
    pytest.param(
        "cuda",
        marks=pytest.mark.skipif(not torch.cuda.is_available(), reason=ALLOWED_SKIP_REASON),
    ),
]


@pytest.fixture(params=DEVICES)
def device(request: pytest.FixtureRequest) -> str:
    """Each torch device to test on: CPU always, CUDA when present."""
    return request.param


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """Folder of tiny test inputs."""
    return DATA


@pytest.fixture(scope="session")
def prefect_harness():
    """Run flows against Prefect's real test harness (a temporary database and API)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temp working directory holding the MLflow store and the stage cache."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MOLGEN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{tmp_path / 'mlflow.db'}")
    import mlflow
    import mlflow.tracking.fluent

    mlflow.set_tracking_uri(f"sqlite:///{tmp_path / 'mlflow.db'}")
    # An experiment selected by an earlier test names an id this fresh store does not have.
    monkeypatch.setattr(mlflow.tracking.fluent, "_active_experiment_id", None)
    monkeypatch.delenv("MLFLOW_EXPERIMENT_ID", raising=False)
    yield tmp_path
    while mlflow.active_run():
        mlflow.end_run()
