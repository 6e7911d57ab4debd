"""Typed configuration of the curate stage."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from molgen.utils.config import StrictModel

__all__ = ["CurateConfig", "FilterConfig", "SplitConfig", "StandardizeConfig"]

DEFAULT_ELEMENTS = ["C", "N", "O", "S", "F", "Cl", "Br", "I", "P", "B", "Si", "Se", "H"]


class StandardizeConfig(StrictModel):
    """How each molecule is standardised with RDKit's rdMolStandardize."""

    cleanup: bool = True
    largest_fragment: bool = True
    neutralize: bool = True
    remove_stereo: bool = False


class FilterConfig(StrictModel):
    """Which standardised molecules are kept."""

    allowed_elements: list[str] = Field(default_factory=lambda: list(DEFAULT_ELEMENTS))
    min_heavy_atoms: int = Field(default=3, ge=1)
    max_heavy_atoms: int = Field(default=70, ge=1)
    min_mw: float = Field(default=0.0, ge=0)
    max_mw: float = Field(default=900.0, gt=0)
    max_abs_formal_charge: int = Field(
        default=0, ge=0, description="Largest allowed |net formal charge| after neutralising."
    )
    max_ring_size: int = Field(
        default=8, ge=3, description="Rings larger than this are macrocycles and rejected."
    )
    reject_pains: bool = False

    @model_validator(mode="after")
    def _ranges(self) -> FilterConfig:
        if self.min_heavy_atoms > self.max_heavy_atoms:
            raise ValueError("min_heavy_atoms must not exceed max_heavy_atoms")
        if self.min_mw > self.max_mw:
            raise ValueError("min_mw must not exceed max_mw")
        return self


class SplitConfig(StrictModel):
    """How a user dataset is split (MOSES keeps its official split)."""

    method: Literal["random", "scaffold"] = "random"
    valid_fraction: float = Field(default=0.1, ge=0, lt=1)
    test_fraction: float = Field(default=0.1, ge=0, lt=1)
    seed: int = 0

    @model_validator(mode="after")
    def _fractions(self) -> SplitConfig:
        if self.valid_fraction + self.test_fraction >= 1:
            raise ValueError("valid_fraction + test_fraction must be below 1")
        return self


class CurateConfig(StrictModel):
    """The curate stage: sources, standardisation, filters, dedup and split."""

    sources: list[str] = Field(
        default_factory=lambda: ["moses"],
        min_length=1,
        description="File paths (.smi, .csv, .tsv, .sdf, .sdf.gz, .parquet) or 'moses'.",
    )
    smiles_column: str = Field(default="smiles", description="SMILES column for CSV/TSV/Parquet.")
    moses_max_train: int | None = Field(
        default=None, ge=1, description="Take a seeded random subset of MOSES train (None = all)."
    )
    moses_max_test: int | None = Field(
        default=None, ge=1, description="Likewise for MOSES test and scaffold test."
    )
    standardize: StandardizeConfig = Field(default_factory=StandardizeConfig)
    filters: FilterConfig = Field(default_factory=FilterConfig)
    split: SplitConfig = Field(default_factory=SplitConfig)
    chunk_size: int = Field(default=20_000, ge=1)
    n_jobs: int = Field(default=0, description="Worker processes; 0 = all cores.")
    summary_sample: int = Field(
        default=50_000,
        ge=0,
        description="The summary's property distributions are described from about this many "
        "kept molecules, 1 in every k chosen by InChIKey, k set from the input's row count "
        "(0 = every molecule). Crippen logP alone costs about a fifth of curation's time.",
    )
