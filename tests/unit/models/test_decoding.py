"""The shared drawing loop and token NLL."""

from __future__ import annotations

import math

import pytest
import torch

from molgen.models.decoding import draw_tokens, shifted_token_nll

PAD, BOS, EOS, UNK, A, B = range(6)


def scripted(script: list[list[int]]):
    """Logits that make row i draw ``script[i][t]`` (almost surely) at step t."""

    def next_logits(t: int, last: torch.Tensor) -> torch.Tensor:
        logits = torch.full((len(script), 6), -30.0)
        for row, tokens in enumerate(script):
            logits[row, tokens[min(t, len(tokens) - 1)]] = 30.0
        return logits

    return next_logits


def draw(next_logits, n: int, **kwargs) -> torch.Tensor:
    options = dict(bos_id=BOS, eos_id=EOS, pad_id=PAD, banned_ids=[PAD, BOS, UNK], vocab_size=6,
                   max_length=10, device=torch.device("cpu"), check_every=2)  # fmt: skip
    return draw_tokens(next_logits, n, **{**options, **kwargs})


def test_rows_stop_at_eos_and_are_padded_after_it() -> None:
    out = draw(scripted([[A, EOS], [A, B, B, EOS]]), 2, greedy=True)
    assert out.tolist() == [[A, EOS, PAD, PAD], [A, B, B, EOS]]  # stopped early, at step 4


def test_runs_to_max_length_without_eos() -> None:
    assert draw(scripted([[A]]), 1, greedy=True, max_length=5).tolist() == [[A] * 5]


def test_banned_tokens_are_never_drawn_and_the_first_input_is_bos() -> None:
    seen: list[torch.Tensor] = []

    def uniform(t: int, last: torch.Tensor) -> torch.Tensor:
        seen.append(last.clone())
        return torch.zeros(len(last), 6)

    out = draw(uniform, 500, generator=torch.Generator().manual_seed(0))
    assert (seen[0] == BOS).all()
    assert not torch.isin(out, torch.tensor([BOS, UNK])).any()
    assert set(out.unique().tolist()) <= {PAD, EOS, A, B}


def test_seeded_draws_repeat_and_temperature_sharpens() -> None:
    def skewed(t: int, last: torch.Tensor) -> torch.Tensor:
        return torch.tensor([0.0, 0.0, -1.0, 0.0, 1.0, 0.0]).expand(len(last), 6)

    def share_of_a(temperature: float) -> float:
        out = draw(skewed, 2000, temperature=temperature, max_length=1,
                   generator=torch.Generator().manual_seed(1))  # fmt: skip
        return (out == A).float().mean().item()

    first = draw(skewed, 50, generator=torch.Generator().manual_seed(3))
    assert torch.equal(first, draw(skewed, 50, generator=torch.Generator().manual_seed(3)))
    assert share_of_a(0.5) > share_of_a(1.0) > share_of_a(2.0)


def test_shifted_token_nll_ignores_padding() -> None:
    logits = torch.zeros(1, 3, 6)  # uniform: every real token costs log(6)
    nll = shifted_token_nll(logits, torch.tensor([[A, EOS, PAD]]), PAD)
    assert nll.dtype == torch.float32
    assert nll[0].tolist() == pytest.approx([math.log(6), math.log(6), 0.0])
