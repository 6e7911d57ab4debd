"""The whole pipeline's typed config, loaded from TOML.

The same object is the Prefect flow parameter and is logged to MLflow as params.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import Field, SerializeAsAny, field_validator

from molgen.data.config import CurateConfig
from molgen.models.base import ModelConfig
from molgen.models.registry import model_config_class
from molgen.sampling.config import SampleConfig
from molgen.scoring.config import ScoreConfig
from molgen.training.config import TrainConfig
from molgen.utils.config import StrictModel, load_toml

__all__ = ["PipelineConfig", "TrackingConfig", "load_pipeline_config"]


class TrackingConfig(StrictModel):
    """Where MLflow records runs."""

    experiment: str = "molgen"
    tracking_uri: str | None = Field(
        default=None,
        description="MLflow tracking URI; None uses MLFLOW_TRACKING_URI or the local "
        "store (sqlite:///mlflow.db in the working directory).",
    )


class PipelineConfig(StrictModel):
    """Every stage's settings. Each section has working defaults."""

    curate: CurateConfig = Field(default_factory=CurateConfig)
    model: SerializeAsAny[ModelConfig] = Field(
        default_factory=lambda: model_config_class("char_rnn")()
    )
    train: TrainConfig = Field(default_factory=TrainConfig)
    sample: SampleConfig = Field(default_factory=SampleConfig)
    score: ScoreConfig = Field(default_factory=ScoreConfig)
    tracking: TrackingConfig = Field(default_factory=TrackingConfig)

    @field_validator("model", mode="before")
    @classmethod
    def _model_by_name(cls, value: Any) -> Any:
        """Validate the model section with the config class its ``name`` selects."""
        if isinstance(value, ModelConfig):
            return value
        if isinstance(value, dict):
            name = value.get("name", "char_rnn")
            return model_config_class(str(name)).model_validate({**value, "name": name})
        return value


def load_pipeline_config(path: str | Path | None) -> PipelineConfig:
    """Load a pipeline config from TOML, or the embedded defaults when ``path`` is None."""
    if path is None:
        return PipelineConfig()
    return load_toml(path, PipelineConfig)
