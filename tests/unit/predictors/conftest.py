"""Tiny labelled data for the predictor tests (48 MOSES molecules, Crippen logP, TPSA with
gaps, and a 0/1 label)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

DATA = Path(__file__).parents[2] / "data" / "predictor_48.csv"


@pytest.fixture(scope="session")
def labelled() -> pd.DataFrame:
    """The 48-row table: ``smiles``, ``logp``, ``tpsa`` (some missing), ``active``."""
    return pd.read_csv(DATA)
