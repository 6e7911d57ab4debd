"""The transformer family as a :class:`~molgen.models.base.Generator`."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from molgen.models.autoregressive import AutoregressiveGenerator
from molgen.models.families import register_family
from molgen.models.transformer.config import TransformerConfig
from molgen.models.transformer.model import SmilesTransformer

__all__ = ["TransformerGenerator"]

logger = logging.getLogger(__name__)


@register_family("transformer", TransformerConfig)
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

    def fits(self, ids: Sequence[int]) -> bool:
        """Known tokens only, and no more positions than the table holds (``<bos>`` plus
        the SMILES; ``<eos>`` is only ever a target)."""
        return super().fits(ids) and len(ids) - 1 <= self.config.max_length

    def prepare(self, smiles: Sequence[str]) -> list[list[int]]:
        """Encoded molecules, leaving out (and counting in the log) those too long for the
        position table."""
        encoded = super().prepare(smiles)
        kept = [ids for ids in encoded if len(ids) - 1 <= self.config.max_length]
        if len(kept) < len(encoded):
            logger.warning(
                "transformer: left out %d of %d molecules longer than max_length=%d tokens",
                len(encoded) - len(kept),
                len(encoded),
                self.config.max_length,
            )
        return kept
