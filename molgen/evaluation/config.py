"""Typed configuration of the evaluate stage (MOSES/GuacaMol metrics, plots, report)."""

from __future__ import annotations

from pydantic import Field

from molgen.utils.config import StrictModel

__all__ = ["EvaluateConfig"]


class EvaluateConfig(StrictModel):
    """The ``[evaluate]`` section of a pipeline config."""

    enabled: bool = Field(
        default=True, description="Evaluate each family's samples after scoring them."
    )
    device: str = Field(
        default="auto",
        pattern=r"^(auto|cpu|cuda(:\d+)?|mps)$",
        description="Torch device of ChemNet (FCD): auto, cpu, cuda or cuda:N.",
    )
    plots: bool = Field(
        default=True,
        description="Log property distributions, the top novel molecules and training curves.",
    )
    max_plot_molecules: int = Field(
        default=2000, ge=10, description="Molecules per set drawn in the property plots."
    )
    grid_molecules: int = Field(
        default=24, ge=1, le=200, description="Top-scoring novel molecules in the grid."
    )
    report: bool = Field(
        default=True, description="Write OUT/report.html at the end of the pipeline."
    )
