"""The transformer family: a decoder-only (GPT-style) language model of SMILES tokens."""

from __future__ import annotations

from molgen.models.transformer.config import TransformerConfig
from molgen.models.transformer.generator import TransformerGenerator
from molgen.models.transformer.model import SmilesTransformer

__all__ = ["SmilesTransformer", "TransformerConfig", "TransformerGenerator"]
