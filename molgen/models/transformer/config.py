"""Typed configuration of the transformer family."""

from __future__ import annotations

from typing import Literal, Self

from pydantic import ConfigDict, Field, model_validator

from molgen.models.base import ModelConfig

__all__ = ["TransformerConfig"]


class TransformerConfig(ModelConfig):
    """Token + learned position embeddings -> pre-LayerNorm causal blocks -> linear head."""

    model_config = ConfigDict(extra="forbid")

    name: Literal["transformer"] = "transformer"
    d_model: int = Field(default=256, ge=8, description="Width of the residual stream.")
    n_layers: int = Field(default=4, ge=1, description="Transformer blocks.")
    n_heads: int = Field(default=8, ge=1, description="Attention heads; must divide d_model.")
    ff_mult: int = Field(
        default=4, ge=1, description="Hidden width of each block's MLP, in multiples of d_model."
    )
    dropout: float = Field(
        default=0.0, ge=0, lt=1, description="Dropout on embeddings, attention and residuals."
    )
    max_length: int = Field(
        default=128,
        ge=2,
        le=4096,
        description="Positions in the embedding table: the longest input (<bos> included) "
        "for training and the most tokens drawn per sample.",
    )
    tie_embeddings: bool = Field(
        default=True, description="Share the token embedding with the output layer."
    )

    @model_validator(mode="after")
    def _heads_divide_width(self) -> Self:
        if self.d_model % self.n_heads:
            raise ValueError(f"n_heads ({self.n_heads}) must divide d_model ({self.d_model})")
        return self
