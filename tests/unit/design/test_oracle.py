"""The oracle's budget: unique valid molecules count once; repeats come from the cache."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from molgen.design.oracle import Oracle
from molgen.scoring.objective import Objective
from molgen.scoring.objective_config import ObjectiveConfig

HOOK = Path(__file__).with_name("nitrogen_hook.py")


def objective(function: str = "nitrogens") -> Objective:
    config = ObjectiveConfig.model_validate({
        "name": "n_count",
        "components": [{"name": "n", "type": "python", "params": {"function": f"{HOOK}:{function}"},
                        "transform": {"kind": "linear", "low": 0, "high": 2}}],
    })  # fmt: skip
    return Objective(config)


def test_duplicates_invalid_strings_and_cached_molecules_cost_nothing():
    oracle = Oracle(objective(), max_calls=10)
    first = oracle(["CCN", "NCCN", "OCC", "NCC", "xx", "C(C"])  # NCC is CCN written otherwise
    assert oracle.calls == 3
    assert first.call.tolist() == [0, 1, 2, -1, -1, -1]
    assert first.canonical[3] == "CCN" and first.canonical[4] is None
    assert first.total.tolist() == [0.5, 1.0, 0.0, 0.5, 0.0, 0.0]
    second = oracle(["NCCN", "CNC(N)N", "CNC(N)N"])
    assert oracle.calls == 4
    assert second.call.tolist() == [-1, 3, -1]
    assert second.total.tolist() == [1.0, 1.0, 1.0]
    assert second.raw["n"].tolist() == [2.0, 3.0, 3.0]


def test_the_budget_cuts_a_batch_before_the_first_molecule_over_it():
    oracle = Oracle(objective(), max_calls=3, calls=1)  # an earlier stage spent one
    answer = oracle(["CCN", "CCN", "CCO", "xx", "CCCN", "CCCCO"])
    assert answer.n == 4 and oracle.calls == 3 and oracle.remaining == 0
    assert answer.call.tolist() == [1, -1, 2, -1]
    assert oracle(["CCCN"]).n == 0
    assert oracle(["CCN"]).n == 1  # a cached molecule is still answered


def test_a_scorer_failing_on_some_molecules_costs_those_molecules_only():
    oracle = Oracle(objective("fails_on_oxygen"), max_calls=10)
    answer = oracle(["NCCN", "OCCN", "CCN"])
    assert oracle.calls == 3
    assert answer.total.tolist() == [1.0, 0.0, 0.5]
    assert np.isnan(answer.raw["n"][1])
    assert oracle.failures == {"n: no value": 1}


def test_a_scorer_raising_outside_components_fails_molecules_not_the_run():
    oracle = Oracle(objective(), max_calls=10)

    def broken(smiles):
        if any("O" in s for s in smiles):
            raise ValueError("scorer crashed")
        return Objective.evaluate(oracle.objective, smiles)

    oracle.objective.evaluate = broken  # type: ignore[method-assign]
    answer = oracle(["NCCN", "OCCN"])
    assert answer.total.tolist() == [1.0, 0.0]
    assert answer.error == ["", "ValueError: scorer crashed"]
    assert oracle.failures == {"ValueError: scorer crashed": 1}


def test_state_round_trip():
    oracle = Oracle(objective(), max_calls=10)
    oracle(["CCN", "NCCN"])
    again = Oracle(objective(), max_calls=10)
    again.load_state_dict(oracle.state_dict())
    assert again.calls == 2 and again(["NCCN"]).call.tolist() == [-1]
