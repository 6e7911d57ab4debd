"""Real molecules scored as ``molgen score`` scores them, for the ingestion tests."""

from __future__ import annotations

from functools import cache

import pandas as pd

from molgen.scoring import ScoreConfig, score_smiles
from tests.pipeline_configs import DATA


@cache
def moses_smiles() -> tuple[str, ...]:
    """The 300 MOSES SMILES of ``tests/data/moses_300.csv``."""
    return tuple(pd.read_csv(DATA / "moses_300.csv")["smiles"])


@cache
def _scored(n: int) -> pd.DataFrame:
    return score_smiles(list(moses_smiles()[:n]), ScoreConfig(n_jobs=1))


def scored_moses(n: int = 60) -> pd.DataFrame:
    """The first ``n`` MOSES molecules as a scored table (a fresh copy each call)."""
    return _scored(n).copy()
