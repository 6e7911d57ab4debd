"""The CharRNN network: token embedding -> stacked LSTM -> linear layer over the vocabulary."""

from __future__ import annotations

import torch
from torch import nn

from molgen.models.decoding import draw_tokens, shifted_token_nll

__all__ = ["CharRNN", "LSTMState"]

LSTMState = tuple[torch.Tensor, torch.Tensor]


class CharRNN(nn.Module):
    """A token-level language model of SMILES, trained by teacher forcing.

    Args:
        vocab_size: number of tokens, special tokens included.
        embedding_dim: width of the token embedding.
        hidden_size: LSTM units per layer.
        num_layers: stacked LSTM layers.
        dropout: dropout between LSTM layers and on the last layer's output.
        pad_id: the padding token; its targets are ignored by the loss.
    """

    def __init__(
        self,
        vocab_size: int,
        embedding_dim: int,
        hidden_size: int,
        num_layers: int,
        dropout: float,
        pad_id: int,
    ) -> None:
        super().__init__()
        self.pad_id = pad_id
        self.embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx=pad_id)
        self.lstm = nn.LSTM(
            embedding_dim,
            hidden_size,
            num_layers,
            batch_first=True,
            dropout=dropout if num_layers > 1 else 0.0,
        )
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(hidden_size, vocab_size)

    def forward(
        self, tokens: torch.Tensor, state: LSTMState | None = None
    ) -> tuple[torch.Tensor, LSTMState]:
        """Logits for the token after each position.

        Args:
            tokens: ``(batch, time)`` token ids.
            state: LSTM ``(h, c)`` carried over from earlier steps, or None to start afresh.

        Returns:
            ``(batch, time, vocab)`` logits and the new LSTM state.
        """
        hidden, state = self.lstm(self.embedding(tokens), state)
        return self.head(self.dropout(hidden)), state

    def token_nll(self, tokens: torch.Tensor) -> torch.Tensor:
        """Negative log-likelihood of every token after the first, given its prefix.

        Args:
            tokens: ``(batch, time)`` padded sequences, each starting with ``<bos>``.

        Returns:
            ``(batch, time - 1)`` float32 NLLs, zero where the target is padding.
        """
        logits, _ = self(tokens[:, :-1])
        return shifted_token_nll(logits, tokens[:, 1:], self.pad_id)

    @torch.no_grad()
    def sample(
        self,
        n: int,
        *,
        bos_id: int,
        eos_id: int,
        banned_ids: list[int],
        max_length: int,
        temperature: float,
        generator: torch.Generator | None = None,
        check_every: int = 8,
    ) -> torch.Tensor:
        """Draw ``n`` token sequences, all in one batch on the module's device.

        A sequence stops at its first ``<eos>``; later positions are ``pad_id``. Whether every
        sequence has finished is checked (one host sync) only every ``check_every`` steps.

        Args:
            n: number of sequences.
            bos_id: the start token fed first.
            eos_id: the end token.
            banned_ids: tokens never drawn (padding, ``<bos>``, ``<unk>``).
            max_length: most tokens drawn per sequence (``<eos>`` included).
            temperature: divides the logits; below 1 sharpens the distribution.
            generator: torch random generator on the module's device, for seeding.
            check_every: steps between checks for early stopping.

        Returns:
            ``(n, steps)`` token ids with ``steps <= max_length``, excluding ``<bos>``.
        """
        state: LSTMState | None = None

        def next_logits(t: int, last: torch.Tensor) -> torch.Tensor:
            nonlocal state
            logits, state = self(last.unsqueeze(1), state)
            return logits[:, -1]

        return draw_tokens(
            next_logits, n, bos_id=bos_id, eos_id=eos_id, pad_id=self.pad_id,
            banned_ids=banned_ids, vocab_size=self.head.out_features, max_length=max_length,
            device=self.head.weight.device, temperature=temperature, generator=generator,
            check_every=check_every,
        )  # fmt: skip
