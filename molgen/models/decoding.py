"""Token-level pieces every SMILES decoder shares: the shifted NLL and the drawing loop."""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F

__all__ = ["draw_tokens", "shifted_token_nll"]

NextLogits = Callable[[int, torch.Tensor], torch.Tensor]


def shifted_token_nll(logits: torch.Tensor, targets: torch.Tensor, pad_id: int) -> torch.Tensor:
    """Float32 NLL ``(batch, time)`` of each target token, zero where the target is padding.

    Args:
        logits: ``(batch, time, vocab)`` predictions after each input token.
        targets: ``(batch, time)`` the tokens that follow (the inputs shifted by one).
        pad_id: padding id, which costs nothing.
    """
    nll = F.cross_entropy(
        logits.float().reshape(-1, logits.shape[-1]),
        targets.reshape(-1),
        ignore_index=pad_id,
        reduction="none",
    )
    return nll.view_as(targets)


@torch.no_grad()
def draw_tokens(
    next_logits: NextLogits,
    n: int,
    *,
    bos_id: int,
    eos_id: int,
    pad_id: int,
    banned_ids: list[int],
    vocab_size: int,
    max_length: int,
    device: torch.device,
    temperature: float = 1.0,
    greedy: bool = False,
    generator: torch.Generator | None = None,
    check_every: int = 8,
) -> torch.Tensor:
    """Draw ``n`` token sequences at once, keeping every tensor on ``device``.

    A sequence stops at its first ``<eos>``; later positions hold ``pad_id``. Whether every
    sequence has finished is checked (one host sync) only every ``check_every`` steps.

    Args:
        next_logits: ``(t, last)`` -> ``(n, vocab)`` logits of token ``t`` given the token
            drawn before it (``<bos>`` at ``t = 0``); the caller's model keeps its own state.
        n: number of sequences.
        bos_id: the start token.
        eos_id: the end token.
        pad_id: fills positions after ``<eos>``.
        banned_ids: tokens never drawn (padding, ``<bos>``, ``<unk>``).
        vocab_size: width of the logits.
        max_length: most tokens drawn per sequence (``<eos>`` included).
        device: where the batch lives.
        temperature: divides the logits; below 1 sharpens the distribution.
        greedy: take the most likely token instead of sampling.
        generator: torch random generator on ``device``, for seeding.
        check_every: steps between checks for early stopping.

    Returns:
        ``(n, steps)`` token ids with ``steps <= max_length``, excluding ``<bos>``.
    """
    last = torch.full((n,), bos_id, dtype=torch.long, device=device)
    out = torch.full((n, max_length), pad_id, dtype=torch.long, device=device)
    finished = torch.zeros(n, dtype=torch.bool, device=device)
    bias = torch.zeros(vocab_size, device=device)
    bias[banned_ids] = float("-inf")
    for t in range(max_length):
        logits = next_logits(t, last).float() + bias
        if greedy:
            drawn = logits.argmax(dim=-1)
        else:
            probs = torch.softmax(logits / temperature, dim=-1)
            drawn = torch.multinomial(probs, 1, generator=generator).squeeze(1)
        last = drawn.masked_fill(finished, pad_id)
        out[:, t] = last
        finished |= last == eos_id
        if (t + 1) % check_every == 0 and bool(finished.all()):
            return out[:, : t + 1]
    return out
