"""Real molecules scored as ``molgen score`` scores them, for the ingestion tests."""

from __future__ import annotations

from functools import cache

import pandas as pd

from molgen.chem.columns import EXTRA_SCORE_SUFFIXES
from molgen.scoring import ScoreConfig, score_smiles
from molgen.store.scored import OBJECTIVE_KEY, OBJECTIVE_VERSION_KEY
from tests.pipeline_configs import DATA

_OBJECTIVE_KEYS = (OBJECTIVE_KEY, OBJECTIVE_VERSION_KEY)


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


def without_default_components(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` without the default objective's per-component columns (``qed_raw``,
    ``qed_desirability``, ... that :func:`score_smiles` writes): what a test starts from when
    it adds a plugin objective's own component columns, since a table scored by a plugin
    objective carries that objective's components instead of the default's. The table's
    ``attrs`` no longer name the default objective either (they would be stored with the
    scores): a test names its plugin objective itself where it matters."""
    plain = table.drop(columns=[c for c in table.columns if c.endswith(EXTRA_SCORE_SUFFIXES)])
    plain.attrs = {k: v for k, v in table.attrs.items() if k not in _OBJECTIVE_KEYS}
    return plain
