"""LatentGAN overfits ~100 molecules: over an overfit VAE, its samples repeat training data."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from molgen.chem.mol import canonical_smiles
from molgen.models.latent_gan import LatentGANConfig, LatentGANGenerator
from molgen.models.loading import load_generator
from molgen.sampling.config import SampleConfig
from molgen.sampling.sample import sample_metrics, sample_molecules
from molgen.training.config import TrainConfig
from molgen.training.trainer import Trainer
from tests.overfit_vae import OverfitVAE

pytestmark = pytest.mark.slow

EPOCHS = 150


def test_latent_gan_overfits_a_tiny_dataset(overfit_smiles_vae: OverfitVAE, tmp_path: Path) -> None:
    train = overfit_smiles_vae.train
    torch.manual_seed(0)
    config = LatentGANConfig(
        vae_checkpoint=overfit_smiles_vae.checkpoint, noise_size=16, generator_sizes=[64, 64],
        critic_sizes=[64, 64], monitor_samples=0,
    )  # fmt: skip
    gan = LatentGANGenerator.for_training(config, train, "auto")
    distances: list[float] = []
    gan_train = TrainConfig(
        batch_size=20, lr=1e-3, betas=(0.5, 0.9), grad_clip=0, warmup_steps=0, max_epochs=EPOCHS,
        patience=EPOCHS, lr_schedule="constant", progress_bar=False, log_every_steps=25,
    )  # fmt: skip
    result = gan.fit(
        train,
        train[:20],
        Trainer(gan_train),
        tmp_path,
        log_metrics=lambda m, step: distances.extend(
            [m["wasserstein"]] if "wasserstein" in m else []
        ),
    )
    assert result.epochs == EPOCHS
    # The critic's estimate rises while it learns to tell the codes apart, then falls as the
    # generator catches up.
    assert abs(distances[-1]) < 0.5 * max(map(abs, distances))

    model = load_generator(result.checkpoint)
    assert isinstance(model, LatentGANGenerator)
    near_greedy = SampleConfig(n=200, temperature=0.1, seed=1)
    samples = sample_molecules(model, near_greedy)
    known = {canonical_smiles(s) for s in train}
    metrics = sample_metrics(samples, known)
    valid = samples.loc[samples["valid"].astype(bool), "smiles"]
    assert metrics["validity"] > 0.6
    assert valid.isin(known).mean() > 0.5  # most valid samples are training molecules
