"""Tanimoto-based MOSES metrics (SNN, IntDiv) on Morgan bit fingerprints, vectorised.

Fingerprints are MOSES's: Morgan, radius 2, 1024 bits (:data:`MOSES_FINGERPRINT`; RDKit's
generator gives the same bits as the ``GetMorganFingerprintAsBitVect`` MOSES uses), as
packed matrices of 128-byte rows from :func:`molgen.chem.fingerprints.packed_matrix`.
Tanimoto similarities are computed block by block with a matrix product of the unpacked
bits (:func:`molgen.chem.fingerprints.tanimoto_rows`), so memory stays bounded (``chunk``
x ``chunk`` floats) for any set size. As in MOSES, two all-zero fingerprints have
similarity 1.
"""

from __future__ import annotations

import numpy as np

from molgen.chem.fingerprints import (
    FingerprintSpec,
    max_tanimoto_rows,
    tanimoto_rows,
    unpack_rows,
)

__all__ = [
    "MOSES_FINGERPRINT",
    "internal_diversity",
    "nearest_neighbour_similarity",
    "snn",
]

MOSES_FINGERPRINT = FingerprintSpec(kind="morgan", radius=2, bits=1024)
"""The fingerprint of MOSES's SNN and IntDiv: Morgan radius 2, 1024 bits."""

CHUNK = 2048
SNN_GENERATED_BLOCK = 8192
MOSES_EMPTY = 1.0
"""MOSES's Tanimoto of two all-zero fingerprints."""


def snn(
    generated: np.ndarray,
    reference: np.ndarray,
    chunk: int = CHUNK,
    *,
    generated_block: int = SNN_GENERATED_BLOCK,
) -> float:
    """MOSES ``SNN``: mean over generated molecules of the highest Tanimoto to the reference.

    The generated fingerprints are unpacked ``generated_block`` rows at a time and compared
    with ``chunk`` reference rows per float32 matrix product, so each reference block is
    unpacked once per generated block rather than once per ``chunk`` generated rows.

    Args:
        generated: packed fingerprints of the generated molecules (duplicates count).
        reference: packed fingerprints of the reference set.
        chunk: reference rows per block.
        generated_block: generated rows per block; memory is about
            ``generated_block * (chunk + fingerprint bits)`` floats.

    Returns:
        A value in [0, 1]; NaN when either set is empty.
    """
    if len(generated) == 0 or len(reference) == 0:
        return float("nan")
    best = np.zeros(len(generated))
    for i in range(0, len(generated), generated_block):
        gen = unpack_rows(generated[i : i + generated_block])
        rows = best[i : i + generated_block]
        for j in range(0, len(reference), chunk):
            ref = unpack_rows(reference[j : j + chunk])
            np.maximum(rows, max_tanimoto_rows(gen, ref, empty=MOSES_EMPTY), out=rows)
    return float(best.mean())


def nearest_neighbour_similarity(fingerprints: np.ndarray, chunk: int = CHUNK) -> np.ndarray:
    """Each row's highest Tanimoto similarity to another row of the same packed matrix
    (0 for a single row), computed block by block."""
    n = len(fingerprints)
    best = np.zeros(n)
    for i in range(0, n, chunk):
        a = unpack_rows(fingerprints[i : i + chunk])
        for j in range(0, n, chunk):
            b = a if j == i else unpack_rows(fingerprints[j : j + chunk])
            sim = tanimoto_rows(a, b, empty=MOSES_EMPTY)
            if j == i:
                np.fill_diagonal(sim, 0.0)
            np.maximum(best[i : i + chunk], sim.max(axis=1), out=best[i : i + chunk])
    return best


def internal_diversity(fingerprints: np.ndarray, p: int = 1, chunk: int = CHUNK) -> float:
    """MOSES ``IntDiv`` (p=1) and ``IntDiv2`` (p=2) of a set of molecules.

    As MOSES's code computes it: ``1 - mean_x (mean_y T(x, y)**p) ** (1/p)`` over all
    ordered pairs including ``x == y``. For p=1 this is the paper's formula
    ``1 - mean_{x,y} T(x, y)``; for p=2 the root is taken per molecule before averaging
    (the paper writes it over the global mean), which is what the published MOSES numbers
    use. The matrix is symmetric, so only blocks on and above the diagonal are computed.

    Args:
        fingerprints: packed fingerprints of the valid generated molecules (duplicates count).
        p: the power.
        chunk: block size; memory is about ``chunk**2`` floats.

    Returns:
        A value in [0, 1]; 0 for identical molecules; NaN for an empty set.
    """
    n = len(fingerprints)
    if n == 0:
        return float("nan")
    row_sums = np.zeros(n)
    for i in range(0, n, chunk):
        a = unpack_rows(fingerprints[i : i + chunk])
        for j in range(i, n, chunk):
            b = a if j == i else unpack_rows(fingerprints[j : j + chunk])
            sim = tanimoto_rows(a, b, empty=MOSES_EMPTY).astype(np.float64) ** p
            row_sums[i : i + chunk] += sim.sum(axis=1)
            if j != i:
                row_sums[j : j + chunk] += sim.sum(axis=0)
    return float(1.0 - np.mean((row_sums / n) ** (1.0 / p)))
