"""Descriptor components: one RDKit property per molecule, no parameters.

The properties scoring has always computed use the same RDKit calls as
:mod:`molgen.chem.properties` (MW, logP, TPSA, HBD and rotatable bonds from
``QED.properties``, computed once per molecule and shared), so their raw values equal the
``mw``, ``logp``, ... columns of a scored table.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

import numpy as np
from rdkit import Chem
from rdkit.Chem import QED, rdMolDescriptors

from molgen.chem.properties import lipinski_violations
from molgen.chem.sascore import sa_score
from molgen.scoring.components.base import ComponentContext, NoParams, register_component
from molgen.scoring.components.batch import MolBatch

__all__ = ["DESCRIPTORS", "DescriptorComponent", "descriptor"]


def _qed_inputs(batch: MolBatch) -> list[QED.QEDproperties | None]:
    return batch.derived("qed_properties", QED.properties)


def _from_qed_inputs(field: str) -> Callable[[MolBatch], np.ndarray]:
    def compute(batch: MolBatch) -> np.ndarray:
        props = _qed_inputs(batch)
        return np.array([np.nan if p is None else float(getattr(p, field)) for p in props])

    return compute


def _per_mol(key: str, fn: Callable[[Chem.Mol], float | int | None]) -> Callable:
    return lambda batch: batch.values(key, fn)


def _qed(batch: MolBatch) -> np.ndarray:
    out = np.full(len(batch), np.nan)
    for i, (mol, props) in enumerate(zip(batch.mols, _qed_inputs(batch), strict=True)):
        if props is not None:
            out[i] = QED.qed(mol, qedProperties=props)
    return out


def descriptor(batch: MolBatch, key: str) -> np.ndarray:
    """Descriptor ``key`` of every molecule of ``batch``, computed once per batch."""
    return batch.column(key, DESCRIPTORS[key])


def _lipinski(batch: MolBatch) -> np.ndarray:
    mw, logp = descriptor(batch, "mw"), descriptor(batch, "logp")
    hbd, hba = descriptor(batch, "hbd"), descriptor(batch, "hba")
    out = np.array([lipinski_violations(*v) for v in zip(mw, logp, hbd, hba, strict=True)], float)
    return np.where(np.isnan(mw) | np.isnan(hba), np.nan, out)


def _largest_ring(mol: Chem.Mol) -> int:
    return max((len(ring) for ring in mol.GetRingInfo().AtomRings()), default=0)


def _stereocentres(mol: Chem.Mol) -> int:
    centres = Chem.FindMolChiralCenters(mol, includeUnassigned=True, useLegacyImplementation=False)
    return len(centres)


DESCRIPTORS: dict[str, Callable[[MolBatch], np.ndarray]] = {
    "mw": _from_qed_inputs("MW"),
    "logp": _from_qed_inputs("ALOGP"),
    "tpsa": _from_qed_inputs("PSA"),
    "hbd": _from_qed_inputs("HBD"),
    "hba": _per_mol("hba", rdMolDescriptors.CalcNumHBA),
    "rotb": _from_qed_inputs("ROTB"),
    "rings": _per_mol("rings", rdMolDescriptors.CalcNumRings),
    "qed": _qed,
    "sa": _per_mol("sa", sa_score),
    "lipinski_violations": _lipinski,
    "heavy_atoms": _per_mol("heavy_atoms", lambda mol: mol.GetNumHeavyAtoms()),
    "fraction_csp3": _per_mol("fraction_csp3", rdMolDescriptors.CalcFractionCSP3),
    "aromatic_rings": _per_mol("aromatic_rings", rdMolDescriptors.CalcNumAromaticRings),
    "formal_charge": _per_mol("formal_charge", Chem.GetFormalCharge),
    "largest_ring": _per_mol("largest_ring", _largest_ring),
    "stereocentres": _per_mol("stereocentres", _stereocentres),
}
"""How each descriptor is computed from a batch (the key is also its component type)."""


class DescriptorComponent:
    """One RDKit descriptor per molecule (see :data:`DESCRIPTORS`)."""

    local: ClassVar[bool] = False
    key: ClassVar[str]

    def __init__(self, name: str, params: NoParams, context: ComponentContext) -> None:
        self.name = name

    def __call__(self, batch: MolBatch) -> np.ndarray:
        """The descriptor of each molecule; values already known to the batch are reused."""
        return descriptor(batch, self.key)


def _register(key: str, summary: str) -> None:
    cls = type(f"{key.title().replace('_', '')}Component", (DescriptorComponent,),
               {"key": key, "__doc__": summary})  # fmt: skip
    register_component(key)(cls)


for _key, _summary in (
    ("mw", "Molecular weight (Descriptors.MolWt), Da."),
    ("logp", "Crippen cLogP."),
    ("tpsa", "Topological polar surface area, Å²."),
    ("hbd", "Hydrogen-bond donors (Lipinski NumHDonors)."),
    ("hba", "Hydrogen-bond acceptors (Lipinski NumHAcceptors)."),
    ("rotb", "Rotatable bonds (strict definition, as QED)."),
    ("rings", "Number of rings (SSSR)."),
    ("qed", "QED drug-likeness, 0..1."),
    ("sa", "Synthetic accessibility (Ertl), 1 easy .. 10 hard."),
    ("lipinski_violations", "Rule-of-five violations, 0..4."),
    ("heavy_atoms", "Number of heavy (non-hydrogen) atoms."),
    ("fraction_csp3", "Fraction of sp3 carbons, 0..1."),
    ("aromatic_rings", "Number of aromatic rings."),
    ("formal_charge", "Net formal charge."),
    ("largest_ring", "Size of the largest ring (0 without rings)."),
    ("stereocentres", "Number of stereocentres, assigned or not."),
):
    _register(_key, _summary)
