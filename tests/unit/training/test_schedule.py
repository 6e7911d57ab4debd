"""Warm-up + cosine learning-rate schedule driven by step or wall-clock progress."""

from __future__ import annotations

import numpy as np
import pytest

from molgen.training.schedule import lr_factor, progress


def cosine(step: int, done: float, warmup: int = 10) -> float:
    return lr_factor(step, done, warmup_steps=warmup, schedule="cosine", min_lr_ratio=0.1)


def test_warmup_rises_linearly_to_the_peak() -> None:
    factors = [cosine(step, 0.0) for step in range(12)]
    assert factors[:10] == pytest.approx([(s + 1) / 10 for s in range(10)])
    assert factors[9] == factors[10] == factors[11] == pytest.approx(1.0)


def test_cosine_falls_monotonically_from_peak_to_floor() -> None:
    done = np.linspace(0, 1, 101)
    factors = np.array([cosine(1000, d) for d in done])
    assert factors[0] == pytest.approx(1.0)
    assert factors[50] == pytest.approx(0.1 + 0.9 * 0.5)
    assert factors[-1] == pytest.approx(0.1)
    assert (np.diff(factors) <= 0).all()
    assert cosine(1000, 1.7) == pytest.approx(0.1)  # clipped beyond the end


def test_constant_schedule_keeps_the_peak_after_warmup() -> None:
    kwargs = {"warmup_steps": 4, "schedule": "constant", "min_lr_ratio": 0.1}
    assert lr_factor(1, 0.9, **kwargs) == pytest.approx(0.5)
    assert lr_factor(100, 0.9, **kwargs) == 1.0
    assert lr_factor(0, 0.0, warmup_steps=0, schedule="constant", min_lr_ratio=0.1) == 1.0


def test_progress_follows_whichever_budget_runs_out_first() -> None:
    assert progress(50, 100, 10.0, None) == pytest.approx(0.5)
    assert progress(50, 100, 90.0, 100.0) == pytest.approx(0.9)  # time is ahead
    assert progress(80, 100, 10.0, 100.0) == pytest.approx(0.8)  # steps are ahead
    assert progress(500, 100, 500.0, 100.0) == 1.0
    assert progress(0, 0, 0.0, None) == 0.0
