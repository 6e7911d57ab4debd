"""Typed configuration of the sample stage."""

from __future__ import annotations

from pydantic import Field

from molgen.utils.config import StrictModel

__all__ = ["SampleConfig"]


class SampleConfig(StrictModel):
    """How many molecules to draw, and how."""

    n: int = Field(default=10_000, ge=1)
    temperature: float = Field(default=1.0, gt=0)
    max_length: int = Field(default=120, ge=1, description="Maximum tokens per molecule.")
    batch_size: int = Field(default=1024, ge=1)
    seed: int = 0
    device: str = "auto"
