"""Shared data for the evaluation tests: the 300 MOSES molecules in tests/data."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.conftest import DATA


@pytest.fixture(scope="session")
def moses_smiles() -> list[str]:
    """The 300 MOSES SMILES of ``tests/data/moses_300.csv``."""
    return pd.read_csv(DATA / "moses_300.csv")["smiles"].tolist()
