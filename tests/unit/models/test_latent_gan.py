"""The LatentGAN family: WGAN-GP losses, the critic/generator alternation, the protocol."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch

from molgen.data.tokenizer import Vocabulary
from molgen.models.base import Generator, LikelihoodUnavailable
from molgen.models.char_rnn import CharRNNGenerator
from molgen.models.latent_gan import LatentGANConfig, LatentGANGenerator
from molgen.models.latent_gan.model import LatentCritic, critic_loss, generator_loss
from molgen.models.loading import load_generator
from molgen.models.vae import VAEConfig, VAEGenerator
from molgen.training.config import TrainConfig
from molgen.training.trainer import Trainer
from molgen.utils.errors import ConfigError, InputError

VAE = VAEConfig(
    latent_size=8,
    embedding_dim=8,
    encoder_hidden_size=16,
    decoder_hidden_size=24,
    decoder_layers=1,
)


@pytest.fixture(scope="module")
def smiles(data_dir: Path) -> list[str]:
    return pd.read_csv(data_dir / "moses_300.csv")["smiles"].tolist()[:60]


@pytest.fixture
def vae_checkpoint(smiles: list[str], tmp_path: Path) -> Path:
    torch.manual_seed(0)
    VAEGenerator(VAE, Vocabulary.build(smiles).to_list(), device="cpu").save(tmp_path / "v.pt")
    return tmp_path / "v.pt"


def make_gan(smiles: list[str], vae_checkpoint: Path, device: str = "cpu", **overrides):
    config = LatentGANConfig(
        vae_checkpoint=str(vae_checkpoint),
        noise_size=8,
        generator_sizes=[16],
        critic_sizes=[16],
        monitor_samples=20,
        **overrides,
    )
    torch.manual_seed(0)
    return LatentGANGenerator.for_training(config, smiles, device)


def test_for_training_needs_a_vae(smiles: list[str]) -> None:
    with pytest.raises(ConfigError, match="vae_checkpoint"):
        LatentGANGenerator.for_training(LatentGANConfig(), smiles, "cpu")


def test_for_training_takes_the_vae_config_and_vocabulary(
    smiles: list[str], vae_checkpoint: Path, device: str
) -> None:
    gan = make_gan(smiles, vae_checkpoint, device)
    assert isinstance(gan, Generator)
    assert gan.config.vae == VAE
    assert gan.vocabulary == Vocabulary.build(smiles)
    assert not any(p.requires_grad for p in gan.module["vae"].parameters())
    assert gan.module["critic"].net[0].weight.device.type == gan.device.type


def test_critic_loss_and_generator_loss_touch_only_their_network() -> None:
    torch.manual_seed(0)
    critic = LatentCritic(4, [8])
    real = torch.randn(16, 4)
    fake = torch.randn(16, 4, requires_grad=True)
    loss, wasserstein, penalty = critic_loss(critic, real, fake, penalty_weight=10.0)
    loss.backward()
    assert fake.grad is None, "generated codes are detached in the critic's loss"
    assert all(p.grad is not None for p in critic.parameters())
    assert penalty.item() >= 0 and torch.isfinite(wasserstein)
    critic.zero_grad(set_to_none=True)
    generator_loss(critic, fake).backward()
    assert fake.grad is not None
    assert all(p.grad is None for p in critic.parameters()), "the critic is held fixed"


def test_generator_is_updated_only_every_n_critic_steps(
    smiles: list[str], vae_checkpoint: Path
) -> None:
    gan = make_gan(smiles, vae_checkpoint, n_critic=3)
    batch = gan.collate(gan.prepare(smiles[:16]))
    assert batch.shape == (16, VAE.latent_size)
    generator_params = list(gan.module["generator"].parameters())
    for step, expect_generator in [(0, False), (1, False), (2, True)]:
        gan.module.zero_grad(set_to_none=True)
        gan.set_progress(step, 0.0)
        loss, count = gan.training_loss(batch)
        loss.backward()
        assert count.item() == 16
        assert all((p.grad is not None) == expect_generator for p in generator_params)
    metrics = gan.interval_metrics()
    assert {"wasserstein", "gradient_penalty", "critic_loss", "generator_loss"} <= set(metrics)
    assert gan.interval_metrics() == {}, "the averages restart after each call"


def test_sample_is_seeded_and_likelihood_is_unavailable(
    smiles: list[str], vae_checkpoint: Path, device: str
) -> None:
    gan = make_gan(smiles, vae_checkpoint, device)
    first = gan.sample(12, seed=5, batch_size=5, max_length=30)
    assert len(first) == 12 and all(isinstance(s, str) for s in first)
    assert first == gan.sample(12, seed=5, batch_size=5, max_length=30)
    with pytest.raises(LikelihoodUnavailable, match="no tractable likelihood"):
        gan.likelihood(["CCO"])
    metrics = gan.epoch_metrics([])
    assert set(metrics) == {"monitor_validity", "monitor_uniqueness"}
    assert 0 <= metrics["monitor_uniqueness"] <= 1


def test_save_load_round_trip_carries_the_vae(
    smiles: list[str], vae_checkpoint: Path, tmp_path: Path
) -> None:
    gan = make_gan(smiles, vae_checkpoint)
    gan.save(tmp_path / "gan.pt")
    loaded = load_generator(tmp_path / "gan.pt", device="cpu")
    assert isinstance(loaded, LatentGANGenerator)
    assert loaded.config == gan.config
    assert loaded.sample(8, seed=1, max_length=30) == gan.sample(8, seed=1, max_length=30)
    codes = torch.zeros(2, VAE.latent_size)
    assert loaded.vae.decode(codes, greedy=True) == gan.vae.decode(codes, greedy=True)
    with pytest.raises(InputError, match="holds a 'latent_gan' model, not 'vae'"):
        VAEGenerator.load(tmp_path / "gan.pt")
    with pytest.raises(InputError, match="holds a 'vae' model, not 'latent_gan'"):
        LatentGANGenerator.load(vae_checkpoint)
    with pytest.raises(InputError, match="not 'char_rnn'"):
        CharRNNGenerator.load(tmp_path / "gan.pt")


def test_training_through_the_trainer_resumes(
    smiles: list[str], vae_checkpoint: Path, tmp_path: Path
) -> None:
    config = TrainConfig(
        batch_size=16, lr=1e-3, betas=(0.5, 0.9), grad_clip=0, warmup_steps=0,
        max_epochs=2, patience=5, progress_bar=False, log_every_steps=2,
    )  # fmt: skip
    logged: list[dict[str, float]] = []
    gan = make_gan(smiles, vae_checkpoint)
    first = gan.fit(
        smiles[:48],
        smiles[48:],
        Trainer(config),
        tmp_path,
        log_metrics=lambda m, s: logged.append(m),
    )
    assert first.epochs == 2 and np.isfinite(first.best_val_loss)
    assert any("monitor_uniqueness" in m for m in logged)
    assert any("wasserstein" in m for m in logged)

    longer = config.model_copy(update={"max_epochs": 3})
    resumed = make_gan(smiles, vae_checkpoint)
    result = Trainer(longer).fit(resumed, smiles[:48], smiles[48:], tmp_path, resume=True)
    assert result.epochs == 3 and result.steps == first.steps * 3 // 2
