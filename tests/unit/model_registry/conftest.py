"""A tiny trained generator for the registry tests: a few training steps on a handful of
SMILES."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from molgen.models.char_rnn import CharRNNConfig, CharRNNGenerator
from molgen.training.config import TrainConfig
from molgen.training.trainer import Trainer

SMILES = [
    "CCO",
    "CC(=O)O",
    "c1ccccc1O",
    "CC(=O)Nc1ccc(O)cc1",
    "CCN(CC)CC",
    "c1ccncc1",
    "CC(C)O",
    "OC(=O)c1ccccc1",
]


@pytest.fixture(scope="session")
def tiny_checkpoint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``checkpoint.pt`` of a CharRNN trained for a few steps (CPU, seconds)."""
    out = tmp_path_factory.mktemp("tiny_model")
    config = CharRNNConfig(embedding_dim=8, hidden_size=16, num_layers=1)
    generator = CharRNNGenerator.for_training(config, SMILES, device="cpu")
    train = TrainConfig(
        batch_size=4, max_epochs=2, warmup_steps=0, progress_bar=False, device="cpu"
    )
    result = generator.fit(SMILES[:6], SMILES[6:], Trainer(train), out)
    checkpoint = out / "checkpoint.pt"
    checkpoint.write_bytes(Path(result.best_checkpoint).read_bytes())
    return checkpoint


@pytest.fixture(scope="module")
def mlflow_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A real MLflow store (SQLite file and artifacts) in a temp dir, shared by a module's
    tests (creating the database takes seconds)."""
    import mlflow
    import mlflow.tracking.fluent

    root = tmp_path_factory.mktemp("mlflow")
    uri = f"sqlite:///{root / 'mlflow.db'}"
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        patch.setenv("MLFLOW_TRACKING_URI", uri)
        patch.delenv("MLFLOW_EXPERIMENT_ID", raising=False)
        # An experiment selected by an earlier test names an id this fresh store lacks.
        patch.setattr(mlflow.tracking.fluent, "_active_experiment_id", None)
        mlflow.set_tracking_uri(uri)
        yield root
        while mlflow.active_run():
            mlflow.end_run()
