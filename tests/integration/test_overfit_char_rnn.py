"""CharRNN overfits ~100 molecules: the loss collapses and samples repeat training data."""

from __future__ import annotations

import random
from pathlib import Path

import pandas as pd
import torch

from molgen.data.tokenizer import Vocabulary
from molgen.models.char_rnn import CharRNNConfig, CharRNNGenerator
from molgen.models.loading import load_generator
from molgen.sampling.config import SampleConfig
from molgen.sampling.sample import sample_metrics, sample_molecules
from molgen.training.config import TrainConfig
from molgen.training.trainer import Trainer


def test_char_rnn_overfits_a_tiny_dataset(data_dir: Path, tmp_path: Path) -> None:
    smiles = pd.read_csv(data_dir / "moses_300.csv")["smiles"].tolist()
    train, valid = smiles[:100], smiles[100:120]
    torch.manual_seed(0)
    config = CharRNNConfig(embedding_dim=32, hidden_size=256, num_layers=1)
    generator = CharRNNGenerator(config, Vocabulary.build(smiles).to_list(), device="auto")
    losses: list[float] = []
    train_config = TrainConfig(
        batch_size=10,
        lr=2e-2,
        warmup_steps=10,
        max_epochs=40,
        patience=40,
        min_lr_ratio=0.01,
        progress_bar=False,
        log_every_steps=10,
    )
    result = generator.fit(
        train,
        valid,
        Trainer(train_config),
        tmp_path,
        log_metrics=lambda metrics, step: losses.extend(
            [metrics["epoch_train_loss"]] if "epoch_train_loss" in metrics else []
        ),
    )
    assert result.epochs == 40
    assert losses[-1] < 0.2 * losses[0]

    model = load_generator(result.checkpoint)
    samples = sample_molecules(model, SampleConfig(n=200, temperature=0.7, seed=1))
    metrics = sample_metrics(samples, train)
    assert metrics["validity"] > 0.7
    assert metrics["novelty"] < 0.5  # most valid samples are training molecules

    rng = random.Random(0)
    shuffled = ["".join(rng.sample(s, len(s))) for s in train[:20]]
    assert (model.likelihood(train[:20]) > model.likelihood(shuffled)).all()
