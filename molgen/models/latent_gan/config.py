"""Typed configuration of the LatentGAN family."""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field, field_validator

from molgen.models.base import ModelConfig
from molgen.models.vae.config import VAEConfig

__all__ = ["LatentGANConfig"]


class LatentGANConfig(ModelConfig):
    """A Wasserstein GAN with gradient penalty over the latent space of a trained VAE.

    The generator maps Gaussian noise to latent codes, the critic tells them from the VAE's
    codes of training molecules, and the VAE's decoder turns generated codes into SMILES.
    """

    model_config = ConfigDict(extra="forbid")

    name: Literal["latent_gan"] = "latent_gan"
    vae_checkpoint: str | None = Field(
        default=None,
        description="A trained VAE checkpoint to reuse. When unset, the pipeline reuses the "
        "run's own VAE family, or trains one from ``vae`` first.",
    )
    vae: VAEConfig = Field(
        default_factory=VAEConfig,
        description="The VAE to train first ([model.vae]); when a trained VAE is reused, its "
        "own config replaces this.",
    )
    noise_size: int = Field(default=64, ge=1, description="Width of the generator's noise.")
    generator_sizes: list[int] = Field(
        default=[256, 256], description="Hidden layer widths of the generator MLP."
    )
    critic_sizes: list[int] = Field(
        default=[256, 256], description="Hidden layer widths of the critic MLP."
    )
    n_critic: int = Field(default=5, ge=1, description="Critic updates per generator update.")
    gradient_penalty: float = Field(default=10.0, ge=0, description="WGAN-GP weight (lambda).")
    monitor_samples: int = Field(
        default=1000,
        ge=0,
        description="Molecules decoded after each epoch to log validity and uniqueness "
        "(mode-collapse signal); 0 turns this off.",
    )

    @field_validator("generator_sizes", "critic_sizes")
    @classmethod
    def _positive_sizes(cls, value: list[int]) -> list[int]:
        if not value or any(size < 1 for size in value):
            raise ValueError("needs at least one layer, each of width >= 1")
        return value
