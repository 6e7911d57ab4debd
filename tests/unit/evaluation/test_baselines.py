"""The published MOSES baselines: complete rows, spot-checked against the README table."""

from __future__ import annotations

import math

import pytest

from molgen.evaluation.baselines import BASELINE_METRICS, BASELINES, CITATION, baseline


def test_models_and_complete_rows():
    assert list(BASELINES) == ["Train", "CharRNN", "VAE", "AAE", "JTN-VAE", "LatentGAN"]
    for row in BASELINES.values():
        assert list(row.metrics) == list(BASELINE_METRICS)
        for mean, std in row.metrics.values():
            assert math.isfinite(mean) and mean >= 0
            assert std is None or 0 <= std < 1


def test_spot_values():
    assert BASELINES["CharRNN"].metrics["FCD/Test"] == (0.0732, 0.0247)
    assert BASELINES["VAE"].metrics["SNN/Test"] == (0.6257, 0.0005)
    assert BASELINES["AAE"].metrics["FCD/TestSF"] == (1.0572, 0.2375)
    assert BASELINES["JTN-VAE"].metrics["valid"] == (1.0, 0.0)
    assert BASELINES["LatentGAN"].metrics["Novelty"] == (0.9498, 0.0006)
    assert BASELINES["Train"].metrics["FCD/Test"] == (0.008, None)
    assert baseline("Train", "Scaf/TestSF") == 0.0


def test_fractions_are_at_most_one():
    for row in BASELINES.values():
        for metric, (mean, _) in row.metrics.items():
            if not metric.startswith("FCD"):
                assert mean <= 1.0, (row.model, metric)


def test_missing_metric_and_unknown_model():
    assert baseline("VAE", "logP") is None
    assert baseline("VAE", "kl_score") is None
    with pytest.raises(KeyError, match="known: Train"):
        baseline("ORGAN", "valid")


def test_citation():
    assert "Polykovskiy" in CITATION and "10.3389/fphar.2020.565644" in CITATION
