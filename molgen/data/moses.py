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
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from molgen.data.readers import iter_source_chunks
from molgen.utils.errors import MolgenError

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


def _download_wheel(target: Path, folder: Path) -> Path:
    """``pip download`` the molsets wheel into ``target``; MolgenError on failure."""
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:"]
    command += [MOSES_WHEEL, "-d", str(target), "--quiet"]
    logger.info("downloading %s from PyPI (about 50 MB, once)", MOSES_WHEEL)
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=900)
    except (OSError, subprocess.SubprocessError) as exc:
        raise MolgenError(_manual_hint(f"could not run pip ({exc})", folder)) from None
    wheels = sorted(target.glob("molsets-*.whl"))
    if done.returncode != 0 or not wheels:
        lines = (done.stderr or done.stdout).strip().splitlines()
        detail = lines[-1] if lines else f"pip exit code {done.returncode}"
        raise MolgenError(_manual_hint(f"could not download {MOSES_WHEEL} ({detail})", folder))
    return wheels[0]


def _manual_hint(problem: str, folder: Path) -> str:
    members = _MEMBER.format("{train,test,test_scaffolds}")
    return (
        f"MOSES: {problem}; download the {MOSES_WHEEL} wheel from PyPI by hand, then set "
        f"MOLGEN_MOSES_WHEEL=<path to the .whl> or copy its {members} files into {folder}/"
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
    paths = {split: folder / f"{split}.csv.gz" for split in MOSES_SPLITS}
    if all(path.is_file() for path in paths.values()):
        return paths
    with tempfile.TemporaryDirectory(prefix="molgen-moses-") as tmp:
        local = os.environ.get("MOLGEN_MOSES_WHEEL")
        if local and not Path(local).is_file():
            raise MolgenError(_manual_hint(f"MOLGEN_MOSES_WHEEL={local} is not a file", folder))
        wheel = Path(local) if local else _download_wheel(Path(tmp), folder)
        folder.mkdir(parents=True, exist_ok=True)
        try:
            with zipfile.ZipFile(wheel) as archive:
                for split, path in paths.items():
                    partial = path.with_name(f"{path.name}.{os.getpid()}.part")
                    with archive.open(_MEMBER.format(split)) as src, open(partial, "wb") as dst:
                        shutil.copyfileobj(src, dst, 1 << 20)
                    partial.replace(path)
        except (zipfile.BadZipFile, KeyError, OSError) as exc:
            raise MolgenError(_manual_hint(f"cannot read {wheel.name} ({exc})", folder)) from None
    logger.info("MOSES files cached in %s", folder)
    return paths


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
