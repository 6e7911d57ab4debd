"""The whole pipeline's typed config, loaded from TOML.

The same object is the Prefect flow parameter and is logged to MLflow as params.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import Field, SerializeAsAny, field_validator, model_validator

from molgen.data.config import CurateConfig
from molgen.design.config import DesignConfig
from molgen.evaluation.config import EvaluateConfig
from molgen.model_registry.config import EVALUATION_METRICS, RegistryConfig
from molgen.models.base import ModelConfig
from molgen.models.families import autoregressive_families, family_config_class
from molgen.predictors.config import PredictorStageConfig
from molgen.sampling.config import SampleConfig
from molgen.scoring.config import ScoreConfig
from molgen.store.config import StoreConfig
from molgen.training.config import TrainConfig
from molgen.training.time_budget import TimeBudgetConfig
from molgen.utils.config import StrictModel, load_toml
from molgen.utils.scaleout import DaskConfig

__all__ = [
    "DaskConfig",
    "DesignConfig",
    "EvaluateConfig",
    "FamilyConfig",
    "PipelineConfig",
    "PredictorStageConfig",
    "RegistryConfig",
    "StoreConfig",
    "TimeBudgetConfig",
    "TrackingConfig",
    "load_pipeline_config",
    "model_by_name",
]

_LABEL = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"


class TrackingConfig(StrictModel):
    """Where MLflow records runs."""

    experiment: str = "molgen"
    tracking_uri: str | None = Field(
        default=None,
        description="MLflow tracking URI; None uses MLFLOW_TRACKING_URI or the local "
        "store (sqlite:///mlflow.db in the working directory).",
    )
    timeout: float = Field(
        default=5.0,
        gt=0,
        description="Seconds an http(s) tracking server has to answer before a run fails.",
    )


def model_by_name(value: Any) -> Any:
    """Validate a model section with the config class its ``name`` selects."""
    if isinstance(value, dict):
        name = value.get("name", "char_rnn")
        return family_config_class(str(name)).model_validate({**value, "name": name})
    return value


def _as_dict(value: Any) -> dict[str, Any]:
    if isinstance(value, StrictModel):
        return value.model_dump(mode="json")
    return dict(value) if isinstance(value, dict) else {}


class FamilyConfig(StrictModel):
    """One model family of a pipeline: what it is, and how it is trained and sampled.

    In TOML a ``[[families]]`` entry gives ``[families.model]`` and, optionally,
    ``[families.train]`` and ``[families.sample]``: those hold only the keys that differ from
    the pipeline's top-level ``[train]`` and ``[sample]`` sections, which every family
    starts from.
    """

    label: str = Field(
        default="",
        pattern=rf"{_LABEL}|^$",
        description="Name of the family's run and output folder; defaults to model.name.",
    )
    model: SerializeAsAny[ModelConfig]
    train: TrainConfig = Field(default_factory=TrainConfig)
    sample: SampleConfig = Field(default_factory=SampleConfig)

    @field_validator("model", mode="before")
    @classmethod
    def _model_by_name(cls, value: Any) -> Any:
        return model_by_name(value)

    @model_validator(mode="after")
    def _default_label(self) -> FamilyConfig:
        if not self.label:
            self.label = self.model.name
        return self


class PipelineConfig(StrictModel):
    """Every stage's settings. Each section has working defaults.

    ``model`` names one family. To train several in one run, list them under ``families``
    instead; each is trained, sampled and scored in its own nested MLflow run, so they can be
    compared side by side.
    """

    curate: CurateConfig = Field(default_factory=CurateConfig)
    model: SerializeAsAny[ModelConfig] = Field(
        default_factory=lambda: family_config_class("char_rnn")()
    )
    families: list[FamilyConfig] = Field(
        default_factory=list,
        description="Several families in one pipeline; when given, ``model`` is not used.",
    )
    train: TrainConfig = Field(default_factory=TrainConfig)
    sample: SampleConfig = Field(default_factory=SampleConfig)
    score: ScoreConfig = Field(default_factory=ScoreConfig)
    evaluate: EvaluateConfig = Field(default_factory=EvaluateConfig)
    predictors: list[PredictorStageConfig] = Field(
        default_factory=list,
        description="Property predictors to train (``[[predictors]]``), before design, so "
        "that design objectives can use them.",
    )
    design: DesignConfig | None = Field(
        default=None,
        description="Goal-directed design after training (REINVENT-style learning toward "
        "objectives); without this section the stage does not run.",
    )
    store: StoreConfig = Field(default_factory=StoreConfig)
    tracking: TrackingConfig = Field(default_factory=TrackingConfig)
    registry: RegistryConfig = Field(default_factory=RegistryConfig)
    time_budget: TimeBudgetConfig = Field(
        default_factory=TimeBudgetConfig,
        description="A wall-clock budget for the whole pipeline, met by shortening training.",
    )
    dask: DaskConfig | None = Field(
        default=None,
        description="Run curation and scoring chunk by chunk on a Dask cluster; without "
        "this section they run in one process with local workers.",
    )

    @field_validator("model", mode="before")
    @classmethod
    def _model_by_name(cls, value: Any) -> Any:
        return model_by_name(value)

    @model_validator(mode="before")
    @classmethod
    def _families_start_from_top_level(cls, data: Any) -> Any:
        """Lay each family's ``train``/``sample`` keys over the top-level sections."""
        if not isinstance(data, dict) or not isinstance(data.get("families"), list):
            return data
        base = {key: _as_dict(data.get(key, {})) for key in ("train", "sample")}
        families = []
        for family in data["families"]:
            if isinstance(family, dict):
                family = {
                    **family,
                    **{key: {**base[key], **_as_dict(family.get(key, {}))} for key in base},
                }
            families.append(family)
        return {**data, "families": families}

    @model_validator(mode="after")
    def _labels_are_unique(self) -> PipelineConfig:
        labels = [family.label for family in self.families]
        repeated = sorted({label for label in labels if labels.count(label) > 1})
        if repeated:
            raise ValueError(f"family labels must be unique; repeated: {', '.join(repeated)}")
        return self

    @model_validator(mode="after")
    def _predictor_names_are_unique(self) -> PipelineConfig:
        names = [p.name for p in self.predictors]
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            raise ValueError(f"predictor names must be unique; repeated: {', '.join(repeated)}")
        return self

    @model_validator(mode="after")
    def _registry_metric_is_computed(self) -> PipelineConfig:
        registry = self.registry
        if registry.enabled and registry.metric in EVALUATION_METRICS and not self.evaluate.enabled:
            raise ValueError(
                f"registry.metric {registry.metric!r} comes from the evaluate stage, which is "
                "disabled; enable [evaluate] or pick a headline metric (validity, ...)"
            )
        return self

    @model_validator(mode="after")
    def _design_has_a_prior(self) -> PipelineConfig:
        if self.design is not None and not self.design.prior and self.design_family() is None:
            raise ValueError(
                "[design] needs a prior: name one (prior = PATH or models:/ URI) or train an "
                f"autoregressive family ({', '.join(autoregressive_families())})"
            )
        return self

    def design_family(self) -> FamilyConfig | None:
        """The first family that can be a design prior (autoregressive), if any."""
        qualified = set(autoregressive_families())
        return next((f for f in self.family_configs() if f.model.name in qualified), None)

    def family_configs(self) -> list[FamilyConfig]:
        """The families this pipeline trains: ``families``, or the one ``model``."""
        if self.families:
            return list(self.families)
        return [FamilyConfig(model=self.model, train=self.train, sample=self.sample)]

    def for_family(self, family: FamilyConfig) -> PipelineConfig:
        """A single-family copy of this config, as the stage flows take it."""
        return self.model_copy(
            update={
                "model": family.model,
                "train": family.train,
                "sample": family.sample,
                "families": [],
            }
        )


def load_pipeline_config(path: str | Path | None) -> PipelineConfig:
    """Load a pipeline config from TOML, or the embedded defaults when ``path`` is None."""
    if path is None:
        return PipelineConfig()
    return load_toml(path, PipelineConfig)
