"""Typed configuration of the score stage: the objective and the parallelism."""

from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator, model_validator

from molgen.scoring.objective_config import ObjectiveConfig, default_objective, resolve_objective
from molgen.utils.config import StrictModel

__all__ = ["ScoreConfig"]

MIGRATION = (
    "[[score.components]] was replaced by objectives: write the components as an objective "
    "file (see configs/objectives/default.toml and README, 'Objectives') and set "
    '[score] objective = "path/to/objective.toml"'
)


class ScoreConfig(StrictModel):
    """The score stage: which objective gives the ``score`` column, and how to parallelise.

    ``objective`` accepts a built-in name (``"default"``), the path of an objective TOML
    file (loaded and validated when the config is), or the objective's fields inline.
    """

    objective: ObjectiveConfig = Field(default_factory=default_objective)
    chunk_size: int = Field(default=2_000, ge=1)
    n_jobs: int = Field(default=0, description="Worker processes; 0 = all cores.")

    @model_validator(mode="before")
    @classmethod
    def _no_components(cls, data: Any) -> Any:
        if isinstance(data, dict) and "components" in data:
            raise ValueError(MIGRATION)
        return data

    @field_validator("objective", mode="before")
    @classmethod
    def _resolve(cls, value: Any) -> Any:
        return resolve_objective(value) if isinstance(value, str) else value
