"""The score stage as one call: read a file, score every row, write it, summarise."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from molgen.chem.columns import RATE_COLUMNS, SUMMARY_COLUMNS
from molgen.data.dataset import CuratedDataset
from molgen.scoring.chunked import score_file_chunked
from molgen.scoring.config import ScoreConfig
from molgen.scoring.score import score_file
from molgen.utils.scaleout import Mapper

__all__ = ["score_to_file", "summarize_scores"]

SUMMARY_PROPERTIES = SUMMARY_COLUMNS


def summarize_scores(frame: pd.DataFrame) -> dict[str, Any]:
    """Headline statistics of a scored table: counts, property means/medians, alert rates."""
    valid = frame[frame["valid"].astype(bool)]
    summary: dict[str, Any] = {"n": len(frame), "n_valid": len(valid)}
    for column in SUMMARY_PROPERTIES:
        values = pd.to_numeric(valid[column], errors="coerce").dropna()
        if len(values):
            summary[f"{column}_mean"] = float(values.mean())
            summary[f"{column}_median"] = float(values.median())
    for column in RATE_COLUMNS:
        values = valid[column].dropna()
        if len(values):
            summary[f"{column}_rate"] = float(np.mean(values.astype(bool)))
    return summary


def score_to_file(
    in_path: str | Path,
    out_path: str | Path,
    config: ScoreConfig,
    train_data: str | Path | None = None,
    smiles_column: str = "smiles",
    *,
    mapper: Mapper | None = None,
    chunk_size: int | None = None,
) -> dict[str, Any]:
    """Score every row of ``in_path`` into ``out_path`` (.csv or .parquet).

    With a ``mapper`` the file is streamed and scored chunk by chunk wherever the mapper
    runs the chunks (e.g. a Dask cluster); the table and summary are the same.

    Args:
        in_path: any SMILES/CSV/TSV/SDF/Parquet file.
        out_path: where the scored table goes; one row per input row, same order.
        config: the objective and parallelism.
        train_data: a curated dataset directory; when given, ``novel`` is filled in.
        smiles_column: SMILES column of tabular inputs.
        mapper: runs each chunk's properties (see :mod:`molgen.utils.scaleout`); None scores
            the whole file in this process and its local workers.
        chunk_size: rows per chunk with a mapper (default ``config.chunk_size``).

    Returns:
        :func:`summarize_scores` of the table, plus ``seconds`` and the objective's name
        and version (``objective``, ``objective_version``).
    """
    started = time.perf_counter()
    train = CuratedDataset.open(train_data).smiles("train") if train_data else None
    if mapper is None:
        frame = score_file(in_path, out_path, config, train, smiles_column)
    else:
        columns = ("valid", *SUMMARY_PROPERTIES, *RATE_COLUMNS)
        frame = score_file_chunked(
            in_path, out_path, config, train, smiles_column,
            mapper=mapper, chunk_size=chunk_size, keep_columns=columns,
        )  # fmt: skip
    summary = summarize_scores(frame)
    summary["seconds"] = round(time.perf_counter() - started, 2)
    summary["objective"] = config.objective.name
    summary["objective_version"] = config.objective.version
    return summary
