"""REINVENT's loss, checked against a hand computation on a tiny network."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from molgen.design.agent import Policy
from molgen.design.config import ReplayConfig
from molgen.design.learner import Learner
from molgen.design.loss import augmented_likelihood, reinvent_loss
from molgen.design.replay import ReplayMemory
from molgen.models.autoregressive import LIKELIHOOD_BUCKET


def test_loss_on_numbers():
    agent = torch.tensor([-20.0, -30.0, -12.5])
    prior = torch.tensor([-22.0, -25.0, -10.0])
    scores = torch.tensor([0.5, 0.0, 1.0])
    # augmented: -22 + 4*0.5 = -20; -25; -10 + 4 = -6 -> squared gaps 0, 25, 42.25
    assert augmented_likelihood(prior, scores, 4.0).tolist() == [-20.0, -25.0, -6.0]
    assert reinvent_loss(agent, prior, scores, 4.0).item() == pytest.approx((0 + 25 + 42.25) / 3)


def _log_likelihood_by_hand(generator, smiles: str) -> float:
    """Sum over tokens of log softmax of the network's logits, one token at a time."""
    ids = generator.vocabulary.encode(smiles)
    total = 0.0
    with torch.no_grad():
        logits, _ = generator.module(torch.tensor([ids[:-1]]))
        log_probs = torch.log_softmax(logits[0].double(), dim=-1)
    for t, token in enumerate(ids[1:]):
        total += log_probs[t, token].item()
    return total


def test_the_learner_minimises_the_hand_computed_loss(tiny_prior):
    policy = Policy(tiny_prior, max_length=40)
    with torch.no_grad():  # make the agent differ from the prior
        for p in policy.agent.module.parameters():
            p.add_(0.05 * torch.randn_like(p))
    smiles = ["CCNCC", "OCCN", "CC(C)CO"]
    scores = np.array([0.25, 1.0, 0.0])
    sigma = 10.0
    prior_ll = [_log_likelihood_by_hand(policy.prior, s) for s in smiles]
    agent_ll = [_log_likelihood_by_hand(policy.agent, s) for s in smiles]
    expected = np.mean([(p + sigma * r - a) ** 2 for p, r, a in zip(prior_ll, scores, agent_ll,
                                                                    strict=True)])  # fmt: skip
    tokens, keep = policy.encode(smiles)
    assert keep == [0, 1, 2]
    got = policy.agent_log_likelihood(tokens).tolist()
    assert got == pytest.approx(agent_ll, rel=1e-5)
    assert policy.prior_log_likelihood(tokens).tolist() == pytest.approx(prior_ll, rel=1e-5)
    learner = Learner(policy, sigma, lr=1e-3, replay=ReplayConfig(sample_size=0))
    result = learner.step(tokens, smiles, scores, ReplayMemory(10), np.random.default_rng(0))
    assert result["loss"] == pytest.approx(expected, rel=1e-4)
    assert math.isfinite(result["agent_log_likelihood"])
    # the step moved the agent toward the augmented likelihood
    after = np.mean([(p + sigma * r - _log_likelihood_by_hand(policy.agent, s)) ** 2
                     for p, r, s in zip(prior_ll, scores, smiles, strict=True)])  # fmt: skip
    assert after < expected
    # and left the prior alone
    assert [_log_likelihood_by_hand(policy.prior, s) for s in smiles] == pytest.approx(prior_ll)


def test_length_buckets_give_the_padded_batch_likelihoods_and_gradients(tiny_prior):
    """More sequences than one bucket, lengths shuffled: the same values and gradients as
    scoring the whole batch padded to its longest sequence."""
    rng = np.random.default_rng(0)
    smiles = ["C" * int(n) + "O" for n in rng.integers(1, 30, size=LIKELIHOOD_BUCKET * 2 + 5)]
    policy = Policy(tiny_prior, max_length=40)
    tokens, keep = policy.encode(smiles)
    assert len(keep) == len(smiles)
    module = policy.agent.module  # trainable (the prior is frozen)

    def gradients(log_likelihood: torch.Tensor) -> list[torch.Tensor]:
        module.zero_grad()
        (log_likelihood * torch.linspace(-1, 1, len(smiles))).sum().backward()
        return [p.grad.clone() for p in module.parameters()]

    plain = -module.token_nll(tokens).sum(dim=1)
    bucketed = policy.agent.sequence_log_likelihood(tokens)
    assert torch.allclose(bucketed, plain, rtol=1e-5, atol=1e-4)
    for a, b in zip(gradients(bucketed), gradients(plain), strict=True):
        assert torch.allclose(a, b, rtol=1e-4, atol=1e-5)
