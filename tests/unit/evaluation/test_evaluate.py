"""evaluate(): every metric at once, defined values on odd input, cached reference statistics."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest

from molgen.chem.mol import canonical_smiles
from molgen.data.dataset import CuratedDataset
from molgen.evaluation import evaluate as evaluate_module
from molgen.evaluation.evaluate import (
    METRIC_NAMES,
    evaluate,
    metrics_json,
    reference_key,
    write_metrics,
)
from molgen.utils.errors import InputError

NAN_WHEN_NO_VALID = {
    "FCD/Test", "SNN/Test", "Frag/Test", "Scaf/Test", "FCD/TestSF", "SNN/TestSF",
    "Frag/TestSF", "Scaf/TestSF", "IntDiv", "IntDiv2", "logP", "SA", "QED", "weight",
    "kl_score", "fcd_score",
}  # fmt: skip


def write_dataset(root: Path, smiles: list[str], scaffolds: bool = True) -> Path:
    """A curated-dataset directory: canonical SMILES split 200/20/40/40."""
    canon = [canonical_smiles(s) for s in smiles]
    root.mkdir(parents=True, exist_ok=True)
    splits = {"train": canon[:200], "valid": canon[200:220], "test": canon[220:260]}
    if scaffolds:
        splits["test_scaffolds"] = canon[260:]
    for name, part in splits.items():
        pd.DataFrame({"smiles": part}).to_parquet(root / f"{name}.parquet")
    return root


@pytest.fixture(scope="module")
def dataset(tmp_path_factory, moses_smiles) -> Path:
    return write_dataset(tmp_path_factory.mktemp("evaluate") / "data", moses_smiles)


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("evaluate-cache")


def run(generated, dataset: Path, cache: Path) -> dict[str, float]:
    return evaluate(generated, dataset, cache_dir=cache, device="cpu")


def test_all_keys_in_order_and_in_range(dataset, cache, moses_smiles):
    metrics = run(moses_smiles[:100], dataset, cache)
    assert tuple(metrics) == METRIC_NAMES
    assert metrics["valid"] == 1.0
    assert metrics["unique@1000"] == metrics["unique@10000"] == 1.0
    assert metrics["Novelty"] == 0.0  # the first 100 are all in train
    for name in ("SNN/Test", "Frag/Test", "IntDiv", "IntDiv2", "Filters", "kl_score"):
        assert 0.0 <= metrics[name] <= 1.0, name
    assert metrics["FCD/Test"] > 0
    assert metrics["fcd_score"] == pytest.approx(math.exp(-0.2 * metrics["FCD/Test"]))


def test_the_test_set_against_itself(dataset, cache):
    test = CuratedDataset.open(dataset).smiles("test")
    metrics = run(test, dataset, cache)
    assert metrics["FCD/Test"] == pytest.approx(0.0, abs=1e-3)
    assert metrics["fcd_score"] == pytest.approx(1.0, abs=1e-3)
    assert metrics["SNN/Test"] == pytest.approx(1.0)
    assert metrics["Frag/Test"] == pytest.approx(1.0)
    assert metrics["kl_score"] == pytest.approx(1.0)
    for name in ("logP", "SA", "QED", "weight"):
        assert metrics[name] == pytest.approx(0.0, abs=1e-9)


@pytest.mark.parametrize("generated", [[], ["not a smiles", "", None, "c1cccc1"]])
def test_nothing_valid_gives_zeros_and_nan(dataset, cache, generated):
    metrics = run(generated, dataset, cache)
    assert tuple(metrics) == METRIC_NAMES
    assert metrics["valid"] == 0.0
    assert metrics["unique@1000"] == metrics["Novelty"] == metrics["Filters"] == 0.0
    for name in NAN_WHEN_NO_VALID:
        assert math.isnan(metrics[name]), name


def test_one_valid_molecule_has_no_fcd(dataset, cache):
    metrics = run(["CCO", "c1cccc1"], dataset, cache)  # the second cannot be kekulised
    assert metrics["valid"] == 0.5
    assert math.isnan(metrics["FCD/Test"]) and math.isnan(metrics["fcd_score"])
    assert math.isnan(metrics["kl_score"])
    assert metrics["Novelty"] == 1.0
    assert not math.isnan(metrics["SNN/Test"])


def test_duplicates_and_fewer_than_k(dataset, cache, moses_smiles):
    metrics = run(moses_smiles[:3] * 4, dataset, cache)
    assert metrics["valid"] == 1.0
    assert metrics["unique@1000"] == metrics["unique@10000"] == pytest.approx(0.25)
    assert not math.isnan(metrics["FCD/Test"])
    assert not math.isnan(metrics["kl_score"])


def test_reference_statistics_are_computed_once(tmp_path, moses_smiles, monkeypatch):
    data = write_dataset(tmp_path / "data", moses_smiles)
    calls: list[int] = []
    real = evaluate_module.reference_stats

    def counting(smiles, **kwargs):
        calls.append(len(smiles))
        return real(smiles, **kwargs)

    monkeypatch.setattr(evaluate_module, "reference_stats", counting)
    monkeypatch.delenv("MOLGEN_CACHE_DIR", raising=False)
    first = evaluate(moses_smiles[:50], data, device="cpu")
    assert calls == [40, 40]  # test and test_scaffolds
    assert list((data / "reference_stats").glob("*/test*.npz"))
    second = evaluate(moses_smiles[:50], data, device="cpu")
    assert calls == [40, 40]
    assert json.loads(metrics_json(first)) == json.loads(metrics_json(second))

    pd.DataFrame({"smiles": moses_smiles[200:240]}).to_parquet(data / "test.parquet")
    evaluate(moses_smiles[:50], data, device="cpu")  # another test split: a new key
    assert calls == [40, 40, 40, 40]


def test_cache_key_and_corrupt_cache_files(tmp_path, moses_smiles, monkeypatch):
    data = write_dataset(tmp_path / "data", moses_smiles)
    dataset = CuratedDataset.open(data)
    key = reference_key(dataset)
    assert evaluate_module.chemnet_version().startswith("ChemNet_v0.13_pretrained.pt:")
    monkeypatch.setattr(evaluate_module, "chemnet_version", lambda: "ChemNet_other")
    assert reference_key(dataset) != key  # another ChemNet: another cache entry
    monkeypatch.undo()

    first = run(moses_smiles[:50], data, tmp_path / "cache")
    cached = tmp_path / "cache" / key / "test.npz"
    cached.write_bytes(b"garbage")  # a corrupt file is recomputed and rewritten
    again = run(moses_smiles[:50], data, tmp_path / "cache")
    assert json.loads(metrics_json(again)) == json.loads(metrics_json(first))
    assert evaluate_module.ReferenceStats.load(cached).n_molecules == 40


def test_cache_dir_from_environment(tmp_path, moses_smiles, monkeypatch):
    data = write_dataset(tmp_path / "data", moses_smiles, scaffolds=False)
    monkeypatch.setenv("MOLGEN_CACHE_DIR", str(tmp_path / "cache"))
    metrics = evaluate(moses_smiles[:30], data, device="cpu")
    key = reference_key(CuratedDataset.open(data))
    assert (tmp_path / "cache" / "reference_stats" / key / "test.npz").is_file()
    assert not (data / "reference_stats").exists()
    for name in ("FCD/TestSF", "SNN/TestSF", "Frag/TestSF", "Scaf/TestSF"):
        assert math.isnan(metrics[name]), name  # no scaffold split
    assert not math.isnan(metrics["FCD/Test"])


def test_not_a_dataset_or_no_test_split(tmp_path, moses_smiles):
    with pytest.raises(InputError, match="not a curated dataset"):
        evaluate(["CCO"], tmp_path)
    data = write_dataset(tmp_path / "data", moses_smiles)
    (data / "test.parquet").unlink()
    with pytest.raises(InputError, match=r"test\.parquet"):
        evaluate(["CCO"], data)


def test_json_writes_nan_as_null(tmp_path):
    metrics = {"valid": 0.5, "FCD/Test": math.nan, "kl": math.inf}
    path = write_metrics(metrics, tmp_path / "sub" / "m.json")

    def refuse(name):
        raise AssertionError(f"not strict JSON: {name}")

    assert json.loads(path.read_text(), parse_constant=refuse) == {
        "valid": 0.5,
        "FCD/Test": None,
        "kl": None,
    }
