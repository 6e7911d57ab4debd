"""Transforms: values at known points, NaN -> 0, validation."""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import TypeAdapter, ValidationError

from molgen.scoring.transforms import (
    DoubleSigmoid,
    Gaussian,
    Identity,
    ReverseSigmoid,
    Sigmoid,
    Step,
    Transform,
    ValueMapping,
    desirability,
)

X = np.array([-1.0, 0.0, 2.5, 5.0, 5.1, np.nan])


def s(z: float) -> float:
    return 1.0 / (1.0 + np.exp(-z))


def test_sigmoid_and_reverse_sigmoid():
    rising = desirability(X, Sigmoid(center=2.5, k=2.0))
    assert rising[2] == 0.5 and rising[-1] == 0.0
    np.testing.assert_allclose(rising[:5], [s(2 * (x - 2.5)) for x in X[:5]])
    assert np.all(np.diff(rising[:5]) > 0)
    falling = desirability(X, ReverseSigmoid(center=2.5, k=2.0))
    np.testing.assert_allclose(falling[:5], 1 - rising[:5])
    assert falling[-1] == 0.0
    with np.errstate(all="raise"):  # saturates to exactly 0 and 1, no overflow warning
        extreme = desirability(np.array([-1e6, 1e6]), Sigmoid(center=0, k=10))
    assert extreme.tolist() == [0.0, 1.0]


def test_double_sigmoid():
    d = desirability(np.array([350.0, 200.0, 500.0, 0.0, 900.0, np.nan]),
                     DoubleSigmoid(low=200, high=500, k=0.05))  # fmt: skip
    assert d[0] == pytest.approx(s(7.5) ** 2)
    assert d[1] == pytest.approx(0.5 * s(15)) and d[2] == pytest.approx(0.5 * s(15))
    assert d[3] < 1e-4 and d[4] < 1e-8 and d[5] == 0.0
    with pytest.raises(ValidationError, match="low must not exceed high"):
        DoubleSigmoid(low=5, high=1)


def test_step_left_right_and_both():
    assert desirability(X, Step(high=0)).tolist() == [1, 1, 0, 0, 0, 0]  # left
    assert desirability(X, Step(low=2.5)).tolist() == [0, 0, 1, 1, 1, 0]  # right
    assert desirability(X, Step(low=0, high=5)).tolist() == [0, 1, 1, 1, 0, 0]  # both
    assert desirability(np.array([True, False]), Step(high=0)).tolist() == [0, 1]
    with pytest.raises(ValidationError, match="low, high or both"):
        Step()


def test_gaussian():
    d = desirability(np.array([3.0, 4.0, 1.0, np.nan]), Gaussian(center=3, sigma=1))
    np.testing.assert_allclose(d, [1.0, np.exp(-0.5), np.exp(-2.0), 0.0])
    with pytest.raises(ValidationError):
        Gaussian(center=3, sigma=0)


def test_value_mapping():
    t = ValueMapping(mapping={"0": 1.0, "1": 0.5, "2.5": 0.2}, default=0.1)
    d = desirability(np.array([0.0, 1.0, 2.5, 7.0, np.nan]), t)
    np.testing.assert_allclose(d, [1.0, 0.5, 0.2, 0.1, 0.0])
    with pytest.raises(ValidationError, match="'two' is not a number"):
        ValueMapping(mapping={"two": 1.0})
    with pytest.raises(ValidationError):
        ValueMapping(mapping={"1": 1.5})


def test_none_clips_to_unit_interval():
    d = desirability(np.array([-0.2, 0.0, 0.3, 1.0, 1.7, np.nan]), Identity())
    np.testing.assert_allclose(d, [0.0, 0.0, 0.3, 1.0, 1.0, 0.0])


def test_kind_selects_the_transform():
    adapter = TypeAdapter(Transform)
    assert isinstance(adapter.validate_python({"kind": "gaussian", "center": 1, "sigma": 2}),
                      Gaussian)  # fmt: skip
    assert isinstance(adapter.validate_python({"kind": "none"}), Identity)
    with pytest.raises(ValidationError, match="sigmod"):
        adapter.validate_python({"kind": "sigmod", "center": 1})
    with pytest.raises(ValidationError, match="Extra inputs"):
        adapter.validate_python({"kind": "sigmoid", "center": 1, "low": 0})
