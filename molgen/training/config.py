"""Typed configuration of the shared trainer."""

from __future__ import annotations

import warnings
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from molgen.training.precision import Precision
from molgen.utils.config import StrictModel

__all__ = ["TrainConfig"]

_Beta = Annotated[float, Field(ge=0, lt=1)]


class TrainConfig(StrictModel):
    """Optimisation, budget, early stopping and logging for any model family."""

    batch_size: int = Field(default=128, ge=1)
    lr: float = Field(default=1e-3, gt=0)
    weight_decay: float = Field(default=0.0, ge=0)
    betas: tuple[_Beta, _Beta] = Field(
        default=(0.9, 0.999), description="AdamW's moment decay rates (GANs use lower)."
    )
    lr_schedule: Literal["constant", "cosine"] = Field(
        default="cosine",
        description="cosine: linear warm-up, then cosine decay to lr*min_lr_ratio over the "
        "budget (epochs or minutes, whichever ends first).",
    )
    warmup_steps: int = Field(default=200, ge=0)
    min_lr_ratio: float = Field(default=0.05, ge=0, le=1)
    grad_clip: float | None = Field(
        default=1.0, ge=0, description="Gradient-norm clipping; 0 (or None) turns it off."
    )
    max_epochs: int = Field(default=20, ge=1)
    max_minutes: float | None = Field(default=None, gt=0, description="Wall-clock budget.")
    patience: int = Field(default=3, ge=1, description="Epochs without val improvement.")
    val_max_molecules: int | None = Field(default=20_000, ge=1)
    seed: int = 0
    device: str = Field(default="auto", description="auto (CUDA if present), cpu, cuda, cuda:N")
    precision: Precision = Field(
        default="auto",
        description="Forward-pass precision: auto (bf16 autocast where the device supports "
        "it and it was measured faster for the family, else fp32; fp16 on CUDA without bf16), "
        "bf16 (an error where unsupported) or fp32. Weights, optimiser, losses and "
        "validation stay fp32. See molgen.training.precision.",
    )
    log_every_steps: int = Field(default=50, ge=1)
    progress_bar: bool = True

    @model_validator(mode="before")
    @classmethod
    def _legacy_mixed_precision(cls, data: Any) -> Any:
        """Read the old ``mixed_precision`` switch (true: ``auto``, false: ``fp32``)."""
        if not isinstance(data, dict) or "mixed_precision" not in data:
            return data
        data = dict(data)
        legacy = data.pop("mixed_precision")
        warnings.warn(
            "train.mixed_precision is deprecated; use precision = 'auto' | 'bf16' | 'fp32'",
            DeprecationWarning,
            stacklevel=2,
        )
        data.setdefault("precision", "auto" if legacy else "fp32")
        return data
