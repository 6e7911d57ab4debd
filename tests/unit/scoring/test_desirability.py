"""Desirability transforms and the weighted geometric mean."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from molgen.scoring.config import DesirabilityComponent, Transform
from molgen.scoring.desirability import composite_score, desirability

X = np.linspace(-50.0, 50.0, 2001)


def test_step_is_one_inside_the_closed_interval():
    d = desirability(np.array([-1.0, 0.0, 2.5, 5.0, 5.1]), Transform(kind="step", low=0, high=5))
    assert d.tolist() == [0.0, 1.0, 1.0, 1.0, 0.0]
    upper_only = desirability(np.array([-9.0, 0.0, 0.5]), Transform(kind="step", high=0))
    assert upper_only.tolist() == [1.0, 1.0, 0.0]
    lower_only = desirability(np.array([1.9, 2.0, 1e9]), Transform(kind="step", low=2))
    assert lower_only.tolist() == [0.0, 1.0, 1.0]


@pytest.mark.parametrize("k", [0.05, 1.0, 10.0])
def test_rising_sigmoid(k):
    d = desirability(X, Transform(kind="sigmoid", low=3.0, k=k))
    assert np.all((d >= 0) & (d <= 1))
    assert np.all(np.diff(d) >= 0)
    assert desirability(np.array([3.0]), Transform(kind="sigmoid", low=3.0, k=k))[0] == 0.5
    expected = 1 / (1 + np.exp(-k * (X - 3.0)))
    np.testing.assert_allclose(d, expected, rtol=1e-12)


def test_falling_sigmoid():
    t = Transform(kind="sigmoid", high=4.0, k=2.0)
    d = desirability(X, t)
    assert np.all(np.diff(d) <= 0) and d[0] > 0.999 and d[-1] < 1e-30
    assert desirability(np.array([4.0]), t)[0] == 0.5
    # symmetric about the threshold
    np.testing.assert_allclose(desirability(4.0 + X, t), 1 - desirability(4.0 - X, t), atol=1e-15)


def test_double_sigmoid_plateau_and_edges():
    t = Transform(kind="double_sigmoid", low=200, high=500, k=0.05)
    x = np.linspace(0, 800, 801)
    d = desirability(x, t)
    assert np.all((d >= 0) & (d <= 1))
    peak = int(np.argmax(d))
    assert np.all(np.diff(d[: peak + 1]) >= 0) and np.all(np.diff(d[peak:]) <= 0)
    assert desirability(np.array([350.0]), t)[0] > 0.99
    edges = desirability(np.array([200.0, 500.0]), t)
    np.testing.assert_allclose(edges, 0.5, atol=1e-6)
    assert desirability(np.array([0.0, 800.0]), t).max() < 1e-4


def test_nan_and_extremes_are_clean():
    t = Transform(kind="sigmoid", low=0.0, k=10.0)
    with np.errstate(all="raise"):
        d = desirability(np.array([np.nan, -1e6, 1e6]), t)
    assert d.tolist() == [0.0, 0.0, 1.0]
    assert desirability(np.array([True, False]), Transform(kind="step", high=0)).tolist() == [0, 1]


def component(prop: str, weight: float = 1.0) -> DesirabilityComponent:
    return DesirabilityComponent(
        property=prop, transform=Transform(kind="sigmoid", low=0.0, k=1.0), weight=weight
    )


def test_weighted_geometric_mean():
    frame = pd.DataFrame({"qed": [np.log(3.0), 0.0], "sa": [0.0, 0.0]})  # d = 0.75, 0.5
    equal = composite_score(frame, [component("qed"), component("sa")])
    np.testing.assert_allclose(equal, [np.sqrt(0.75 * 0.5), 0.5])
    weighted = composite_score(frame, [component("qed", 3.0), component("sa", 1.0)])
    np.testing.assert_allclose(weighted, [0.75**0.75 * 0.5**0.25, 0.5])
    assert weighted[0] > equal[0]  # more weight on the better component raises the score
    single = composite_score(frame, [component("qed", 7.0)])
    np.testing.assert_allclose(single, [0.75, 0.5])


def test_a_zero_component_gives_zero_without_warnings():
    frame = pd.DataFrame(
        {
            "qed": [2.0, 2.0, 2.0],
            "pains": pd.array([True, False, None], dtype="boolean"),
            "valid": [True, True, False],
        }
    )
    step = DesirabilityComponent(property="pains", transform=Transform(kind="step", high=0))
    with np.errstate(all="raise"):
        score = composite_score(frame, [component("qed"), step])
    assert score[0] == 0.0 and score[2] == 0.0
    np.testing.assert_allclose(score[1], np.sqrt(1 / (1 + np.exp(-2.0))))


def test_missing_values_score_zero_and_components_are_required():
    frame = pd.DataFrame({"sa": [np.nan, 1.0]})
    assert composite_score(frame, [component("sa")])[0] == 0.0
    with pytest.raises(ValueError):
        composite_score(frame, [])
