"""Typed settings of a design run (the ``[design]`` section of a pipeline config)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from molgen.scoring.objective_config import ObjectiveConfig, default_objective, resolve_objective
from molgen.utils.config import StrictModel

__all__ = ["DesignConfig", "DesignStageConfig", "DiversityFilterConfig", "ReplayConfig"]


class DesignStageConfig(StrictModel):
    """One stage of staged learning: an objective and when to move on.

    A stage ends after ``max_steps`` steps, or earlier once it has run ``min_steps`` steps
    and a batch's mean score reaches ``max_score``.
    """

    objective: ObjectiveConfig = Field(
        default_factory=default_objective,
        description="A built-in objective's name, an objective TOML file (loaded and "
        "validated with the config), or the objective's fields inline.",
    )
    name: str = Field(
        default="",
        pattern=r"^$|^[A-Za-z0-9][A-Za-z0-9_.-]*$",
        description="Label of the stage; defaults to stage<N>.",
    )
    max_score: float = Field(default=1.0, gt=0, le=1)
    min_steps: int = Field(default=0, ge=0)
    max_steps: int = Field(default=100_000, ge=1)

    @field_validator("objective", mode="before")
    @classmethod
    def _resolve(cls, value: Any) -> Any:
        return resolve_objective(value) if isinstance(value, str) else value

    @model_validator(mode="after")
    def _ordered(self) -> DesignStageConfig:
        if self.min_steps > self.max_steps:
            raise ValueError("min_steps must not exceed max_steps")
        return self


class DiversityFilterConfig(StrictModel):
    """How repeated chemistry is penalised.

    ``scaffold``: molecules scoring at least ``min_score`` fill a bucket per identical
    Bemis–Murcko scaffold; once a bucket holds ``bucket_size``, further members score 0, as
    does any exact repeat of a molecule already generated. ``smiles``: only exact repeats
    score 0. ``none``: no filter.
    """

    kind: Literal["scaffold", "smiles", "none"] = "scaffold"
    bucket_size: int = Field(default=25, ge=1)
    min_score: float = Field(default=0.4, ge=0, le=1)


class ReplayConfig(StrictModel):
    """Experience replay and the sample-efficiency switches that build on it.

    Attributes:
        memory_size: the best molecules kept (unique, by score).
        sample_size: memory molecules added to each batch's loss (0 = no replay).
        randomize: replay a random SMILES of each molecule instead of its canonical one.
        augmented_rounds: Augmented Memory (Guo & Schwaller 2023): extra updates per step on
            the batch and the whole memory, written as new random SMILES (0 = off).
        purge_penalised: drop memory molecules whose scaffold bucket the diversity filter
            has filled, so replay does not pull the agent back to them.
    """

    memory_size: int = Field(default=100, ge=1)
    sample_size: int = Field(default=10, ge=0)
    randomize: bool = False
    augmented_rounds: int = Field(default=0, ge=0, le=10)
    purge_penalised: bool = False


class DesignConfig(StrictModel):
    """A design run: the prior, the stages and the learning settings.

    Defaults follow REINVENT: sigma 128, Adam at 1e-4, batches of 64.
    """

    prior: str = Field(
        default="",
        description="Checkpoint path or models:/ URI of an autoregressive prior; in a "
        "pipeline, empty means the first autoregressive family trained.",
    )
    stages: list[DesignStageConfig] = Field(
        default_factory=lambda: [DesignStageConfig()], min_length=1
    )
    max_oracle_calls: int = Field(
        default=10_000, ge=1, description="Budget in unique valid molecules scored."
    )
    sigma: float = Field(default=128.0, gt=0)
    lr: float = Field(default=1e-4, gt=0)
    batch_size: int = Field(default=64, ge=1)
    temperature: float = Field(default=1.0, gt=0)
    max_length: int = Field(default=120, ge=2)
    diversity_filter: DiversityFilterConfig = Field(default_factory=DiversityFilterConfig)
    replay: ReplayConfig = Field(default_factory=ReplayConfig)
    seed: int = 0
    n_jobs: int = Field(default=1, ge=0, description="Scoring worker processes (0 = all cores).")
    top_n: int = Field(default=100, ge=1, description="Molecules in top.parquet.")
    store_top: int = Field(
        default=1000, ge=0, description="Best molecules per stage written to the store (0 = all)."
    )
    max_idle_steps: int = Field(
        default=100, ge=1, description="Stop after this many steps without a new molecule."
    )
    checkpoint_every: int = Field(default=10, ge=1, description="Steps between resume points.")
    device: str = "auto"
    progress_bar: bool = True

    @model_validator(mode="after")
    def _budget_holds_a_batch(self) -> DesignConfig:
        if self.max_oracle_calls < self.batch_size:
            raise ValueError(
                f"max_oracle_calls ({self.max_oracle_calls}) is below one batch "
                f"(batch_size {self.batch_size})"
            )
        return self

    def stage_names(self) -> list[str]:
        """Each stage's label (``stage1``, ``stage2``, ... where none is given)."""
        return [s.name or f"stage{i}" for i, s in enumerate(self.stages, start=1)]
