"""The sample stage as one call: checkpoint in, a table of samples and metrics out."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from molgen.data.dataset import CuratedDataset
from molgen.models.loading import load_generator
from molgen.sampling.config import SampleConfig
from molgen.sampling.sample import sample_metrics, sample_molecules
from molgen.utils.tables import write_table

__all__ = ["sample_to_file"]


def sample_to_file(
    checkpoint: str | Path,
    config: SampleConfig,
    out_path: str | Path,
    train_data: str | Path | None = None,
) -> dict[str, Any]:
    """Draw ``config.n`` molecules from a checkpoint and write them to ``out_path``.

    Args:
        checkpoint: a checkpoint file written by training.
        config: count, temperature, maximum length, batch size, seed and device.
        out_path: ``.csv`` or ``.parquet``; columns ``smiles`` (canonical where valid, else
            raw) and ``valid``, one row per sample.
        train_data: a curated dataset directory; when given, novelty is reported.

    Returns:
        n, n_valid, validity, uniqueness, novelty (when ``train_data`` is given), seconds and
        molecules per second.
    """
    started = time.perf_counter()
    generator = load_generator(checkpoint, device=config.device)
    frame = sample_molecules(generator, config)
    write_table(frame, out_path)
    train = CuratedDataset.open(train_data).smiles("train") if train_data else None
    metrics = sample_metrics(frame, train)
    seconds = time.perf_counter() - started
    metrics["seconds"] = round(seconds, 2)
    metrics["molecules_per_second"] = round(len(frame) / seconds, 1) if seconds else None
    return metrics
