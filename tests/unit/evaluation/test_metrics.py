from __future__ import annotations

import math

import pytest

from molgen.evaluation import ReferenceStats, canonical_set, distribution_metrics

MOSES_KEYS = {
    "valid", "unique@1000", "unique@10000", "IntDiv", "IntDiv2", "Filters", "Novelty",
    "SNN/Test", "Frag/Test", "Scaf/Test", "SNN/TestSF", "Frag/TestSF", "Scaf/TestSF",
    "logP", "SA", "QED", "weight",
}  # fmt: skip


@pytest.fixture(scope="module")
def halves(moses_smiles: list[str]) -> tuple[list[str], list[str]]:
    return moses_smiles[::2], moses_smiles[1::2]


@pytest.fixture(scope="module")
def reference(halves: tuple[list[str], list[str]]) -> ReferenceStats:
    return ReferenceStats.compute(halves[1])


def test_two_halves_of_moses(halves: tuple[list[str], list[str]], reference) -> None:
    gen, other = halves
    m = distribution_metrics(gen, train=other, test=reference, test_scaffolds=reference)
    assert set(m) == MOSES_KEYS
    assert m["valid"] == 1.0
    assert m["unique@1000"] == 1.0
    assert m["Novelty"] == 1.0
    assert m["Filters"] == 1.0
    assert m["Frag/Test"] > 0.9
    assert 0.83 < m["IntDiv"] < 0.89
    assert m["IntDiv2"] < m["IntDiv"]
    assert 0 < m["SNN/Test"] < 1
    assert m["SNN/Test"] == m["SNN/TestSF"]
    assert all(m[name] >= 0 for name in ("logP", "SA", "QED", "weight"))


def test_a_set_against_itself(halves: tuple[list[str], list[str]], reference) -> None:
    m = distribution_metrics(halves[1], train=canonical_set(halves[1]), test=reference)
    assert m["SNN/Test"] == pytest.approx(1.0)
    assert m["Frag/Test"] == pytest.approx(1.0)
    assert m["Scaf/Test"] == pytest.approx(1.0)
    assert m["Novelty"] == 0.0
    assert all(m[name] == pytest.approx(0.0) for name in ("logP", "SA", "QED", "weight"))


def test_duplicates_and_invalid(reference) -> None:
    gen = ["CCO", "OCC", "c1ccccc1", "c1cccc1", "xx"]
    m = distribution_metrics(gen, train=["C(C)O"], test=reference, k=(2, 10))
    assert m["valid"] == pytest.approx(3 / 5)
    assert m["unique@2"] == 0.5
    assert m["unique@10"] == pytest.approx(2 / 3)
    assert m["Novelty"] == 0.5
    assert 0 < m["IntDiv"] < 1


@pytest.mark.parametrize("gen", [[], ["xx", "c1cccc1", "", None]])
def test_nothing_valid_is_defined(gen: list[str | None], reference) -> None:
    m = distribution_metrics(gen, train=["CCO"], test=reference, test_scaffolds=reference)
    assert set(m) == MOSES_KEYS
    for name in ("valid", "unique@1000", "unique@10000", "Novelty", "Filters"):
        assert m[name] == 0.0
    for name in MOSES_KEYS - {"valid", "unique@1000", "unique@10000", "Novelty", "Filters"}:
        assert math.isnan(m[name]), name


def test_references_are_optional() -> None:
    assert set(distribution_metrics(["CCO"])) == {
        "valid", "unique@1000", "unique@10000", "IntDiv", "IntDiv2", "Filters",
    }  # fmt: skip
