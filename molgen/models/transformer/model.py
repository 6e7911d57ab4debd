"""The transformer network: a causal, pre-LayerNorm decoder over SMILES tokens.

Token and learned position embeddings feed ``n_layers`` blocks (self-attention through
:func:`torch.nn.functional.scaled_dot_product_attention`, then a GELU MLP, each behind a
LayerNorm and a residual connection), a final LayerNorm and a linear head. Sampling keeps a
per-layer key/value cache, so each new token costs a single one-position step.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from molgen.models.decoding import draw_tokens, shifted_token_nll

__all__ = ["CausalSelfAttention", "KVCache", "SmilesTransformer", "TransformerBlock"]


class KVCache:
    """Keys and values of one attention layer, preallocated and filled one step at a time.

    Args:
        size: most positions the cache holds.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self.keys: torch.Tensor | None = None
        self.values: torch.Tensor | None = None

    def extend(
        self, keys: torch.Tensor, values: torch.Tensor, start: int
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Store ``(batch, heads, steps, head_dim)`` keys/values at ``start`` onwards.

        Returns:
            every key and value up to the last one stored.
        """
        if self.keys is None or self.values is None:
            shape = (keys.shape[0], keys.shape[1], self.size, keys.shape[3])
            self.keys, self.values = keys.new_empty(shape), values.new_empty(shape)
        end = start + keys.shape[2]
        self.keys[:, :, start:end] = keys
        self.values[:, :, start:end] = values
        return self.keys[:, :, :end], self.values[:, :, :end]


class CausalSelfAttention(nn.Module):
    """Multi-head self-attention in which each position sees only itself and earlier ones.

    Args:
        d_model: input and output width.
        n_heads: number of heads (dividing ``d_model``).
        dropout: dropout on attention weights and on the output (training only).
    """

    def __init__(self, d_model: int, n_heads: int, dropout: float) -> None:
        super().__init__()
        self.n_heads = n_heads
        self.dropout = dropout
        self.qkv = nn.Linear(d_model, 3 * d_model)
        self.out = nn.Linear(d_model, d_model)
        self.out_dropout = nn.Dropout(dropout)

    def forward(
        self, x: torch.Tensor, cache: KVCache | None = None, start: int = 0
    ) -> torch.Tensor:
        """Attend over ``x`` (``(batch, time, d_model)``).

        Args:
            x: the block's normalised input.
            cache: keys/values of earlier positions; when given, ``x`` is one new position
                (``time == 1``) at index ``start``, or a whole prefix with ``start == 0``.
            start: position of ``x``'s first step.
        """
        batch, time, width = x.shape
        q, k, v = (
            self.qkv(x).view(batch, time, 3, self.n_heads, -1).permute(2, 0, 3, 1, 4).unbind(0)
        )
        if cache is not None:
            if time > 1 and start:
                raise ValueError("a cached step must be one position or a prefix from 0")
            k, v = cache.extend(k, v, start)
        attended = F.scaled_dot_product_attention(
            q,
            k,
            v,
            dropout_p=self.dropout if self.training else 0.0,
            is_causal=time > 1,  # one query at the end of the cache sees every key
        )
        return self.out_dropout(self.out(attended.transpose(1, 2).reshape(batch, time, width)))


class TransformerBlock(nn.Module):
    """Pre-LayerNorm block: ``x + attn(ln(x))``, then ``x + mlp(ln(x))`` with a GELU MLP.

    Args:
        d_model: residual width.
        n_heads: attention heads.
        d_ff: hidden width of the MLP.
        dropout: dropout inside attention and after the MLP.
    """

    def __init__(self, d_model: int, n_heads: int, d_ff: int, dropout: float) -> None:
        super().__init__()
        self.ln_attn = nn.LayerNorm(d_model)
        self.attn = CausalSelfAttention(d_model, n_heads, dropout)
        self.ln_mlp = nn.LayerNorm(d_model)
        self.mlp = nn.Sequential(
            nn.Linear(d_model, d_ff), nn.GELU(), nn.Linear(d_ff, d_model), nn.Dropout(dropout)
        )

    def forward(
        self, x: torch.Tensor, cache: KVCache | None = None, start: int = 0
    ) -> torch.Tensor:
        """Apply the block to ``(batch, time, d_model)`` (see :class:`CausalSelfAttention`)."""
        x = x + self.attn(self.ln_attn(x), cache, start)
        return x + self.mlp(self.ln_mlp(x))


class SmilesTransformer(nn.Module):
    """A decoder-only language model of SMILES tokens, trained by teacher forcing.

    Args:
        vocab_size: number of tokens, special tokens included.
        d_model: residual width.
        n_layers: number of blocks.
        n_heads: attention heads per block.
        d_ff: hidden width of each MLP.
        dropout: dropout on embeddings, attention and residual branches.
        max_length: size of the position table (longest input, ``<bos>`` included).
        pad_id: the padding token; its targets are ignored by the loss.
        tie_embeddings: share the token embedding matrix with the output layer.
    """

    def __init__(
        self,
        vocab_size: int,
        d_model: int,
        n_layers: int,
        n_heads: int,
        d_ff: int,
        dropout: float,
        max_length: int,
        pad_id: int,
        tie_embeddings: bool = True,
    ) -> None:
        super().__init__()
        self.pad_id = pad_id
        self.max_length = max_length
        self.token_embedding = nn.Embedding(vocab_size, d_model)
        self.position_embedding = nn.Embedding(max_length, d_model)
        self.dropout = nn.Dropout(dropout)
        self.blocks = nn.ModuleList(
            TransformerBlock(d_model, n_heads, d_ff, dropout) for _ in range(n_layers)
        )
        self.ln_final = nn.LayerNorm(d_model)
        self.head = nn.Linear(d_model, vocab_size, bias=False)
        self._init_weights(n_layers)
        if tie_embeddings:
            self.head.weight = self.token_embedding.weight

    def _init_weights(self, n_layers: int) -> None:
        """GPT-2 style: N(0, 0.02) weights, zero biases, residual outputs scaled by depth."""
        for module in self.modules():
            if isinstance(module, nn.Linear | nn.Embedding):
                nn.init.normal_(module.weight, std=0.02)
            if isinstance(module, nn.Linear) and module.bias is not None:
                nn.init.zeros_(module.bias)
        for block in self.blocks:
            for layer in (block.attn.out, block.mlp[2]):
                nn.init.normal_(layer.weight, std=0.02 / math.sqrt(2 * n_layers))

    def forward(
        self, tokens: torch.Tensor, caches: list[KVCache] | None = None, start: int = 0
    ) -> torch.Tensor:
        """Logits for the token after each position.

        Args:
            tokens: ``(batch, time)`` token ids at positions ``start .. start + time - 1``.
            caches: one :class:`KVCache` per block, for incremental decoding.
            start: position of the first token (non-zero only with ``caches``).

        Returns:
            ``(batch, time, vocab)`` logits.

        Raises:
            ValueError: the positions run past the position table.
        """
        end = start + tokens.shape[1]
        if end > self.max_length:
            raise ValueError(
                f"sequence of {end} positions exceeds the model's max_length ({self.max_length})"
            )
        positions = self.position_embedding.weight[start:end]
        x = self.dropout(self.token_embedding(tokens) + positions)
        for i, block in enumerate(self.blocks):
            x = block(x, None if caches is None else caches[i], start)
        return self.head(self.ln_final(x))

    def token_nll(self, tokens: torch.Tensor) -> torch.Tensor:
        """Negative log-likelihood of every token after the first, given its prefix.

        Padding sits only at the end of each row, so the causal mask alone keeps real tokens
        from seeing it.

        Args:
            tokens: ``(batch, time)`` padded sequences, each starting with ``<bos>``.

        Returns:
            ``(batch, time - 1)`` float32 NLLs, zero where the target is padding.
        """
        logits = self(tokens[:, :-1])
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
        use_cache: bool = True,
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
            use_cache: reuse earlier keys/values (one position per step); False recomputes
                the whole prefix each step, giving the same draws more slowly.
            check_every: steps between checks for early stopping.

        Returns:
            ``(n, steps)`` token ids with ``steps <= max_length``, excluding ``<bos>``.

        Raises:
            ValueError: ``max_length`` exceeds the model's position table.
        """
        if max_length > self.max_length:
            raise ValueError(
                f"max_length {max_length} exceeds the model's max_length ({self.max_length})"
            )
        device = self.head.weight.device
        prefix = torch.full((n, max_length), self.pad_id, dtype=torch.long, device=device)
        caches = [KVCache(max_length) for _ in self.blocks] if use_cache else None

        def next_logits(t: int, last: torch.Tensor) -> torch.Tensor:
            prefix[:, t] = last
            if caches is not None:
                return self(prefix[:, t : t + 1], caches, start=t)[:, -1]
            return self(prefix[:, : t + 1])[:, -1]

        return draw_tokens(
            next_logits, n, bos_id=bos_id, eos_id=eos_id, pad_id=self.pad_id,
            banned_ids=banned_ids, vocab_size=self.head.out_features, max_length=max_length,
            device=device, temperature=temperature, generator=generator,
            check_every=check_every,
        )  # fmt: skip
