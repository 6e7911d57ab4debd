"""The LatentGAN family: a Wasserstein GAN over a trained VAE's latent space."""

from __future__ import annotations

from molgen.models.latent_gan.config import LatentGANConfig
from molgen.models.latent_gan.generator import LatentGANGenerator
from molgen.models.latent_gan.model import LatentCritic, LatentGenerator

__all__ = ["LatentCritic", "LatentGANConfig", "LatentGANGenerator", "LatentGenerator"]
