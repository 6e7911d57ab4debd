"""How many rows a molecule file holds, for a progress bar's total: read from the
metadata of a Parquet file, estimated for text files from their start and their size."""

from __future__ import annotations

import gzip
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from molgen.data.readers import source_format

__all__ = ["SAMPLE_BYTES", "estimate_rows"]

SAMPLE_BYTES = 1 << 20
"""How much of a text file (after gunzipping) is read to measure its bytes per row."""


def _text_size(path: Path, sample: bytes, sample_compressed: int) -> int:
    """The file's size as text: its size on disk, or for gzip the uncompressed size from
    its trailer (ISIZE, exact below 4 GiB), else the sample's compression ratio."""
    size = path.stat().st_size
    if not path.name.lower().endswith(".gz"):
        return size
    with open(path, "rb") as handle:
        handle.seek(max(size - 4, 0))
        isize = int.from_bytes(handle.read(4), "little")
    if isize >= len(sample):
        return isize
    return round(size * len(sample) / max(sample_compressed, 1))


def estimate_rows(path: str | Path) -> int:
    """The number of rows :func:`~molgen.data.readers.iter_source_chunks` will yield
    for ``path``: exact for Parquet (its metadata); for text, the rows in the first
    :data:`SAMPLE_BYTES` scaled by the file's size (exact up to blank lines when the
    whole file fits in the sample). 0 when the file cannot be read.

    Args:
        path: a file the readers accept (``.smi``, ``.csv``, ``.tsv``, ``.sdf``, gzipped
            text, ``.parquet``).
    """
    path = Path(path)
    fmt = source_format(path)
    try:
        if fmt == "parquet":
            return pq.ParquetFile(path).metadata.num_rows
        with open(path, "rb") as raw:
            handle = gzip.GzipFile(fileobj=raw) if path.name.lower().endswith(".gz") else raw
            sample = handle.read(SAMPLE_BYTES)
            whole = not handle.read(1)
            compressed = raw.tell()
    except (OSError, EOFError, pa.ArrowException):  # the reader reports what is wrong
        return 0
    rows = sample.count(b"$$$$" if fmt == "sdf" else b"\n")
    if sample and not sample.endswith(b"\n") and fmt != "sdf" and whole:
        rows += 1  # a last line without its newline
    header = 1 if fmt in ("csv", "tsv") else 0
    if not whole and sample:
        rows = round(rows * _text_size(path, sample, compressed) / len(sample))
    return max(rows - header, 0)
