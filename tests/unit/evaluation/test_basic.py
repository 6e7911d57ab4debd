from __future__ import annotations

import logging

import pytest

from molgen.evaluation import (
    canonical_set,
    canonical_valid,
    fraction_unique,
    fraction_valid,
    novelty,
)

UNKEKULIZABLE = "c1cccc1"  # parses, fails sanitisation


def test_valid_counts_parsable_and_sanitisable() -> None:
    smiles = ["CCO", "c1ccccc1", UNKEKULIZABLE, "not a smiles", "", None]
    assert fraction_valid(smiles) == pytest.approx(2 / 6)


def test_valid_of_empty_input_is_zero() -> None:
    assert fraction_valid([]) == 0.0


def test_canonical_valid_keeps_order_and_duplicates() -> None:
    assert canonical_valid(["OCC", "xx", "CCO", "C(C)O"]) == ["CCO", "CCO", "CCO"]


def test_unique_at_k_looks_at_first_k_only() -> None:
    canonical = ["CCO", "CCO", "CCN", "CCC", "CCC"]
    assert fraction_unique(canonical, 2) == 0.5
    assert fraction_unique(canonical, 3) == pytest.approx(2 / 3)
    assert fraction_unique(canonical) == pytest.approx(3 / 5)


def test_unique_at_k_with_too_few_uses_all_and_warns(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="molgen.evaluation.basic"):
        assert fraction_unique(["CCO", "CCO"], 1000) == 0.5
    assert "unique@1000" in caplog.text


def test_unique_of_nothing_is_zero() -> None:
    assert fraction_unique([], 10) == 0.0


def test_novelty_counts_distinct_molecules_not_in_train() -> None:
    train = canonical_set(["OCC", "c1ccccc1"])  # canonicalised: CCO, c1ccccc1
    assert novelty(["CCO", "CCO", "CCN", "CCC"], train) == pytest.approx(2 / 3)
    assert novelty([], train) == 0.0
