"""The transformer family as a :class:`~molgen.models.base.Generator`."""

from __future__ import annotations

from molgen.models.autoregressive import AutoregressiveGenerator
from molgen.models.registry import register_model
from molgen.models.transformer.config import TransformerConfig
from molgen.models.transformer.model import SmilesTransformer

__all__ = ["TransformerGenerator"]


@register_model("transformer", TransformerConfig)
class TransformerGenerator(AutoregressiveGenerator):
    """A GPT-style SMILES language model behind the Generator protocol.

    Args:
        config: the network's sizes.
        vocabulary: the token list (special tokens first), e.g. ``Vocabulary.build(...)``.
        device: ``auto`` (CUDA when present), ``cpu``, ``cuda`` or ``cuda:N``.
    """

    model_type = "transformer"
    config_class = TransformerConfig
    config: TransformerConfig

    def build_module(self) -> SmilesTransformer:
        """Embeddings -> causal blocks -> linear head, sized by the config."""
        cfg = self.config
        return SmilesTransformer(
            vocab_size=len(self.vocabulary),
            d_model=cfg.d_model,
            n_layers=cfg.n_layers,
            n_heads=cfg.n_heads,
            d_ff=cfg.ff_mult * cfg.d_model,
            dropout=cfg.dropout,
            max_length=cfg.max_length,
            pad_id=self.vocabulary.pad_id,
            tie_embeddings=cfg.tie_embeddings,
        )
