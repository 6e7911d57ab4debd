"""Autoregressive SMILES language models (CharRNN, transformer) behind the Generator protocol.

The network of such a family implements :class:`TokenLanguageModel`: the NLL of every token
given its prefix (teacher forcing) and batched sampling on its own device. Everything else,
the loss hooks for the trainer, ``sample`` and ``likelihood``, is shared here. ``likelihood``
is exact and differentiable in the network, which goal-directed (RL) fine-tuning needs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np
import torch

from molgen.data.batching import sorted_batches
from molgen.models.token_generator import TokenGenerator, evaluating

__all__ = ["LIKELIHOOD_BUCKET", "AutoregressiveGenerator", "TokenLanguageModel"]

LIKELIHOOD_BUCKET = 48
"""Sequences per network call in :meth:`AutoregressiveGenerator.sequence_log_likelihood`."""


class TokenLanguageModel(Protocol):
    """The network of an autoregressive family."""

    def token_nll(self, tokens: torch.Tensor) -> torch.Tensor:
        """``(batch, time - 1)`` NLL of each token after the first, zero at padding."""
        ...

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
    ) -> torch.Tensor:
        """``(n, steps)`` drawn token ids (``<bos>`` excluded), padded after ``<eos>``."""
        ...


class AutoregressiveGenerator(TokenGenerator):
    """A family whose ``module`` is a :class:`TokenLanguageModel`."""

    def validation_loss(self, batch: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Summed token NLL of a batch and its token count (both device tensors)."""
        nll = self.module.token_nll(batch)
        return nll.sum(), (batch[:, 1:] != self.vocabulary.pad_id).sum()

    def training_loss(self, batch: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Mean token NLL to minimise (teacher forcing) and the token count it averages."""
        total, count = self.validation_loss(batch)
        return total / count, count

    def sample(
        self,
        n: int,
        temperature: float = 1.0,
        *,
        max_length: int = 120,
        batch_size: int = 1024,
        seed: int | None = None,
    ) -> list[str]:
        """Draw ``n`` SMILES strings (possibly invalid), ``batch_size`` at a time.

        A sequence that reaches ``max_length`` tokens without ``<eos>`` is returned cut off.
        The same ``seed`` on the same device gives the same strings.
        """
        generator = None
        if seed is not None:
            generator = torch.Generator(device=self.device).manual_seed(seed)
        vocab = self.vocabulary
        out: list[str] = []
        with evaluating(self.module):
            for start in range(0, n, batch_size):
                tokens = self.module.sample(
                    min(batch_size, n - start),
                    bos_id=vocab.bos_id,
                    eos_id=vocab.eos_id,
                    banned_ids=[vocab.pad_id, vocab.bos_id, vocab.unk_id],
                    max_length=max_length,
                    temperature=temperature,
                    generator=generator,
                )
                out.extend(vocab.decode(row) for row in tokens.cpu().tolist())
        return out

    def log_likelihood(self, smiles: Sequence[str]) -> torch.Tensor:
        """Differentiable log-likelihood (nats, ``<eos>`` included) of SMILES, on the device.

        This is what a policy-gradient (RL) loop back-propagates through. Every SMILES must be
        encodable (see :meth:`encodable`); the network is used in its current mode.
        """
        encoded = [self.vocabulary.encode(s) for s in smiles]
        return self.sequence_log_likelihood(self.collate(encoded))

    def sequence_log_likelihood(self, tokens: torch.Tensor) -> torch.Tensor:
        """Differentiable log-likelihood of each padded sequence (``<bos>`` first), in input
        order, computed in buckets of similar length.

        A batch padded to its longest sequence spends a third of an LSTM's work on padding
        (random SMILES of 164 molecules: mean 38 tokens, longest 54). Scoring
        :data:`LIKELIHOOD_BUCKET` sequences of similar length at a time, each bucket cut to
        its own longest sequence, gives the same values (to float rounding; the networks are
        causal, so trailing padding never changes a likelihood) for about two thirds of the
        work on a CPU.
        """
        lengths = (tokens != self.vocabulary.pad_id).sum(dim=1).clamp(min=2)
        buckets = sorted_batches(lengths.tolist(), LIKELIHOOD_BUCKET)
        parts = []
        for rows in buckets:
            index = torch.as_tensor(rows, device=tokens.device)
            width = int(lengths[index].max())
            parts.append(-self.module.token_nll(tokens[index, :width]).sum(dim=1))
        order = torch.as_tensor(np.concatenate(buckets), device=tokens.device)
        return torch.cat(parts)[torch.argsort(order)]

    def likelihood(self, smiles: Sequence[str], batch_size: int = 1024) -> np.ndarray:
        """Log-likelihood (nats) of each SMILES, ``<eos>`` included.

        Returns:
            float64 array in input order; ``-inf`` where the model cannot read a SMILES
            (see :meth:`fits`: a token outside the vocabulary, or too long for the network).
        """
        result = np.full(len(smiles), -np.inf)
        encoded = [self.vocabulary.encode(s) for s in smiles]
        known = [i for i, ids in enumerate(encoded) if self.fits(ids)]
        known.sort(key=lambda i: len(encoded[i]))
        with evaluating(self.module), torch.no_grad():
            for start in range(0, len(known), batch_size):
                rows = known[start : start + batch_size]
                nll = self.module.token_nll(self.collate([encoded[i] for i in rows]))
                result[rows] = -nll.sum(dim=1).double().cpu().numpy()
        return result
