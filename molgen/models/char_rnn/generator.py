"""The CharRNN family as a :class:`~molgen.models.base.Generator`."""

from __future__ import annotations

from molgen.models.autoregressive import AutoregressiveGenerator
from molgen.models.char_rnn.config import CharRNNConfig
from molgen.models.char_rnn.model import CharRNN
from molgen.models.families import register_family

__all__ = ["CharRNNGenerator"]


@register_family("char_rnn", CharRNNConfig)
class CharRNNGenerator(AutoregressiveGenerator):
    """A SMILES language model (embedding -> LSTM -> linear) behind the Generator protocol.

    Args:
        config: the network's sizes.
        vocabulary: the token list (special tokens first), e.g. ``Vocabulary.build(...)``.
        device: ``auto`` (CUDA when present), ``cpu``, ``cuda`` or ``cuda:N``.
    """

    model_type = "char_rnn"
    config_class = CharRNNConfig
    config: CharRNNConfig
    cpu_autocast = True  # bf16 LSTM training is faster on a bf16 CPU (bench_precision.py)

    def build_module(self) -> CharRNN:
        """Embedding -> LSTM -> linear, sized by the config."""
        return CharRNN(
            vocab_size=len(self.vocabulary),
            embedding_dim=self.config.embedding_dim,
            hidden_size=self.config.hidden_size,
            num_layers=self.config.num_layers,
            dropout=self.config.dropout,
            pad_id=self.vocabulary.pad_id,
        )
