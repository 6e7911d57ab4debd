"""Transforms: map a component's raw values to desirabilities in [0, 1].

Every transform is a strict pydantic model with a ``kind`` discriminator, so a TOML table
``transform = {kind = "sigmoid", center = 0.5, k = 10}`` validates to exactly one of them.
With the logistic function ``s(z) = 1 / (1 + exp(-z))``:

- ``sigmoid``: ``s(k (x - center))``, rising through 0.5 at ``center``.
- ``reverse_sigmoid``: ``s(k (center - x))``, falling through 0.5 at ``center``.
- ``double_sigmoid``: ``s(k (x - low)) * s(k (high - x))``, near 1 inside ``[low, high]``.
- ``step``: 1 where ``low <= x <= high``, else 0. Give ``high`` only for a left step (1 at
  and below ``high``), ``low`` only for a right step (1 at and above ``low``), or both.
- ``gaussian``: ``exp(-(x - center)^2 / (2 sigma^2))``, 1 at ``center``; with
  ``flat = "below"`` (or ``"above"``) every value below (above) ``center`` also gets 1, as in
  GuacaMol's MinGaussian (MaxGaussian) modifier.
- ``linear``: 0 at ``low``, 1 at ``high``, straight between and clipped outside (falling
  when ``low > high``), as GuacaMol's ClippedScoreModifier.
- ``value_mapping``: a categorical table ``{raw value: desirability}``; values not listed
  get ``default``.
- ``none``: the raw value itself, clipped to [0, 1] (for raw values that already are
  desirabilities, such as QED or a similarity).

A NaN raw value (invalid molecule, failed computation) always has desirability 0.
"""

from __future__ import annotations

from typing import Annotated, Literal

import numpy as np
from pydantic import Field, field_validator, model_validator

from molgen.utils.config import StrictModel

__all__ = [
    "DoubleSigmoid",
    "Gaussian",
    "Identity",
    "Linear",
    "ReverseSigmoid",
    "Sigmoid",
    "Step",
    "Transform",
    "ValueMapping",
    "desirability",
    "logistic",
]


def logistic(z: np.ndarray) -> np.ndarray:
    """``1 / (1 + exp(-z))`` elementwise; exactly 0 or 1 where exp over- or underflows."""
    with np.errstate(over="ignore", under="ignore"):
        return 1.0 / (1.0 + np.exp(-z))


class Sigmoid(StrictModel):
    """Rising logistic: ``s(k (x - center))``; 0.5 at ``center``."""

    kind: Literal["sigmoid"] = "sigmoid"
    center: float
    k: float = Field(default=1.0, gt=0, description="Steepness (per raw-value unit).")

    def apply(self, x: np.ndarray) -> np.ndarray:
        """Desirabilities of raw values ``x`` (NaN stays NaN)."""
        return logistic(self.k * (x - self.center))


class ReverseSigmoid(StrictModel):
    """Falling logistic: ``s(k (center - x))``; 0.5 at ``center``."""

    kind: Literal["reverse_sigmoid"] = "reverse_sigmoid"
    center: float
    k: float = Field(default=1.0, gt=0)

    def apply(self, x: np.ndarray) -> np.ndarray:
        """Desirabilities of raw values ``x`` (NaN stays NaN)."""
        return logistic(self.k * (self.center - x))


class DoubleSigmoid(StrictModel):
    """``s(k (x - low)) * s(k (high - x))``: near 1 well inside ``[low, high]``."""

    kind: Literal["double_sigmoid"] = "double_sigmoid"
    low: float
    high: float
    k: float = Field(default=1.0, gt=0)

    @model_validator(mode="after")
    def _ordered(self) -> DoubleSigmoid:
        if self.low > self.high:
            raise ValueError("low must not exceed high")
        return self

    def apply(self, x: np.ndarray) -> np.ndarray:
        """Desirabilities of raw values ``x`` (NaN stays NaN)."""
        return logistic(self.k * (x - self.low)) * logistic(self.k * (self.high - x))


