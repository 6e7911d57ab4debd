"""A VAE overfit on ~100 short MOSES molecules, shared by the VAE and LatentGAN tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import torch

from molgen.data.tokenizer import Vocabulary
from molgen.models.vae import VAEConfig, VAEGenerator
from molgen.training.config import TrainConfig
from molgen.training.trainer import Trainer


@dataclass(frozen=True)
class OverfitVAE:
    """A VAE trained to overfit ``train``, with its per-epoch training losses."""

    checkpoint: Path
    train: list[str]
    epochs: int
    losses: list[float]


def overfit_smiles(data_dir: Path) -> tuple[list[str], list[str], list[str]]:
    """The 100 shortest molecules of ``moses_300.csv`` (train), 20 more (valid), and all."""
    smiles = sorted(pd.read_csv(data_dir / "moses_300.csv")["smiles"], key=len)
    return smiles[:100], smiles[100:120], smiles


def train_overfit_vae(encoder: str, data_dir: Path, out_dir: Path) -> OverfitVAE:
    """Train a small VAE with ``encoder`` for 30 epochs on the 100 shortest test molecules."""
    train, valid, smiles = overfit_smiles(data_dir)
    torch.manual_seed(0)
    config = VAEConfig(
        encoder=encoder, latent_size=16, embedding_dim=32, encoder_hidden_size=64,
        gnn_hidden_size=64, gnn_layers=3, decoder_hidden_size=256, decoder_layers=1,
        kl_weight=0.1, kl_anneal_end=0.5,
    )  # fmt: skip
    generator = VAEGenerator(config, Vocabulary.build(smiles).to_list(), device="auto")
    train_config = TrainConfig(
        batch_size=10, lr=1e-2, warmup_steps=10, max_epochs=30, patience=30, min_lr_ratio=0.01,
        progress_bar=False, log_every_steps=10,
    )  # fmt: skip
    losses: list[float] = []

    def log(metrics: dict[str, float], step: int) -> None:
        if "epoch_train_loss" in metrics:
            losses.append(metrics["epoch_train_loss"])

    result = generator.fit(train, valid, Trainer(train_config), out_dir, log_metrics=log)
    return OverfitVAE(result.checkpoint, train, result.epochs, losses)
