"""The VAE family: SMILES or graph encoder, Gaussian latent, autoregressive GRU decoder."""

from __future__ import annotations

from molgen.models.vae.config import VAEConfig
from molgen.models.vae.generator import VAEGenerator
from molgen.models.vae.model import VAE

__all__ = ["VAE", "VAEConfig", "VAEGenerator"]
