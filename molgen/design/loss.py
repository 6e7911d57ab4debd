"""REINVENT's loss: pull the agent's log-likelihood toward the augmented likelihood."""

from __future__ import annotations

import torch

__all__ = ["augmented_likelihood", "reinvent_loss"]


def augmented_likelihood(
    prior_ll: torch.Tensor, scores: torch.Tensor, sigma: float
) -> torch.Tensor:
    """``log P_prior(x) + sigma * score(x)`` per molecule (no gradient flows to the prior)."""
    return prior_ll.detach() + sigma * scores


def reinvent_loss(
    agent_ll: torch.Tensor, prior_ll: torch.Tensor, scores: torch.Tensor, sigma: float
) -> torch.Tensor:
    """Mean over the batch of ``(augmented - agent log-likelihood)^2``.

    Args:
        agent_ll: the agent's log-likelihood of each molecule (differentiable).
        prior_ll: the frozen prior's log-likelihood of the same molecules.
        scores: the objective's score of each molecule in [0, 1] (0 for invalid ones).
        sigma: how far a score of 1 moves the target above the prior, in nats.
    """
    target = augmented_likelihood(prior_ll, scores.to(agent_ll.dtype), sigma)
    return torch.mean((target - agent_ll) ** 2)
