"""Typed configuration of the CharRNN family."""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field

from molgen.models.base import ModelConfig

__all__ = ["CharRNNConfig"]


class CharRNNConfig(ModelConfig):
    """Token embedding -> multi-layer LSTM -> linear layer over the vocabulary."""

    model_config = ConfigDict(extra="forbid")

    name: Literal["char_rnn"] = "char_rnn"
    embedding_dim: int = Field(default=64, ge=1, description="Token embedding width.")
    hidden_size: int = Field(default=256, ge=1, description="LSTM hidden units per layer.")
    num_layers: int = Field(default=2, ge=1, description="Stacked LSTM layers.")
    dropout: float = Field(
        default=0.0, ge=0, lt=1, description="Dropout between LSTM layers and before the output."
    )
