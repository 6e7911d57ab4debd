"""The score stage as one call: read a file, score every row, write it, summarise."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from molgen.data.dataset import CuratedDataset
from molgen.scoring.config import ScoreConfig
from molgen.scoring.score import score_file

__all__ = ["score_to_file", "summarize_scores"]

SUMMARY_PROPERTIES = ("mw", "logp", "tpsa", "qed", "sa", "score")
RATE_COLUMNS = ("pains", "brenk", "novel")


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
) -> dict[str, Any]:
    """Score every row of ``in_path`` into ``out_path`` (.csv or .parquet).

    Args:
        in_path: any SMILES/CSV/TSV/SDF/Parquet file.
        out_path: where the scored table goes; one row per input row, same order.
        config: the composite score and parallelism.
        train_data: a curated dataset directory; when given, ``novel`` is filled in.
        smiles_column: SMILES column of tabular inputs.

    Returns:
        :func:`summarize_scores` of the table, plus ``seconds``.
    """
    started = time.perf_counter()
    train = CuratedDataset.open(train_data).smiles("train") if train_data else None
    frame = score_file(in_path, out_path, config, train_smiles=train, smiles_column=smiles_column)
    summary = summarize_scores(frame)
    summary["seconds"] = round(time.perf_counter() - started, 2)
    return summary
