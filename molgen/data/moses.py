"""The MOSES benchmark set, taken from the ``molsets`` wheel on PyPI and cached locally.

The wheel ships ``moses/dataset/data/{train,test,test_scaffolds}.csv.gz``. It is fetched
once with ``pip download`` (never installed) and the three files are kept under
``<data dir>/moses/``, where the data dir is ``$MOLGEN_DATA_DIR`` or ``./data``.
``$MOLGEN_MOSES_WHEEL`` may point at a local copy of the wheel to skip the download.
"""

from __future__ import annotations

import gzip
import logging
import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from molgen.data.readers import iter_source_chunks
from molgen.data.wheel_files import WheelFiles, fetch_wheel_files

__all__ = [
    "MOSES_SPLITS",
    "MOSES_WHEEL",
    "count_rows",
    "fetch_moses",
    "iter_moses_chunks",
    "moses_dir",
    "moses_source",
]

logger = logging.getLogger(__name__)

MOSES_WHEEL = "molsets==0.3.1"
MOSES_SPLITS = ("train", "test", "test_scaffolds")
_MEMBER = "moses/dataset/data/{}.csv.gz"


def moses_dir() -> Path:
    """Where the MOSES files are cached: ``$MOLGEN_DATA_DIR/moses`` or ``./data/moses``."""
    return Path(os.environ.get("MOLGEN_DATA_DIR") or "data") / "moses"


def moses_source(split: str) -> str:
    """The ``source`` label of a MOSES split, e.g. ``moses:train``."""
    return f"moses:{split}"


_WHEEL_FILES = WheelFiles(
    label="MOSES",
    requirement=MOSES_WHEEL,
    env_var="MOLGEN_MOSES_WHEEL",
    members={f"{split}.csv.gz": _MEMBER.format(split) for split in MOSES_SPLITS},
    size="about 50 MB",
)


def fetch_moses(target_dir: str | Path | None = None) -> dict[str, Path]:
    """Make sure the three MOSES CSV.gz files are cached; returns ``{split: path}``.

    Uses the cache when all files are present; otherwise extracts them from the wheel at
    ``$MOLGEN_MOSES_WHEEL`` or, by default, from one fetched with ``pip download``.

    Args:
        target_dir: cache folder (default :func:`moses_dir`).

    Raises:
        MolgenError: the wheel could not be obtained or read; the message says how to
            place the files by hand.
    """
    folder = Path(target_dir) if target_dir is not None else moses_dir()
    files = fetch_wheel_files(_WHEEL_FILES, folder)
    return {split: files[f"{split}.csv.gz"] for split in MOSES_SPLITS}


def count_rows(path: str | Path) -> int:
    """Number of data rows (lines after the header) of a gzipped CSV, read as a stream."""
    lines = 0
    with gzip.open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            lines += block.count(b"\n")
    return max(lines - 1, 0)


def iter_moses_chunks(
    split: str,
    max_rows: int | None = None,
    seed: int = 0,
    chunk_size: int = 20_000,
    target_dir: str | Path | None = None,
) -> Iterator[pd.DataFrame]:
    """Stream one MOSES split in the reader chunk format (source ``moses:<split>``).

    Args:
        split: ``train``, ``test`` or ``test_scaffolds``.
        max_rows: keep a seeded random subset of this many rows (None = all). The file is
            still streamed, so memory stays bounded.
        seed: seed of the subset.
        chunk_size: rows per chunk read.
        target_dir: cache folder (default :func:`moses_dir`).
    """
    if split not in MOSES_SPLITS:
        raise ValueError(f"unknown MOSES split {split!r}; known: {', '.join(MOSES_SPLITS)}")
    path = fetch_moses(target_dir)[split]
    chosen = None
    if max_rows is not None:
        total = count_rows(path)
        if max_rows < total:
            rng = np.random.default_rng([seed, MOSES_SPLITS.index(split)])
            chosen = np.sort(rng.choice(total, size=max_rows, replace=False)) + 1
    for chunk in iter_source_chunks(path, smiles_column="SMILES", chunk_size=chunk_size):
        chunk = chunk.drop(columns=["SPLIT"], errors="ignore")
        chunk["source"] = moses_source(split)
        if chosen is not None:
            chunk = chunk[np.isin(chunk["row"].to_numpy(), chosen)].reset_index(drop=True)
        if len(chunk):
            yield chunk
