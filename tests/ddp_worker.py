"""One process of a real two-process DDP training run (Gloo on CPU), for the tests.

:func:`train_rank` is what ``torch.multiprocessing.spawn`` runs in each process: it sets the
variables ``torchrun`` would set and trains a small CharRNN through the shared trainer.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import torch

from molgen.data.tokenizer import Vocabulary
from molgen.models.char_rnn import CharRNNConfig, CharRNNGenerator
from molgen.training.config import TrainConfig
from molgen.training.trainer import Trainer

MODEL = CharRNNConfig(embedding_dim=16, hidden_size=32, num_layers=1, dropout=0.0)
TRAIN = TrainConfig(
    batch_size=16, lr=5e-3, warmup_steps=2, max_epochs=2, progress_bar=False, log_every_steps=2
)


def molecules(data_dir: str) -> tuple[list[str], list[str]]:
    """100 training and 50 validation SMILES of the MOSES test fixture."""
    smiles = pd.read_csv(Path(data_dir) / "moses_300.csv")["smiles"].tolist()
    return smiles[:100], smiles[100:150]


def generator(train: list[str]) -> CharRNNGenerator:
    """The same freshly initialised network in every process (seeded)."""
    torch.manual_seed(0)
    return CharRNNGenerator(MODEL, Vocabulary.build(train).to_list(), device="cpu")


def train_rank(rank: int, world_size: int, port: int, data_dir: str, work: str) -> None:
    """Train as rank ``rank`` of ``world_size``; write what this rank saw to ``work``."""
    os.environ.update(
        RANK=str(rank), LOCAL_RANK=str(rank), WORLD_SIZE=str(world_size),
        MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port),
    )  # fmt: skip
    torch.set_num_threads(1)
    train, valid = molecules(data_dir)
    model = generator(train)
    logged: list[tuple[dict[str, float], int]] = []
    result = model.fit(
        train, valid, Trainer(TRAIN), Path(work) / "model",
        log_metrics=lambda metrics, step: logged.append((metrics, step)),
    )  # fmt: skip
    weights = [p.detach().double().sum().item() for p in model.module.parameters()]
    out = {"result": result.model_dump(), "logged": logged, "weights": weights}
    (Path(work) / f"rank{rank}.json").write_text(json.dumps(out))
