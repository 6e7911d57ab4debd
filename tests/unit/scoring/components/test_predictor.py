"""The ``predictor`` component inside an objective: mean, spread, lower bound, similarity."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from molgen.predictors import PredictorConfig, TrainedPredictor, fit_predictor
from molgen.scoring import Objective, load_objective
from molgen.scoring.components import build_component
from molgen.utils.errors import ConfigError

DATA = Path(__file__).parents[3] / "data" / "predictor_48.csv"


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[TrainedPredictor, Path]:
    frame = pd.read_csv(DATA)
    config = PredictorConfig(
        targets=["logp", "tpsa"], epochs=5, ensemble_size=2, hidden_size=32, depth=2
    )
    predictor = fit_predictor(frame, None, config)
    folder = tmp_path_factory.mktemp("predictor")
    predictor.save(folder)
    return predictor, folder


def test_objective_with_predictor_components(
    trained: tuple[TrainedPredictor, Path], tmp_path: Path
) -> None:
    predictor, folder = trained
    objective = tmp_path / "logp.toml"
    objective.write_text(f"""
name = "predicted_logp"
aggregation = "arithmetic"

[[components]]
name = "logp"
type = "predictor"
params = {{ model = "{folder}", target = "logp" }}
transform = {{ kind = "sigmoid", center = 2.0, k = 2 }}

[[components]]
name = "logp_spread"
type = "predictor"
params = {{ model = "{folder}", target = "logp", output = "std" }}
weight = 0.5
transform = {{ kind = "reverse_sigmoid", center = 0.5, k = 5 }}

[[components]]
name = "logp_cautious"
type = "predictor"
params = {{ model = "{folder}", target = "logp", output = "lcb", k = 2 }}

[[components]]
name = "in_domain"
type = "predictor"
params = {{ model = "{folder}", target = "logp", output = "similarity" }}
role = "filter"
threshold = 0.1
""")
    smiles = ["CCOc1ccccc1", "not a smiles", "CC(=O)Nc1ccc(O)cc1", None]
    with Objective(load_objective(objective)) as scorer:
        result = scorer.evaluate(smiles)
    expected = predictor.predict(["CCOc1ccccc1", "CC(=O)Nc1ccc(O)cc1"])
    assert np.allclose(result.raw["logp"][[0, 2]], expected["logp"])
    assert np.allclose(result.raw["logp_spread"][[0, 2]], expected["logp_std"])
    lcb = expected["logp"] - 2 * expected["logp_std"]
    assert np.allclose(result.raw["logp_cautious"][[0, 2]], lcb)
    assert np.allclose(result.raw["in_domain"][[0, 2]], expected["nearest_train_similarity"])
    assert np.isnan(result.raw["logp"][[1, 3]]).all()
    assert result.total[1] == 0 and result.total[3] == 0 and result.total[[0, 2]].min() >= 0


def test_several_targets_need_a_name(trained: tuple[TrainedPredictor, Path]) -> None:
    _, folder = trained
    with pytest.raises(ConfigError, match="several targets"):
        build_component("p", "predictor", {"model": str(folder)})
    with pytest.raises(ConfigError, match="no target 'logd'"):
        build_component("p", "predictor", {"model": str(folder), "target": "logd"})


def test_missing_model_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        build_component("p", "predictor", {"model": str(tmp_path / "nothing")})
