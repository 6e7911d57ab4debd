"""The CharRNN family: a token-level LSTM language model of SMILES."""

from __future__ import annotations

from molgen.models.char_rnn.config import CharRNNConfig
from molgen.models.char_rnn.generator import CharRNNGenerator
from molgen.models.char_rnn.model import CharRNN

__all__ = ["CharRNN", "CharRNNConfig", "CharRNNGenerator"]
