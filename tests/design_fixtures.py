"""A tiny trained CharRNN prior shared by the design tests (unit, CLI and integration).

It learns a toy chemistry of short acyclic chains of C, N and O (with methyl branches on
carbon), which a small network masters in seconds, so its samples are mostly valid and
varied: enough for learning to visibly move it toward an objective.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import torch

from molgen.data.tokenizer import Vocabulary
from molgen.models.char_rnn import CharRNNConfig, CharRNNGenerator
from molgen.training.config import TrainConfig
from molgen.training.trainer import Trainer


def toy_chains(n: int, seed: int = 0) -> list[str]:
    """``n`` distinct SMILES of chains of 3 to 9 atoms, about one in six a nitrogen."""
    rng = random.Random(seed)
    found: dict[str, None] = {}
    while len(found) < n:
        atoms = rng.choices(["C", "N", "O"], weights=[4, 1, 1], k=rng.randint(3, 9))
        text = "".join(a + ("(C)" if a == "C" and rng.random() < 0.2 else "") for a in atoms)
        found.setdefault(text, None)
    return list(found)


@pytest.fixture(scope="session")
def toy_smiles() -> list[str]:
    """The toy training set."""
    return toy_chains(1500)


@pytest.fixture(scope="session")
def tiny_prior_path(tmp_path_factory: pytest.TempPathFactory, toy_smiles: list[str]) -> Path:
    """A small CharRNN trained for a few seconds on the toy chains."""
    torch.manual_seed(0)
    config = CharRNNConfig(embedding_dim=16, hidden_size=64, num_layers=1, dropout=0.0)
    generator = CharRNNGenerator(config, Vocabulary.build(toy_smiles).to_list(), device="auto")
    out = tmp_path_factory.mktemp("tiny_prior")
    train = TrainConfig(batch_size=64, lr=1e-2, warmup_steps=5, max_epochs=4, patience=4,
                        min_lr_ratio=0.1, progress_bar=False, log_every_steps=50)  # fmt: skip
    result = generator.fit(toy_smiles[:1400], toy_smiles[1400:], Trainer(train), out)
    return Path(result.checkpoint)


@pytest.fixture
def tiny_prior(tiny_prior_path: Path) -> CharRNNGenerator:
    """A fresh copy of the tiny prior (tests may train it)."""
    return CharRNNGenerator.load(tiny_prior_path)
