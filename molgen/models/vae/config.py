"""Typed configuration of the VAE family."""

from __future__ import annotations

from typing import Literal, Self

from pydantic import ConfigDict, Field, model_validator

from molgen.models.base import ModelConfig

__all__ = ["VAEConfig"]


class VAEConfig(ModelConfig):
    """A SMILES or molecular-graph encoder, a Gaussian latent and an autoregressive decoder.

    The KL weight (beta) ramps linearly from 0 at ``kl_anneal_start`` to ``kl_weight`` at
    ``kl_anneal_end``, both given as fractions of the training budget (epochs or minutes,
    whichever the trainer reports as progress).
    """

    model_config = ConfigDict(extra="forbid")

    name: Literal["vae"] = "vae"
    encoder: Literal["smiles", "graph"] = Field(
        default="smiles",
        description="smiles: bidirectional GRU over tokens; graph: GINE network over atoms.",
    )
    latent_size: int = Field(default=64, ge=1, le=1024, description="Latent dimensions.")
    embedding_dim: int = Field(
        default=64, ge=1, description="Token embedding width (shared by encoder and decoder)."
    )
    encoder_hidden_size: int = Field(
        default=256, ge=1, description="GRU units per direction and layer (SMILES encoder)."
    )
    encoder_layers: int = Field(default=1, ge=1, le=8, description="SMILES encoder GRU layers.")
    gnn_hidden_size: int = Field(default=128, ge=1, description="Graph encoder node width.")
    gnn_layers: int = Field(default=4, ge=1, le=12, description="Graph encoder GINE layers.")
    decoder_hidden_size: int = Field(default=512, ge=1, description="Decoder GRU units.")
    decoder_layers: int = Field(default=2, ge=1, le=8, description="Decoder GRU layers.")
    dropout: float = Field(
        default=0.0, ge=0, lt=1, description="Dropout in the encoders and between GRU layers."
    )
    kl_weight: float = Field(
        default=0.5, ge=0, le=1, description="Final KL weight beta (1 = the plain ELBO)."
    )
    kl_anneal_start: float = Field(
        default=0.0, ge=0, le=1, description="Training progress at which beta starts rising."
    )
    kl_anneal_end: float = Field(
        default=0.5, ge=0, le=1, description="Training progress at which beta reaches kl_weight."
    )
    free_bits: float = Field(
        default=0.0,
        ge=0,
        le=10,
        description="Nats per latent dimension (batch average) below which KL is not "
        "penalised in training; 0 disables it.",
    )

    @model_validator(mode="after")
    def _anneal_in_order(self) -> Self:
        if self.kl_anneal_end < self.kl_anneal_start:
            raise ValueError("kl_anneal_end must not come before kl_anneal_start")
        return self

    def beta(self, done: float) -> float:
        """The KL weight after a fraction ``done`` (0..1) of training."""
        if done >= self.kl_anneal_end:
            return self.kl_weight
        if done <= self.kl_anneal_start:
            return 0.0
        ramp = (done - self.kl_anneal_start) / (self.kl_anneal_end - self.kl_anneal_start)
        return self.kl_weight * ramp
