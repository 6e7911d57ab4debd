"""Objectives as scorers: today's composite score exactly, reward mode, the worker pool."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from rdkit import Chem

from molgen.chem.properties import batch_properties
from molgen.scoring import Objective, ScoreConfig, Scorer, default_objective, load_objective

OBJECTIVES = Path(__file__).resolve().parents[3] / "configs" / "objectives"


@pytest.fixture(scope="module")
def moses(data_dir) -> list[str]:
    smiles = pd.read_csv(data_dir / "moses_300.csv")["smiles"].tolist()
    return [*smiles, "Oc1ccccc1O", "not_smiles", None, "", "CC(=O)Oc1ccccc1C(=O)O"]


def s(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def todays_composite(smiles: list[str | None]) -> np.ndarray:
    """The composite score as molgen computed it before objectives: from the RDKit
    properties, qed rising sigmoid at 0.5 (k 10), sa falling at 4 (k 2), mw and logp
    double sigmoids (200-500, k 0.05; 0-5, k 2), no PAINS (weight 0.5); weighted
    geometric mean, 0 for a zero component or an invalid molecule."""
    props = batch_properties(smiles)
    col = {k: np.array([np.nan if v is None else float(v) for v in props[k]]) for k in props
           if k in ("qed", "sa", "mw", "logp", "pains")}  # fmt: skip
    parts = [
        (s(10 * (col["qed"] - 0.5)), 1.0),
        (s(2 * (4.0 - col["sa"])), 1.0),
        (s(0.05 * (col["mw"] - 200)) * s(0.05 * (500 - col["mw"])), 1.0),
        (s(2 * (col["logp"] - 0)) * s(2 * (5 - col["logp"])), 1.0),
        ((col["pains"] <= 0).astype(float), 0.5),
    ]
    log_sum, zero = np.zeros(len(smiles)), np.zeros(len(smiles), dtype=bool)
    for d, w in parts:
        d = np.where(np.isnan(d), 0.0, d)
        zero |= d <= 0
        log_sum += w * np.log(np.where(d > 0, d, 1.0))
    score = np.exp(log_sum / 4.5)
    score[zero | ~np.array(props["valid"])] = 0.0
    return score


def test_default_objective_is_todays_composite_exactly(moses):
    want = todays_composite(moses)
    assert (want > 0).sum() > 250 and (want == 0).sum() >= 4
    table = Scorer(ScoreConfig(n_jobs=1)).table(moses)
    np.testing.assert_array_equal(table["score"].to_numpy(), want)
    with Objective(load_objective(OBJECTIVES / "default.toml")) as objective:
        np.testing.assert_array_equal(objective(moses), want)


def test_table_columns_hold_raw_values_and_desirabilities(moses):
    table = Scorer(ScoreConfig(n_jobs=1)).table(moses[:40])
    np.testing.assert_array_equal(table["qed_raw"], table["qed"].to_numpy(float))
    np.testing.assert_array_equal(table["pains_raw"], table["pains"].astype(float).to_numpy())
    np.testing.assert_allclose(table["qed_desirability"], s(10 * (table["qed"] - 0.5)))


def test_reward_mode_equals_table_mode_on_a_custom_objective(moses):
    config = load_objective(OBJECTIVES / "celecoxib.toml")
    table = Scorer(ScoreConfig(objective=config, n_jobs=1)).table(moses)
    with Objective(config) as objective:
        result = objective.evaluate(moses)
    np.testing.assert_array_equal(result.total, table["score"].to_numpy())
    for component in config.components:
        np.testing.assert_array_equal(result.raw[component.name],
                                      table[f"{component.name}_raw"].to_numpy())  # fmt: skip
    assert set(result.raw) == {c.name for c in config.components}  # only what it names


def test_worker_pool_is_reused_and_gives_the_same_numbers(moses):
    config = load_objective(OBJECTIVES / "mpo.toml")
    with Objective(config) as local:
        want = local.evaluate(moses)
    with Objective(config, n_jobs=2, min_parallel=8) as pooled:
        first = pooled.evaluate(moses)
        pool = pooled._pool
        second = pooled(list(reversed(moses)))
        assert pool is not None and pooled._pool is pool
    assert pooled._pool is None
    np.testing.assert_array_equal(first.total, want.total)
    np.testing.assert_array_equal(second, want.total[::-1])
    assert first.canonical == want.canonical and first.valid.tolist() == want.valid.tolist()


def test_duplicates_invalid_inputs_and_order(moses):
    aspirin = "CC(=O)Oc1ccccc1C(=O)O"
    random = Chem.MolToSmiles(Chem.MolFromSmiles(aspirin), doRandom=True)
    with Objective(default_objective()) as objective:
        result = objective.evaluate([aspirin, None, random, "C1CC", aspirin, float("nan")])
    assert result.valid.tolist() == [True, False, True, False, True, False]
    assert result.total[0] == result.total[2] == result.total[4] > 0
    assert result.total[[1, 3, 5]].tolist() == [0.0, 0.0, 0.0]
    assert np.isnan(result.raw["qed"][[1, 3, 5]]).all()
    assert objective([]).shape == (0,)
