"""Weighted geometric and arithmetic means, filters and penalties, by hand."""

from __future__ import annotations

import numpy as np
import pytest

from molgen.scoring.aggregate import combine, weighted_mean
from molgen.scoring.objective_config import ComponentConfig, ObjectiveConfig
from molgen.scoring.transforms import Step


def test_weighted_geometric_mean_by_hand():
    d = [np.array([0.75, 0.5]), np.array([0.5, 0.5])]
    np.testing.assert_allclose(weighted_mean(d, [1, 1]), [np.sqrt(0.75 * 0.5), 0.5])
    np.testing.assert_allclose(weighted_mean(d, [3, 1]), [0.75**0.75 * 0.5**0.25, 0.5])
    np.testing.assert_allclose(weighted_mean(d[:1], [7]), [0.75, 0.5])


def test_weighted_arithmetic_mean_by_hand():
    d = [np.array([0.75, 0.0]), np.array([0.25, 0.5])]
    np.testing.assert_allclose(weighted_mean(d, [1, 1], "arithmetic"), [0.5, 0.25])
    np.testing.assert_allclose(weighted_mean(d, [3, 1], "arithmetic"), [0.625, 0.125])


def test_a_zero_desirability_gives_zero_without_warnings():
    with np.errstate(all="raise"):
        total = weighted_mean([np.array([0.9, 0.9]), np.array([0.0, 1.0])], [1, 0.5])
    assert total[0] == 0.0 and total[1] == pytest.approx(0.9 ** (1 / 1.5))
    with pytest.raises(ValueError, match="at least one"):
        weighted_mean([], [])


def objective(*components: ComponentConfig, aggregation: str = "geometric") -> ObjectiveConfig:
    return ObjectiveConfig(name="t", components=list(components), aggregation=aggregation)


def test_filters_zero_and_penalties_multiply():
    config = objective(
        ComponentConfig(name="a", type="qed"),
        ComponentConfig(name="b", type="sa", weight=3),
        ComponentConfig(name="f", type="pains", role="filter", transform=Step(high=0)),
        ComponentConfig(
            name="p", type="brenk", role="penalty", penalty=0.25, transform=Step(high=0)
        ),
        aggregation="arithmetic",
    )
    d = {
        "a": np.array([0.8, 0.8, 0.8, 0.8]),
        "b": np.array([0.4, 0.4, 0.4, 0.4]),
        "f": np.array([1.0, 0.0, 1.0, 1.0]),
        "p": np.array([1.0, 1.0, 0.0, 1.0]),
    }
    total = combine(config, d, np.array([True, True, True, False]))
    base = (0.8 + 3 * 0.4) / 4
    np.testing.assert_allclose(total, [base, 0.0, 0.25 * base, 0.0])


def test_threshold_decides_when_a_filter_applies_and_no_score_components_mean_one():
    config = objective(ComponentConfig(name="f", type="qed", role="filter", threshold=0.3))
    total = combine(config, {"f": np.array([0.29, 0.3, 0.9])}, np.array([True, True, True]))
    assert total.tolist() == [0.0, 1.0, 1.0]
