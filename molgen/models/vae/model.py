"""The VAE network: an encoder, a Gaussian latent and a GRU decoder conditioned on it."""

from __future__ import annotations

import torch
from torch import nn

from molgen.models.decoding import draw_tokens, shifted_token_nll
from molgen.models.vae.graph_batch import VAEBatch

__all__ = ["VAE", "gaussian_kl"]


def gaussian_kl(mean: torch.Tensor, log_var: torch.Tensor) -> torch.Tensor:
    """``KL(N(mean, exp(log_var)) || N(0, I))`` per latent dimension, in float32 nats."""
    mean, log_var = mean.float(), log_var.float()
    return 0.5 * (log_var.exp() + mean.square() - 1.0 - log_var)


class VAE(nn.Module):
    """Encoder -> (mean, log-variance) -> z -> autoregressive GRU decoder over SMILES tokens.

    The decoder sees z twice: a linear map of z is its initial hidden state, and z is
    concatenated to every input token embedding.

    Args:
        encoder: maps a :class:`VAEBatch` to ``(mean, log_var)``.
        embedding: token embedding (shared with a SMILES encoder).
        latent_size: latent dimensions.
        hidden_size: decoder GRU units.
        num_layers: decoder GRU layers.
        dropout: dropout between decoder layers and before the output layer.
        pad_id: padding token id (ignored by the loss).
    """

    def __init__(
        self,
        encoder: nn.Module,
        embedding: nn.Embedding,
        latent_size: int,
        hidden_size: int,
        num_layers: int,
        dropout: float,
        pad_id: int,
    ) -> None:
        super().__init__()
        self.pad_id = pad_id
        self.num_layers = num_layers
        self.encoder = encoder
        self.embedding = embedding
        self.latent_to_hidden = nn.Linear(latent_size, hidden_size * num_layers)
        self.gru = nn.GRU(
            embedding.embedding_dim + latent_size,
            hidden_size,
            num_layers,
            batch_first=True,
            dropout=dropout if num_layers > 1 else 0.0,
        )
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(hidden_size, embedding.num_embeddings)

    def encode(self, batch: VAEBatch) -> tuple[torch.Tensor, torch.Tensor]:
        """Posterior ``(mean, log_var)``, each ``(batch, latent)``."""
        mean, log_var = self.encoder(batch)
        return mean, log_var.clamp(-20.0, 10.0)

    def initial_state(self, z: torch.Tensor) -> torch.Tensor:
        """The decoder's first hidden state ``(layers, batch, hidden)`` for latent codes z."""
        hidden = torch.tanh(self.latent_to_hidden(z))
        return hidden.view(z.shape[0], self.num_layers, -1).transpose(0, 1).contiguous()

    def step_logits(
        self, tokens: torch.Tensor, z: torch.Tensor, state: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Logits ``(batch, time, vocab)`` after each of ``tokens`` and the new GRU state."""
        inputs = self.embedding(tokens)
        latent = z.to(inputs.dtype).unsqueeze(1).expand(-1, inputs.shape[1], -1)
        hidden, state = self.gru(torch.cat([inputs, latent], dim=-1), state)
        return self.head(self.dropout(hidden)), state

    def token_nll(self, tokens: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
        """``(batch, time - 1)`` float32 NLL of each token after ``<bos>``, zero at padding."""
        logits, _ = self.step_logits(tokens[:, :-1], z, self.initial_state(z))
        return shifted_token_nll(logits, tokens[:, 1:], self.pad_id)

    @torch.no_grad()
    def decode(
        self,
        z: torch.Tensor,
        *,
        bos_id: int,
        eos_id: int,
        banned_ids: list[int],
        max_length: int,
        temperature: float = 1.0,
        greedy: bool = False,
        generator: torch.Generator | None = None,
        check_every: int = 8,
    ) -> torch.Tensor:
        """Decode latent codes into token ids, the whole batch at once on z's device.

        A sequence stops at its first ``<eos>``; later positions hold ``pad_id``. Whether all
        have finished is checked (one host sync) only every ``check_every`` steps.

        Args:
            z: ``(n, latent)`` codes.
            bos_id: the start token.
            eos_id: the end token.
            banned_ids: tokens never emitted (padding, ``<bos>``, ``<unk>``).
            max_length: most tokens per sequence (``<eos>`` included).
            temperature: divides the logits when sampling.
            greedy: take the most likely token instead of sampling.
            generator: torch random generator on z's device, for seeding.
            check_every: steps between checks for early stopping.

        Returns:
            ``(n, steps)`` token ids with ``steps <= max_length``, ``<bos>`` excluded.
        """
        state = self.initial_state(z)

        def next_logits(t: int, last: torch.Tensor) -> torch.Tensor:
            nonlocal state
            logits, state = self.step_logits(last.unsqueeze(1), z, state)
            return logits[:, -1]

        return draw_tokens(
            next_logits, z.shape[0], bos_id=bos_id, eos_id=eos_id, pad_id=self.pad_id,
            banned_ids=banned_ids, vocab_size=self.head.out_features, max_length=max_length,
            device=z.device, temperature=temperature, greedy=greedy, generator=generator,
            check_every=check_every,
        )  # fmt: skip
