"""The CharRNN network and generator: sampling, likelihood, trainer hooks."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch

from molgen.data.tokenizer import SPECIAL_TOKENS, Vocabulary, tokenize
from molgen.models.base import Generator
from molgen.models.char_rnn import CharRNNConfig, CharRNNGenerator

CONFIG = CharRNNConfig(embedding_dim=8, hidden_size=24, num_layers=2, dropout=0.1)


@pytest.fixture(scope="module")
def smiles(data_dir: Path) -> list[str]:
    return pd.read_csv(data_dir / "moses_300.csv")["smiles"].tolist()[:100]


@pytest.fixture
def generator(smiles: list[str], device: str) -> CharRNNGenerator:
    torch.manual_seed(0)
    return CharRNNGenerator(CONFIG, Vocabulary.build(smiles).to_list(), device=device)


def test_implements_the_generator_protocol(generator: CharRNNGenerator) -> None:
    assert isinstance(generator, Generator)
    assert generator.module.head.weight.device.type == generator.device.type


def test_sample_is_seeded_and_batched(generator: CharRNNGenerator) -> None:
    first = generator.sample(50, seed=3, batch_size=16, max_length=40)
    assert len(first) == 50
    assert first == generator.sample(50, seed=3, batch_size=16, max_length=40)
    assert first != generator.sample(50, seed=4, batch_size=16, max_length=40)


def test_samples_hold_no_special_tokens_and_respect_max_length(
    generator: CharRNNGenerator,
) -> None:
    for text in generator.sample(64, max_length=12, seed=0, temperature=1.5):
        assert not any(token in text for token in SPECIAL_TOKENS)
        assert len(tokenize(text)) <= 12


def test_sampling_leaves_training_mode_unchanged(generator: CharRNNGenerator) -> None:
    generator.module.train()
    generator.sample(4, seed=0, max_length=10)
    assert generator.module.training


def test_likelihood_matches_a_manual_computation(
    generator: CharRNNGenerator, smiles: list[str]
) -> None:
    generator.module.eval()
    values = generator.likelihood(smiles[:5], batch_size=2)
    assert values.dtype == np.float64 and values.shape == (5,)
    vocab = generator.vocabulary
    for value, text in zip(values, smiles[:5], strict=True):
        ids = torch.tensor([vocab.encode(text)], device=generator.device)
        with torch.no_grad():
            logits, _ = generator.module(ids[:, :-1])
        log_probs = torch.log_softmax(logits[0].double(), dim=-1)
        expected = log_probs.gather(1, ids[0, 1:, None]).sum().item()
        assert value == pytest.approx(expected, rel=1e-4)


def test_likelihood_is_minus_infinity_for_unknown_tokens(generator: CharRNNGenerator) -> None:
    values = generator.likelihood(["CCO", "CC[Xe]C", "c1ccccc1"])
    assert np.isneginf(values[1])
    assert np.isfinite(values[[0, 2]]).all()


def test_losses_count_real_tokens_only(generator: CharRNNGenerator) -> None:
    generator.module.eval()  # no dropout, so both losses see the same network
    batch = generator.collate(generator.prepare(["CCO", "c1ccccc1"]))
    assert batch.shape == (2, 10) and batch.device.type == generator.device.type
    total, count = generator.validation_loss(batch)
    assert count.item() == 3 + 1 + 8 + 1  # tokens after <bos>, <eos> included
    mean, same_count = generator.training_loss(batch)
    assert mean.item() == pytest.approx(total.item() / count.item(), rel=1e-5)
    assert same_count.item() == count.item()
