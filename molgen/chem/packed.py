"""Packed fingerprints as numpy data: bit counts, unpacking, Tanimoto, the pattern screen.

Part of :mod:`molgen.chem.fingerprints`, which re-exports everything here: import from
there. Packed bytes are RDKit's ``DataStructs.BitVectToBinaryText`` layout (bit ``i`` is
bit ``i % 8``, least significant first, of byte ``i // 8``); a packed matrix is a ``uint8``
array holding one fingerprint per row.

The Tanimoto of two empty fingerprints is 0/0. RDKit and the PostgreSQL cartridge call it
0, MOSES calls it 1: the Tanimoto functions take it as ``empty`` (default 0).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

__all__ = [
    "UnpackedRows",
    "max_tanimoto_rows",
    "packed_rows",
    "pattern_screen",
    "popcount",
    "tanimoto_packed",
    "tanimoto_rows",
    "unpack_bits",
    "unpack_rows",
]


def popcount(data: bytes) -> int:
    """Number of bits set in packed bytes."""
    return int.from_bytes(data, "little").bit_count()


def packed_rows(fingerprints: Sequence[bytes]) -> np.ndarray:
    """Packed fingerprints stacked into a packed matrix (``uint8``, one row each).

    Raises:
        ValueError: the fingerprints do not add up to rows of the first one's length (a
            cheap check of equal lengths; checking each would cost as much as the join).
    """
    if not fingerprints:
        return np.zeros((0, 0), dtype=np.uint8)
    width = len(fingerprints[0])
    joined = np.frombuffer(b"".join(bytes(data) for data in fingerprints), dtype=np.uint8)
    if joined.size != width * len(fingerprints):
        raise ValueError("packed fingerprints of different lengths do not stack")
    return joined.reshape(len(fingerprints), width)


def unpack_bits(data: bytes | Sequence[bytes] | np.ndarray) -> np.ndarray:
    """Packed fingerprints as a 0/1 ``uint8`` array: ``(bits,)`` for one, ``(n, bits)`` for
    a packed matrix or a sequence of equal-length ones, with column ``i`` holding bit ``i``."""
    if isinstance(data, bytes | bytearray | memoryview):
        return np.unpackbits(np.frombuffer(bytes(data), dtype=np.uint8), bitorder="little")
    matrix = data if isinstance(data, np.ndarray) else packed_rows(data)
    return np.unpackbits(np.asarray(matrix, dtype=np.uint8), axis=-1, bitorder="little")


def tanimoto_packed(
    query: bytes, matrix: np.ndarray | Sequence[bytes], *, empty: float = 0.0
) -> np.ndarray:
    """Exact Tanimoto (``float64``) of packed ``query`` to each row of a packed matrix, or to
    each of a sequence of packed fingerprints: RDKit's and the cartridge's intersection over
    union of bit counts; ``empty`` where both fingerprints are empty."""
    rows = matrix if isinstance(matrix, np.ndarray) else packed_rows(matrix)
    if len(rows) == 0:
        return np.zeros(0)
    reference = np.frombuffer(bytes(query), dtype=np.uint8)
    both = np.bitwise_count(rows & reference).sum(axis=1, dtype=np.int64)
    either = np.bitwise_count(rows | reference).sum(axis=1, dtype=np.int64)
    out = np.full(len(rows), empty, dtype=np.float64)
    np.divide(both, either, out=out, where=either > 0)
    return out


def pattern_screen(query: bytes, stored: Sequence[bytes | None]) -> np.ndarray:
    """Which stored packed pattern fingerprints hold every bit of ``query`` (a boolean
    array): a substructure screen that never drops a molecule containing the query.

    Rows that cannot be compared (None, or another length than ``query``: e.g. molecules
    stored before they had one) always pass, so an exact check still sees them.
    """
    keep = np.ones(len(stored), dtype=bool)
    width = len(query)
    present = [i for i, data in enumerate(stored) if data is not None and len(data) == width]
    if not present:
        return keep
    word = np.uint64 if width % 8 == 0 else np.uint8
    want = np.frombuffer(bytes(query), dtype=word)
    packed = b"".join(bytes(stored[i]) for i in present)  # type: ignore[arg-type]
    rows = np.frombuffer(packed, dtype=word).reshape(len(present), -1)
    keep[present] = ((rows & want) == want).all(axis=1)
    return keep


class UnpackedRows(NamedTuple):
    """Fingerprints unpacked for matrix products: ``bits`` as 0/1 ``float32`` rows and
    ``counts``, each row's number of bits set (``float32``; exact up to 2**24 bits)."""

    bits: np.ndarray
    counts: np.ndarray


def unpack_rows(matrix: np.ndarray) -> UnpackedRows:
    """The rows of a packed matrix, unpacked for :func:`tanimoto_rows`."""
    bits = unpack_bits(matrix).astype(np.float32)
    return UnpackedRows(bits, bits.sum(axis=1))


def tanimoto_rows(a: UnpackedRows, b: UnpackedRows, *, empty: float = 0.0) -> np.ndarray:
    """Tanimoto of every row of ``a`` to every row of ``b``: ``float32``, ``(len(a), len(b))``,
    from one matrix product (bit counts are exact in ``float32``); ``empty`` where both rows
    are empty."""
    common = a.bits @ b.bits.T
    union = a.counts[:, None] + b.counts[None, :] - common
    with np.errstate(invalid="ignore", divide="ignore"):
        sim = common / union
    sim[union == 0] = empty
    return sim


def max_tanimoto_rows(a: UnpackedRows, b: UnpackedRows, *, empty: float = 0.0) -> np.ndarray:
    """Per row of ``a``, the highest Tanimoto to a row of ``b``: the values of
    ``tanimoto_rows(a, b, empty=empty).max(axis=1)`` with fewer temporaries."""
    common = a.bits @ b.bits.T
    union = a.counts[:, None] + b.counts[None, :]
    union -= common
    both_empty = union == 0
    with np.errstate(invalid="ignore", divide="ignore"):
        np.divide(common, union, out=common)
    if both_empty.any():
        common[both_empty] = empty
    return common.max(axis=1)
