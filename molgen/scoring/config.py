"""Typed configuration of the score stage and its desirability function."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from molgen.chem.columns import COMPONENT_PROPERTIES
from molgen.utils.config import StrictModel

__all__ = ["DesirabilityComponent", "ScoreConfig", "Transform"]

NUMERIC_PROPERTIES = COMPONENT_PROPERTIES


class Transform(StrictModel):
    """Maps a raw property value to a desirability in [0, 1].

    With ``s(z) = 1 / (1 + exp(-z))`` (exact formulas in
    :func:`molgen.scoring.desirability.desirability`):

    - ``step``: 1 inside [low, high], else 0 (either bound may be omitted).
    - ``sigmoid``: ``s(k (x - low))`` rising through 0.5 at ``low``, or
      ``s(k (high - x))`` falling through 0.5 at ``high``.
    - ``double_sigmoid``: ``s(k (x - low)) * s(k (high - x))``, ~1 between ``low`` and
      ``high``, falling off on both sides.
    """

    kind: Literal["step", "sigmoid", "double_sigmoid"]
    low: float | None = None
    high: float | None = None
    k: float = Field(default=1.0, gt=0, description="Steepness (per property unit).")

    @model_validator(mode="after")
    def _bounds(self) -> Transform:
        if self.low is None and self.high is None:
            raise ValueError("a transform needs low, high or both")
        if self.kind == "double_sigmoid" and (self.low is None or self.high is None):
            raise ValueError("double_sigmoid needs both low and high")
        if self.kind == "sigmoid" and self.low is not None and self.high is not None:
            raise ValueError("sigmoid takes low (rising) or high (falling), not both")
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValueError("low must not exceed high")
        return self


class DesirabilityComponent(StrictModel):
    """One property's contribution to the composite score."""

    property: Literal[NUMERIC_PROPERTIES]  # type: ignore[valid-type]
    transform: Transform
    weight: float = Field(default=1.0, gt=0)


def _default_components() -> list[DesirabilityComponent]:
    return [
        DesirabilityComponent(property="qed", transform=Transform(kind="sigmoid", low=0.5, k=10)),
        DesirabilityComponent(property="sa", transform=Transform(kind="sigmoid", high=4.0, k=2)),
        DesirabilityComponent(
            property="mw", transform=Transform(kind="double_sigmoid", low=200, high=500, k=0.05)
        ),
        DesirabilityComponent(
            property="logp", transform=Transform(kind="double_sigmoid", low=0, high=5, k=2)
        ),
        DesirabilityComponent(
            property="pains", transform=Transform(kind="step", high=0), weight=0.5
        ),
    ]


class ScoreConfig(StrictModel):
    """The score stage: which composite score, and how to parallelise."""

    components: list[DesirabilityComponent] = Field(
        default_factory=_default_components, min_length=1
    )
    chunk_size: int = Field(default=2_000, ge=1)
    n_jobs: int = Field(default=0, description="Worker processes; 0 = all cores.")
