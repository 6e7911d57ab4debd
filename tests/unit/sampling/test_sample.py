"""Sampling to a frame, and validity / uniqueness / novelty."""

from __future__ import annotations

import pandas as pd
import pytest
import torch

from molgen.chem.mol import canonical_smiles
from molgen.data.tokenizer import Vocabulary
from molgen.models.char_rnn import CharRNNConfig, CharRNNGenerator
from molgen.sampling.config import SampleConfig
from molgen.sampling.sample import sample_metrics, sample_molecules


def frame(rows: list[tuple[str, bool]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["smiles", "valid"])


def test_metrics_on_a_hand_made_frame() -> None:
    samples = frame(
        [("CCO", True), ("CCO", True), ("c1ccccc1", True), ("CC(", False), ("CCN", True)]
    )
    metrics = sample_metrics(samples, train_smiles=["CCO", "CCC"])
    assert metrics == {
        "n": 5,
        "n_valid": 4,
        "validity": pytest.approx(0.8),
        "uniqueness": pytest.approx(3 / 4),
        "novelty": pytest.approx(2 / 3),
    }


def test_metrics_without_training_data_or_valid_samples() -> None:
    metrics = sample_metrics(frame([("C(", False), ("((", False)]))
    assert metrics == {"n": 2, "n_valid": 0, "validity": 0.0, "uniqueness": 0.0}
    assert sample_metrics(frame([]), [])["validity"] == 0.0


def test_sample_molecules_canonicalises_valid_samples(device: str) -> None:
    torch.manual_seed(0)
    vocabulary = Vocabulary.build(["CCO", "c1ccccc1N", "CC(=O)O"]).to_list()
    generator = CharRNNGenerator(
        CharRNNConfig(embedding_dim=8, hidden_size=16, num_layers=1), vocabulary, device=device
    )
    config = SampleConfig(n=300, max_length=6, batch_size=128, seed=5)
    samples = sample_molecules(generator, config)
    assert list(samples.columns) == ["smiles", "valid"] and len(samples) == 300
    assert samples["valid"].any() and not samples["valid"].all()
    raw = generator.sample(300, max_length=6, batch_size=128, seed=5)
    for text, (smiles, valid) in zip(raw, samples.itertuples(index=False), strict=True):
        expected = canonical_smiles(text)
        assert valid == (expected is not None)
        assert smiles == (expected if valid else text)
    assert samples.equals(sample_molecules(generator, config))
