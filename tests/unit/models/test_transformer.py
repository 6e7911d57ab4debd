"""The transformer network and generator: sampling, cache, likelihood, checkpoints, trainer."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch
from pydantic import ValidationError

from molgen.data.tokenizer import SPECIAL_TOKENS, Vocabulary, tokenize
from molgen.models.base import Generator
from molgen.models.char_rnn import CharRNNConfig, CharRNNGenerator
from molgen.models.families import generator_class
from molgen.models.transformer import TransformerConfig, TransformerGenerator
from molgen.training.config import TrainConfig
from molgen.training.trainer import Trainer
from molgen.utils.errors import InputError

CONFIG = TransformerConfig(d_model=32, n_layers=2, n_heads=4, ff_mult=2, dropout=0.1, max_length=64)


@pytest.fixture(autouse=True)
def one_thread() -> Iterator[None]:
    """One torch thread: these tiny models gain nothing from more, and a busy CPU loses."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def smiles(data_dir: Path) -> list[str]:
    return pd.read_csv(data_dir / "moses_300.csv")["smiles"].tolist()[:150]


def make(smiles: list[str], device: str = "cpu") -> TransformerGenerator:
    torch.manual_seed(0)
    return TransformerGenerator(CONFIG, Vocabulary.build(smiles).to_list(), device=device)


@pytest.fixture
def generator(smiles: list[str], device: str) -> TransformerGenerator:
    return make(smiles, device)


def test_implements_the_protocols(generator: TransformerGenerator) -> None:
    assert isinstance(generator, Generator)
    assert callable(generator.module.token_nll) and callable(generator.module.sample)
    assert generator_class("transformer") is TransformerGenerator
    assert generator.module.head.weight.device.type == generator.device.type
    assert generator.module.head.weight is generator.module.token_embedding.weight  # tied


def test_config_checks_heads_and_unknown_keys() -> None:
    with pytest.raises(ValidationError, match="must divide"):
        TransformerConfig(d_model=30, n_heads=4)
    with pytest.raises(ValidationError):
        TransformerConfig(hidden_size=8)


def test_sample_is_seeded_and_batched(generator: TransformerGenerator) -> None:
    first = generator.sample(50, seed=3, batch_size=16, max_length=40)
    assert len(first) == 50
    assert first == generator.sample(50, seed=3, batch_size=16, max_length=40)
    assert first != generator.sample(50, seed=4, batch_size=16, max_length=40)


def test_samples_hold_no_special_tokens_and_respect_max_length(
    generator: TransformerGenerator,
) -> None:
    for text in generator.sample(64, max_length=12, seed=0, temperature=1.5):
        assert not any(token in text for token in SPECIAL_TOKENS)
        assert len(tokenize(text)) <= 12


def test_sampling_past_the_position_table_is_refused(generator: TransformerGenerator) -> None:
    with pytest.raises(ValueError, match="max_length"):
        generator.sample(2, max_length=CONFIG.max_length + 1)


def test_cached_and_uncached_sampling_draw_the_same_tokens(
    generator: TransformerGenerator,
) -> None:
    generator.module.eval()
    vocab = generator.vocabulary
    draws = []
    for use_cache in (True, False):
        rng = torch.Generator(device=generator.device).manual_seed(7)
        draws.append(
            generator.module.sample(
                32,
                bos_id=vocab.bos_id,
                eos_id=vocab.eos_id,
                banned_ids=[vocab.pad_id, vocab.bos_id, vocab.unk_id],
                max_length=30,
                temperature=1.0,
                generator=rng,
                use_cache=use_cache,
            )
        )
    assert draws[0].shape[1] > 5
    assert torch.equal(draws[0], draws[1])


def test_sampling_leaves_training_mode_unchanged(generator: TransformerGenerator) -> None:
    generator.module.train()
    generator.sample(4, seed=0, max_length=10)
    assert generator.module.training


def test_likelihood_matches_a_manual_computation(
    generator: TransformerGenerator, smiles: list[str]
) -> None:
    generator.module.eval()
    values = generator.likelihood(smiles[:5], batch_size=2)  # batches pad the shorter rows
    assert values.dtype == np.float64 and values.shape == (5,)
    vocab = generator.vocabulary
    for value, text in zip(values, smiles[:5], strict=True):
        ids = torch.tensor([vocab.encode(text)], device=generator.device)
        with torch.no_grad():
            logits = generator.module(ids[:, :-1])
        log_probs = torch.log_softmax(logits[0].double(), dim=-1)
        expected = log_probs.gather(1, ids[0, 1:, None]).sum().item()
        assert value == pytest.approx(expected, rel=1e-4)