class Step(StrictModel):
    """1 where ``low <= x <= high`` (a missing bound is no constraint), else 0."""

    kind: Literal["step"] = "step"
    low: float | None = None
    high: float | None = None

    @model_validator(mode="after")
    def _bounds(self) -> Step:
        if self.low is None and self.high is None:
            raise ValueError("a step needs low, high or both")
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValueError("low must not exceed high")
        return self

    def apply(self, x: np.ndarray) -> np.ndarray:
        """Desirabilities of raw values ``x`` (NaN gives 0)."""
        inside = np.ones(x.shape, dtype=bool)
        if self.low is not None:
            inside &= x >= self.low
        if self.high is not None:
            inside &= x <= self.high
        return inside.astype(float)


class Gaussian(StrictModel):
    """``exp(-(x - center)^2 / (2 sigma^2))``; 1 at ``center`` (and on the ``flat`` side)."""

    kind: Literal["gaussian"] = "gaussian"
    center: float
    sigma: float = Field(gt=0)
    flat: Literal["none", "below", "above"] = Field(
        default="none", description="A side of center where every value gets 1."
    )

    def apply(self, x: np.ndarray) -> np.ndarray:
        """Desirabilities of raw values ``x`` (NaN stays NaN)."""
        d = np.exp(-0.5 * ((x - self.center) / self.sigma) ** 2)
        if self.flat == "below":
            d = np.where(x < self.center, 1.0, d)
        elif self.flat == "above":
            d = np.where(x > self.center, 1.0, d)
        return d


class Linear(StrictModel):
    """0 at ``low``, 1 at ``high``, linear between, clipped to [0, 1] outside."""

    kind: Literal["linear"] = "linear"
    low: float
    high: float

    @model_validator(mode="after")
    def _distinct(self) -> Linear:
        if self.low == self.high:
            raise ValueError("low and high must differ")
        return self

    def apply(self, x: np.ndarray) -> np.ndarray:
        """Desirabilities of raw values ``x`` (NaN stays NaN)."""
        return np.clip((x - self.low) / (self.high - self.low), 0.0, 1.0)


class ValueMapping(StrictModel):
    """Categorical: each listed raw value has its own desirability, others ``default``.

    TOML keys are strings, so ``mapping = {"0" = 1.0, "1" = 0.5}`` maps raw 0 to 1.0 and
    raw 1 to 0.5; keys must read as numbers.
    """

    kind: Literal["value_mapping"] = "value_mapping"
    mapping: dict[str, Annotated[float, Field(ge=0, le=1)]] = Field(min_length=1)
    default: float = Field(default=0.0, ge=0, le=1)

    @field_validator("mapping")
    @classmethod
    def _numeric_keys(cls, mapping: dict[str, float]) -> dict[str, float]:
        for key in mapping:
            try:
                float(key)
            except ValueError:
                raise ValueError(f"value_mapping key {key!r} is not a number") from None
        return mapping

    def apply(self, x: np.ndarray) -> np.ndarray:
        """Desirabilities of raw values ``x`` (NaN gives ``default``, then 0 overall)."""
        d = np.full(x.shape, self.default, dtype=float)
        for key, value in self.mapping.items():
            d[x == float(key)] = value
        return d


class Identity(StrictModel):
    """The raw value as the desirability, clipped to [0, 1]."""

    kind: Literal["none"] = "none"

    def apply(self, x: np.ndarray) -> np.ndarray:
        """Raw values clipped to [0, 1] (NaN stays NaN)."""
        return np.clip(x, 0.0, 1.0)


Transform = Annotated[
    Sigmoid | ReverseSigmoid | DoubleSigmoid | Step | Gaussian | Linear | ValueMapping | Identity,
    Field(discriminator="kind"),
]
"""Any transform, chosen by its ``kind``."""


def desirability(values: np.ndarray, transform: Transform) -> np.ndarray:
    """Map raw values to desirabilities in [0, 1], elementwise; NaN gives 0.

    Args:
        values: raw values; booleans count as 0/1.
        transform: the transform and its parameters.

    Returns:
        A float array of the same shape as ``values``.
    """
    x = np.asarray(values, dtype=float)
    return np.where(np.isnan(x), 0.0, transform.apply(x))
