"""Molecular fingerprints and Tanimoto similarity: one module for every part of molgen.

A :class:`FingerprintSpec` names a fingerprint completely: its kind (Morgan, atom pairs,
topological torsion, RDKit path), the Morgan radius and feature invariants, the folded
length and whether bits or counts are kept. Named shorthands follow common usage: ``ECFP4``
is Morgan radius 2 with atom invariants, ``ECFP6`` radius 3, ``FCFP4`` radius 2 with
feature invariants. All fingerprints come from RDKit's ``rdFingerprintGenerator``, except
RDKit's pattern fingerprint (:func:`pattern_fingerprint`), the substructure screen.

Packed bytes are RDKit's ``DataStructs.BitVectToBinaryText`` layout: bit ``i`` is bit
``i % 8`` (least significant first) of byte ``i // 8``. It is what PostgreSQL's RDKit
cartridge reads with ``bfp_from_binary_text``. The numpy functions on packed bytes and
packed matrices (Tanimoto of one to many and of blocks of rows, popcounts, the pattern
screen) live in :mod:`molgen.chem.packed` and are re-exported here, so this module is the
one to import. Functions taking a molecule expect a sanitised RDKit molecule; those taking
SMILES return None for SMILES that do not parse.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from typing import Any, Literal

import numpy as np
from pydantic import ConfigDict, Field, model_validator
from rdkit import Chem, DataStructs
from rdkit.Chem import rdFingerprintGenerator
from rdkit.DataStructs import ExplicitBitVect

from molgen.chem.mol import mol_from_smiles
from molgen.chem.packed import (
    UnpackedRows,
    max_tanimoto_rows,
    packed_rows,
    pattern_screen,
    popcount,
    tanimoto_packed,
    tanimoto_rows,
    unpack_bits,
    unpack_rows,
)
from molgen.utils.config import StrictModel

__all__ = [
    "FINGERPRINT_NAMES",
    "FingerprintSpec",
    "UnpackedRows",
    "bulk_tanimoto",
    "fingerprint",
    "fingerprint_smiles",
    "fingerprints",
    "max_tanimoto_rows",
    "pack",
    "packed_matrix",
    "packed_rows",
    "pattern_fingerprint",
    "pattern_screen",
    "popcount",
    "tanimoto",
    "tanimoto_packed",
    "tanimoto_rows",
    "tanimoto_to",
    "unpack",
    "unpack_bits",
    "unpack_rows",
]

FingerprintKind = Literal["morgan", "atom_pair", "torsion", "rdkit"]

FINGERPRINT_NAMES = (
    "ECFP<2r> (ECFP4, ECFP6, ...)", "FCFP<2r> (FCFP4, ...)", "morgan", "atom_pair",
    "torsion", "rdkit",
)  # fmt: skip
"""Names :meth:`FingerprintSpec.from_name` accepts (case-insensitive)."""

_CIRCULAR = re.compile(r"^(ecfp|fcfp)(\d+)$")
_ALIASES: dict[str, FingerprintKind] = {
    "morgan": "morgan", "atom_pair": "atom_pair", "atom_pairs": "atom_pair", "ap": "atom_pair",
    "torsion": "torsion", "topological_torsion": "torsion", "tt": "torsion", "rdkit": "rdkit",
}  # fmt: skip


class FingerprintSpec(StrictModel):
    """A fingerprint, named completely (immutable and hashable, so specs can be constants).

    Attributes:
        kind: ``morgan`` (circular), ``atom_pair``, ``torsion`` (topological torsion) or
            ``rdkit`` (RDKit's path-based fingerprint).
        radius: Morgan radius (``morgan`` only); ECFP4 is radius 2.
        features: Morgan with feature invariants (FCFP) instead of atom invariants.
        bits: the folded length.
        counts: keep counts per position (a count vector) rather than bits.
    """

    model_config = ConfigDict(frozen=True)

    kind: FingerprintKind = "morgan"
    radius: int = Field(default=2, ge=0, le=6)
    features: bool = False
    bits: int = Field(default=2048, ge=8, le=65_536)
    counts: bool = False

    @model_validator(mode="after")
    def _morgan_only(self) -> FingerprintSpec:
        if self.kind != "morgan" and self.features:
            raise ValueError(f"features (FCFP) apply to morgan fingerprints, not {self.kind}")
        if self.bits % 8:
            raise ValueError("bits must be a multiple of 8")
        return self

    @classmethod
    def from_name(cls, name: str, bits: int = 2048, counts: bool = False) -> FingerprintSpec:
        """The spec of a named fingerprint (``ECFP4``, ``FCFP4``, ``atom_pair``, ...).

        Raises:
            ValueError: an unknown name (the message lists the known ones).
        """
        key = name.strip().lower()
        circular = _CIRCULAR.match(key)
        if circular and int(circular[2]) % 2 == 0:
            features = circular[1] == "fcfp"
            radius = int(circular[2]) // 2
            return cls(radius=radius, features=features, bits=bits, counts=counts)
        if key in _ALIASES:
            return cls(kind=_ALIASES[key], bits=bits, counts=counts)
        raise ValueError(f"unknown fingerprint {name!r}; known: {', '.join(FINGERPRINT_NAMES)}")

    @property
    def label(self) -> str:
        """A short name: ``ECFP4``, ``FCFP4-counts``, ``atom_pair-1024``, ..."""
        if self.kind == "morgan":
            base = f"{'FCFP' if self.features else 'ECFP'}{2 * self.radius}"
        else:
            base = self.kind
        suffix = "" if self.bits == 2048 else f"-{self.bits}"
        return base + suffix + ("-counts" if self.counts else "")


def _generator(spec: FingerprintSpec) -> Any:
    """RDKit's fingerprint generator of ``spec`` (one per spec; counts share it)."""
    # Keyed on a plain tuple: hashing it is several times cheaper than hashing the model.
    return _generator_of(spec.kind, spec.radius, spec.features, spec.bits)


@cache
def _generator_of(kind: str, radius: int, features: bool, bits: int) -> Any:
    if kind == "morgan":
        invariants = rdFingerprintGenerator.GetMorganFeatureAtomInvGen() if features else None
        return rdFingerprintGenerator.GetMorganGenerator(
            radius=radius, fpSize=bits, atomInvariantsGenerator=invariants
        )
    if kind == "atom_pair":
        return rdFingerprintGenerator.GetAtomPairGenerator(fpSize=bits)
    if kind == "torsion":
        return rdFingerprintGenerator.GetTopologicalTorsionGenerator(fpSize=bits)
    return rdFingerprintGenerator.GetRDKitFPGenerator(fpSize=bits)


def fingerprint(mol: Chem.Mol, spec: FingerprintSpec) -> Any:
    """The fingerprint of a sanitised molecule: an RDKit ``ExplicitBitVect``, or a folded
    count vector (``UIntSparseIntVect``) when ``spec.counts``."""
    generator = _generator(spec)
    return generator.GetCountFingerprint(mol) if spec.counts else generator.GetFingerprint(mol)


def fingerprints(mols: Sequence[Chem.Mol], spec: FingerprintSpec) -> list[Any]:
    """:func:`fingerprint` of each molecule, in order."""
    return [fingerprint(mol, spec) for mol in mols]


def fingerprint_smiles(smiles: str | None, spec: FingerprintSpec) -> Any | None:
    """:func:`fingerprint` of the molecule ``smiles`` parses to; None if it does not parse."""
    mol = mol_from_smiles(smiles)
    return None if mol is None else fingerprint(mol, spec)


def pattern_fingerprint(mol: Chem.Mol, bits: int = 2048) -> ExplicitBitVect:
    """RDKit's pattern fingerprint of a molecule or of a SMARTS query molecule (call
    ``UpdatePropertyCache(strict=False)`` on a query first). Every bit of a query's pattern
    fingerprint is set in the pattern fingerprint of each molecule that contains it, which
    makes it a substructure screen (see :func:`pattern_screen`).

    Raises:
        RuntimeError, ValueError: RDKit cannot fingerprint the query (some SMARTS).
    """
    return Chem.PatternFingerprint(mol, fpSize=bits)


def tanimoto(a: Any, b: Any) -> float:
    """Tanimoto similarity of two RDKit fingerprints of the same spec (bits or counts)."""
    return float(DataStructs.TanimotoSimilarity(a, b))


def bulk_tanimoto(query: Any, others: Sequence[Any]) -> np.ndarray:
    """Tanimoto similarity of ``query`` to each fingerprint of ``others`` (float array)."""
    if not others:
        return np.zeros(0)
    return np.asarray(DataStructs.BulkTanimotoSimilarity(query, list(others)), dtype=float)


def tanimoto_to(
    query: str, smiles: Sequence[str], spec: FingerprintSpec | None = None
) -> list[float | None]:
    """Tanimoto similarity of each SMILES to ``query`` on fingerprints of ``spec`` (default
    ECFP4, 2048 bits).

    Returns:
        One value per SMILES in ``[0, 1]``; None where that SMILES does not parse. All None
        when ``query`` does not parse.
    """
    spec = spec or FingerprintSpec()
    reference = fingerprint_smiles(query, spec)
    if reference is None:
        return [None] * len(smiles)
    found = [fingerprint_smiles(text, spec) for text in smiles]
    return [None if fp is None else tanimoto(reference, fp) for fp in found]


def pack(bits: Any) -> bytes:
    """An RDKit bit vector as packed bytes (the cartridge's binary text layout)."""
    return DataStructs.BitVectToBinaryText(bits)


def unpack(data: bytes) -> Any:
    """The RDKit bit vector of packed bytes."""
    return DataStructs.CreateFromBinaryText(bytes(data))


def packed_matrix(mols: Sequence[Chem.Mol], spec: FingerprintSpec) -> np.ndarray:
    """Bit fingerprints of ``mols`` packed row by row: ``uint8``, shape ``(n, bits // 8)``.

    Raises:
        ValueError: ``spec.counts`` (only bit fingerprints pack).
    """
    if spec.counts:
        raise ValueError("count fingerprints do not pack into bits")
    generator = _generator(spec)
    packed = bytearray(b"".join(pack(generator.GetFingerprint(mol)) for mol in mols))
    return np.frombuffer(packed, dtype=np.uint8).reshape(len(mols), spec.bits // 8)
