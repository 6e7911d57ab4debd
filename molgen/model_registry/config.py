"""Typed configuration of model registration (``[registry]`` in a pipeline config)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from molgen.utils.config import StrictModel

__all__ = ["EVALUATION_METRICS", "METRIC_MODES", "RegistryConfig"]

_LOWER_IS_BETTER = ("FCD/Test", "FCD/TestSF", "logP", "SA", "QED", "weight", "best_val_loss")
_HIGHER_IS_BETTER = (
    "valid",
    "unique@1000",
    "unique@10000",
    "SNN/Test",
    "SNN/TestSF",
    "Frag/Test",
    "Frag/TestSF",
    "Scaf/Test",
    "Scaf/TestSF",
    "IntDiv",
    "IntDiv2",
    "Filters",
    "Novelty",
    "kl_score",
    "fcd_score",
    "validity",
    "uniqueness",
    "novelty",
    "mean_score",
    "mean_qed",
)

METRIC_MODES: dict[str, Literal["min", "max"]] = {
    **dict.fromkeys(_LOWER_IS_BETTER, "min"),
    **dict.fromkeys(_HIGHER_IS_BETTER, "max"),
}
"""Which way is better for the metrics a pipeline family reports (MOSES names for the
evaluation's; ``logP``, ``SA``, ``QED`` and ``weight`` are MOSES's distribution distances)."""

EVALUATION_METRICS = frozenset(METRIC_MODES) - {
    "best_val_loss",
    "validity",
    "uniqueness",
    "novelty",
    "mean_score",
    "mean_qed",
}
"""Metrics that only the evaluate stage computes (``molgen.evaluation.evaluate.METRIC_NAMES``)."""


class RegistryConfig(StrictModel):
    """Whether a pipeline registers each family's model in the MLflow Model Registry.

    Each family's model becomes a new version of the registered model named after the
    family's label (``char_rnn``, ...). The ``alias`` moves to the new version only when its
    ``metric`` beats the current holder's (or no version holds the alias yet).
    """

    enabled: bool = Field(default=False, description="Register every family's model.")
    metric: str = Field(
        default="FCD/Test",
        min_length=1,
        description="The family metric that decides the champion: a MOSES/GuacaMol name "
        "from the evaluation (FCD/Test, SNN/Test, ...) or a headline metric (validity, ...).",
    )
    mode: Literal["min", "max"] | None = Field(
        default=None,
        description="Whether lower or higher is better; None uses the metric's known direction.",
    )
    alias: str = Field(
        default="champion",
        pattern=r"^[A-Za-z_][A-Za-z0-9_-]*$",
        description="The alias that marks the best version (models:/<family>@<alias>).",
    )

    @model_validator(mode="after")
    def _known_direction(self) -> RegistryConfig:
        if self.mode is None and self.metric not in METRIC_MODES:
            raise ValueError(
                f"metric {self.metric!r} has no known direction; set mode = 'min' or 'max' "
                f"(known metrics: {', '.join(sorted(METRIC_MODES))})"
            )
        if self.alias == "latest" or (self.alias[:1] == "v" and self.alias[1:].isdigit()):
            raise ValueError(f"alias {self.alias!r} is reserved by MLflow")
        return self

    @property
    def direction(self) -> Literal["min", "max"]:
        """``mode``, or the metric's known direction."""
        return self.mode or METRIC_MODES[self.metric]
