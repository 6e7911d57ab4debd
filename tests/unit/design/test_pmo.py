"""PMO's figures: top-k means and the top-k AUC with its padding."""

from __future__ import annotations

import pytest

from molgen.design.pmo import design_summary, top_k_auc, top_k_mean


def test_top_k_mean():
    assert top_k_mean([0.1, 0.9, 0.5], 2) == pytest.approx(0.7)
    assert top_k_mean([0.4], 10) == pytest.approx(0.4)
    assert top_k_mean([], 10) == 0.0


def test_auc_by_hand_with_padding_to_the_budget():
    scores = [0.1] * 100 + [0.5] * 100
    # trapezoids: 100 * (0 + 0.1) / 2 = 5, then 100 * (0.1 + 0.5) / 2 = 30;
    # the run stopped at 200 of 400 calls: 200 * 0.5 = 100 more. (5 + 30 + 100) / 400.
    assert top_k_auc(scores, 1, budget=400) == pytest.approx(135 / 400)


def test_auc_ends_at_the_last_call_and_never_past_the_budget():
    scores = [1.0] * 150
    # marks at 100 and 150: 100 * 0.5 + 50 * 1.0 = 100, over a budget of 150
    assert top_k_auc(scores, 1, budget=150) == pytest.approx(100 / 150)
    assert top_k_auc(scores + [0.0] * 50, 1, budget=150) == pytest.approx(100 / 150)
    assert top_k_auc([], 10, budget=100) == 0.0


def test_summary_has_the_headline_figures():
    summary = design_summary([0.2, 0.4, 0.9], budget=100)
    assert summary["top1_mean"] == 0.9 and summary["oracle_calls"] == 3
    assert summary["top10_mean"] == pytest.approx(0.5)
    assert 0 < summary["top10_auc"] < summary["top10_mean"]