def test_molecules_longer_than_the_position_table_are_left_out(
    generator: TransformerGenerator,
) -> None:
    fitting = "C" * (CONFIG.max_length - 1)  # <bos> + 63 atoms fill the 64 positions
    long = fitting + "C"
    assert generator.encodable([fitting, long]) == [0]
    assert len(generator.prepare([fitting, long, fitting])) == 2
    values = generator.likelihood([fitting, long])
    assert np.isfinite(values[0]) and values[1] == -np.inf


def test_losses_count_real_tokens_only(generator: TransformerGenerator) -> None:
    generator.module.eval()
    batch = generator.collate(generator.prepare(["CCO", "c1ccccc1"]))
    nll = generator.module.token_nll(batch)
    assert (nll[0, 4:] == 0).all() and (nll[0, :4] > 0).all()
    total, count = generator.validation_loss(batch)
    assert count.item() == 3 + 1 + 8 + 1
    mean, _ = generator.training_loss(batch)
    assert mean.item() == pytest.approx(total.item() / count.item(), rel=1e-5)


def test_save_and_load_round_trip(generator: TransformerGenerator, tmp_path: Path) -> None:
    generator.module.eval()
    path = tmp_path / "model.pt"
    generator.save(path)
    loaded = TransformerGenerator.load(path, device=generator.device)
    assert loaded.config == CONFIG
    assert loaded.module.head.weight is loaded.module.token_embedding.weight
    molecules = ["CCO", "c1ccccc1", "CC(=O)Nc1ccccc1"]
    np.testing.assert_array_equal(loaded.likelihood(molecules), generator.likelihood(molecules))


def test_checkpoints_of_other_families_are_refused(
    generator: TransformerGenerator, smiles: list[str], tmp_path: Path
) -> None:
    generator.save(tmp_path / "transformer.pt")
    with pytest.raises(InputError):
        CharRNNGenerator.load(tmp_path / "transformer.pt")
    rnn_config = CharRNNConfig(embedding_dim=4, hidden_size=8, num_layers=1)
    rnn = CharRNNGenerator(rnn_config, Vocabulary.build(smiles).to_list(), device="cpu")
    rnn.save(tmp_path / "char_rnn.pt")
    with pytest.raises(InputError):
        TransformerGenerator.load(tmp_path / "char_rnn.pt")


class StopAt:
    """A log_metrics callback that stands for the process being killed at ``step``."""

    def __init__(self, step: int | None = None) -> None:
        self.step = step
        self.steps: list[int] = []

    def __call__(self, metrics: dict[str, float], step: int) -> None:
        if self.step is not None and step >= self.step:
            raise KeyboardInterrupt
        self.steps.append(step)


def test_resume_after_a_kill_matches_an_uninterrupted_run(
    smiles: list[str], tmp_path: Path
) -> None:
    config = TrainConfig(
        batch_size=25,
        lr=3e-3,
        warmup_steps=2,
        max_epochs=3,
        lr_schedule="constant",
        log_every_steps=1,
        progress_bar=False,
        device="cpu",
    )
    train, valid = smiles[:100], smiles[100:150]
    straight = make(smiles)
    reference = straight.fit(train, valid, Trainer(config), tmp_path / "a")
    with pytest.raises(KeyboardInterrupt):  # dies during epoch 3, after epoch 2's checkpoint
        make(smiles).fit(train, valid, Trainer(config), tmp_path / "b", log_metrics=StopAt(10))
    resumed_model, log = make(smiles), StopAt()
    resumed = resumed_model.fit(
        train, valid, Trainer(config), tmp_path / "b", resume=True, log_metrics=log
    )
    assert log.steps[0] == 9  # continues at epoch 3's first step
    assert (resumed.epochs, resumed.steps) == (reference.epochs, reference.steps) == (3, 12)
    assert resumed.best_val_loss == pytest.approx(reference.best_val_loss, abs=1e-6)
    for key, value in straight.module.state_dict().items():
        assert torch.allclose(value, resumed_model.module.state_dict()[key], atol=1e-6), key
