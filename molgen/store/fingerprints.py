"""The store's fingerprints: 2048-bit Morgan (radius 2) bit vectors as packed bytes, and
2048-bit RDKit pattern fingerprints (the substructure screen) in the same layout.

The byte layout is RDKit's ``DataStructs.BitVectToBinaryText``: bit ``i`` is bit
``i % 8`` (least significant first) of byte ``i // 8``, 256 bytes in all. It is what the
PostgreSQL cartridge's ``bfp_from_binary_text`` reads, so both backends screen on the same
bits. Functions are pure and return None for SMILES that do not parse.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

import numpy as np
from rdkit import Chem, DataStructs
from rdkit.Chem import rdFingerprintGenerator
from rdkit.DataStructs import ExplicitBitVect

from molgen.chem.mol import mol_from_smiles
from molgen.store.schema import FP_BITS, FP_RADIUS

__all__ = [
    "FP_BYTES",
    "Fingerprint",
    "StoreFingerprints",
    "batch_fingerprints",
    "batch_store_fingerprints",
    "fingerprint_mol",
    "fingerprint_smiles",
    "from_bytes",
    "pattern_fingerprint",
    "pattern_screen",
    "popcount",
    "tanimoto",
    "unpack_bits",
]

FP_BYTES = FP_BITS // 8

Fingerprint = tuple[bytes, int]
"""Packed fingerprint bytes and the number of bits set."""

StoreFingerprints = tuple[bytes, int, bytes]
"""Packed Morgan bytes, their popcount and the packed pattern fingerprint of a molecule."""


@cache
def _generator() -> Any:
    return rdFingerprintGenerator.GetMorganGenerator(radius=FP_RADIUS, fpSize=FP_BITS)


def fingerprint_mol(mol: Chem.Mol) -> Fingerprint:
    """The packed Morgan fingerprint of a sanitized molecule and its popcount."""
    bits = _generator().GetFingerprint(mol)
    return DataStructs.BitVectToBinaryText(bits), bits.GetNumOnBits()


def fingerprint_smiles(smiles: str | None) -> Fingerprint | None:
    """The packed Morgan fingerprint of ``smiles`` and its popcount; None if it does not
    parse."""
    mol = mol_from_smiles(smiles)
    return None if mol is None else fingerprint_mol(mol)


def batch_fingerprints(smiles: Sequence[str | None]) -> list[Fingerprint | None]:
    """:func:`fingerprint_smiles` of each SMILES, in order (one list, for worker chunks)."""
    return [fingerprint_smiles(text) for text in smiles]


def pattern_fingerprint(mol: Chem.Mol) -> bytes:
    """RDKit's pattern fingerprint (:data:`FP_BITS` bits) of a molecule or of a SMARTS query
    molecule, packed like :func:`fingerprint_mol`. Every bit of a query's pattern
    fingerprint is set in the pattern fingerprint of each molecule that contains it."""
    return DataStructs.BitVectToBinaryText(Chem.PatternFingerprint(mol, fpSize=FP_BITS))


def batch_store_fingerprints(smiles: Sequence[str | None]) -> list[StoreFingerprints | None]:
    """Morgan fingerprint, popcount and pattern fingerprint of each SMILES, in order (None
    for SMILES that do not parse): what ingestion stores for a new molecule."""
    found: list[StoreFingerprints | None] = []
    for text in smiles:
        mol = mol_from_smiles(text)
        if mol is None:
            found.append(None)
        else:
            found.append((*fingerprint_mol(mol), pattern_fingerprint(mol)))
    return found


def pattern_screen(query: bytes, stored: Sequence[bytes | None]) -> np.ndarray:
    """Which stored pattern fingerprints hold every bit of ``query`` (a boolean array).

    Rows without a stored pattern fingerprint (None, e.g. molecules stored before it
    existed) always pass, so the exact check still sees them.
    """
    keep = np.ones(len(stored), dtype=bool)
    present = [i for i, data in enumerate(stored) if data is not None and len(data) == FP_BYTES]
    if not present:
        return keep
    want = np.frombuffer(bytes(query), dtype=np.uint64)
    packed = b"".join(bytes(stored[i]) for i in present)  # type: ignore[arg-type]
    rows = np.frombuffer(packed, dtype=np.uint64).reshape(len(present), -1)
    keep[present] = ((rows & want) == want).all(axis=1)
    return keep


def from_bytes(data: bytes) -> ExplicitBitVect:
    """The RDKit bit vector of packed fingerprint bytes (for RDKit's Tanimoto)."""
    return DataStructs.CreateFromBinaryText(bytes(data))


def popcount(data: bytes) -> int:
    """Number of bits set in packed fingerprint bytes."""
    return int.from_bytes(data, "little").bit_count()


def unpack_bits(data: bytes | Sequence[bytes]) -> np.ndarray:
    """Packed fingerprints as a 0/1 ``uint8`` array: ``(FP_BITS,)`` for one, ``(n, FP_BITS)``
    for a sequence (bit order as in :data:`FP_BITS` positions)."""
    if isinstance(data, bytes | bytearray | memoryview):
        return np.unpackbits(np.frombuffer(bytes(data), dtype=np.uint8), bitorder="little")
    packed = np.frombuffer(b"".join(bytes(d) for d in data), dtype=np.uint8)
    return np.unpackbits(packed.reshape(len(data), -1), axis=1, bitorder="little")


def tanimoto(a: bytes, b: bytes) -> float:
    """Tanimoto similarity of two packed fingerprints (0.0 when both are empty)."""
    x, y = int.from_bytes(a, "little"), int.from_bytes(b, "little")
    union = (x | y).bit_count()
    return (x & y).bit_count() / union if union else 0.0
