"""Draw molecules from a generator and measure validity, uniqueness and novelty."""

from __future__ import annotations

import logging
from collections.abc import Iterable

import pandas as pd

from molgen.chem.mol import canonical_smiles
from molgen.models.base import Generator
from molgen.sampling.config import SampleConfig

__all__ = ["sample_metrics", "sample_molecules"]

logger = logging.getLogger(__name__)


def sample_molecules(generator: Generator, config: SampleConfig) -> pd.DataFrame:
    """Draw ``config.n`` molecules, seeded by ``config.seed``.

    The generator is used on the device it was loaded on (see ``load_generator``).

    Args:
        generator: a trained generator.
        config: number, temperature, maximum length, batch size and seed.

    Returns:
        One row per sample, in sampling order: ``smiles`` (RDKit canonical when the string
        parses, otherwise the raw string) and ``valid`` (whether it parses).
    """
    raw = generator.sample(
        config.n,
        config.temperature,
        max_length=config.max_length,
        batch_size=config.batch_size,
        seed=config.seed,
    )
    canonical = [canonical_smiles(s) for s in raw]
    frame = pd.DataFrame(
        {
            "smiles": [c if c is not None else s for s, c in zip(raw, canonical, strict=True)],
            "valid": [c is not None for c in canonical],
        }
    )
    logger.info("sampled %d molecules, %d valid", len(frame), int(frame["valid"].sum()))
    return frame


def sample_metrics(
    frame: pd.DataFrame, train_smiles: Iterable[str] | None = None
) -> dict[str, float | int]:
    """Validity, uniqueness and novelty of a :func:`sample_molecules` frame.

    Args:
        frame: samples with ``smiles`` and ``valid`` columns.
        train_smiles: canonical training SMILES (as curated data stores them); novelty is
            left out when None.

    Returns:
        ``n``, ``n_valid``, ``validity`` (valid / n), ``uniqueness`` (unique valid / valid)
        and, with ``train_smiles``, ``novelty`` (unique valid not in training / unique
        valid). Ratios over an empty set are 0.
    """
    n = len(frame)
    valid = frame.loc[frame["valid"].astype(bool), "smiles"]
    unique = set(valid)
    metrics: dict[str, float | int] = {
        "n": n,
        "n_valid": len(valid),
        "validity": len(valid) / n if n else 0.0,
        "uniqueness": len(unique) / len(valid) if len(valid) else 0.0,
    }
    if train_smiles is not None:
        novel = unique.difference(train_smiles)
        metrics["novelty"] = len(novel) / len(unique) if unique else 0.0
    return metrics
