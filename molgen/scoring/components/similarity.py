"""Tanimoto similarity to reference molecules, on any fingerprint of
:mod:`molgen.chem.fingerprints`."""

from __future__ import annotations

from typing import ClassVar, Literal

import numpy as np
from pydantic import Field, field_validator, model_validator

from molgen.chem.fingerprints import FingerprintSpec, bulk_tanimoto, fingerprint
from molgen.chem.mol import mol_from_smiles
from molgen.scoring.components.base import ComponentContext, ComponentParams, register_component
from molgen.scoring.components.batch import MolBatch

__all__ = ["SimilarityComponent", "SimilarityParams"]


class SimilarityParams(ComponentParams):
    """Parameters of ``tanimoto``.

    Attributes:
        smiles: the reference molecules (each must parse).
        fingerprint: a name of :meth:`FingerprintSpec.from_name` (``ECFP4``, ``ECFP6``,
            ``FCFP4``, ``morgan``, ``atom_pair``, ``torsion``, ``rdkit``).
        radius: Morgan radius, overriding the name's (``morgan`` only).
        bits: folded length.
        counts: count fingerprints instead of bits.
        aggregate: ``max`` (nearest reference) or ``mean`` over the references.
    """

    smiles: list[str] = Field(min_length=1)
    fingerprint: str = "ECFP4"
    radius: int | None = Field(default=None, ge=0, le=6)
    bits: int = Field(default=2048, ge=8, le=65_536)
    counts: bool = False
    aggregate: Literal["max", "mean"] = "max"

    @field_validator("smiles")
    @classmethod
    def _parse(cls, smiles: list[str]) -> list[str]:
        for text in smiles:
            mol = mol_from_smiles(text)
            if mol is None or mol.GetNumAtoms() == 0:
                raise ValueError(f"reference SMILES {text!r} does not parse")
        return smiles

    @model_validator(mode="after")
    def _spec(self) -> SimilarityParams:
        self.spec()
        return self

    def spec(self) -> FingerprintSpec:
        """The fingerprint these parameters name.

        Raises:
            ValueError: unknown fingerprint name, or a radius for a non-Morgan one.
        """
        spec = FingerprintSpec.from_name(self.fingerprint, self.bits, self.counts)
        if self.radius is not None:
            if spec.kind != "morgan":
                raise ValueError(f"radius applies to Morgan fingerprints, not {self.fingerprint}")
            spec = spec.model_copy(update={"radius": self.radius})
        return spec


@register_component("tanimoto", SimilarityParams)
class SimilarityComponent:
    """Tanimoto similarity to the nearest reference (``max``) or the mean over them."""

    local: ClassVar[bool] = False

    def __init__(self, name: str, params: SimilarityParams, context: ComponentContext) -> None:
        self.name = name
        self.spec = params.spec()
        self.aggregate = np.max if params.aggregate == "max" else np.mean
        self.references = [fingerprint(mol_from_smiles(s), self.spec) for s in params.smiles]

    def __call__(self, batch: MolBatch) -> np.ndarray:
        """Similarity of each molecule in [0, 1] (NaN where invalid)."""
        out = np.full(len(batch), np.nan)
        for i, fp in enumerate(batch.fingerprints(self.spec)):
            if fp is not None:
                out[i] = self.aggregate(bulk_tanimoto(fp, self.references))
        return out
