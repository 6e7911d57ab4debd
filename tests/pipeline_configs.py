"""Tiny pipeline configs for integration and CLI tests."""

from __future__ import annotations

from pathlib import Path

from molgen.config import PipelineConfig

DATA = Path(__file__).parent / "data"


def tiny_config(**overrides) -> PipelineConfig:
    """A pipeline config that runs end to end in well under a minute on 2 CPU cores."""
    config = PipelineConfig.model_validate(
        {
            "curate": {
                "sources": [str(DATA / "moses_300.csv")],
                "n_jobs": 1,
                "chunk_size": 100,
            },
            "model": {"name": "char_rnn", "embedding_dim": 16, "hidden_size": 48, "num_layers": 1},
            "train": {
                "batch_size": 32,
                "max_epochs": 2,
                "warmup_steps": 2,
                "lr": 3e-3,
                "progress_bar": False,
                "log_every_steps": 2,
            },
            "sample": {"n": 64, "batch_size": 32, "max_length": 80},
            "score": {"n_jobs": 1, "chunk_size": 50},
        }
    )
    for key, value in overrides.items():
        setattr(config, key, value)
    return config
