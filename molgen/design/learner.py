"""One learning step of REINVENT, with replay and Augmented Memory."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

from molgen.design.agent import Policy, randomized_smiles
from molgen.design.config import ReplayConfig
from molgen.design.loss import augmented_likelihood
from molgen.design.replay import ReplayMemory

__all__ = ["Learner"]


class Learner:
    """Updates the agent toward the augmented likelihood of scored molecules.

    Args:
        policy: the agent and its prior.
        sigma: score scale of the augmented likelihood.
        lr: Adam's learning rate.
        replay: replay and Augmented Memory settings.
    """

    def __init__(self, policy: Policy, sigma: float, lr: float, replay: ReplayConfig) -> None:
        self.policy = policy
        self.sigma = sigma
        self.replay = replay
        self.optimizer = torch.optim.Adam(policy.agent.module.parameters(), lr=lr)

    def _terms(
        self, tokens: torch.Tensor | None, scores: np.ndarray
    ) -> tuple[torch.Tensor, torch.Tensor] | None:
        """Squared distance to the augmented likelihood per molecule, and the agent's
        log-likelihoods."""
        if tokens is None or len(scores) == 0:
            return None
        agent_ll = self.policy.agent_log_likelihood(tokens)
        prior_ll = self.policy.prior_log_likelihood(tokens)
        reward = torch.as_tensor(scores, dtype=agent_ll.dtype, device=agent_ll.device)
        target = augmented_likelihood(prior_ll, reward, self.sigma)
        return (target - agent_ll) ** 2, agent_ll

    def _smiles_terms(self, smiles: Sequence[str], scores: np.ndarray) -> torch.Tensor | None:
        tokens, keep = self.policy.encode(smiles)
        terms = self._terms(tokens, np.asarray(scores)[keep])
        return None if terms is None else terms[0]

    def _update(self, parts: list[torch.Tensor | None]) -> float:
        losses = [p for p in parts if p is not None]
        if not losses:
            return float("nan")
        loss = torch.cat(losses).mean()
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        self.optimizer.step()
        return float(loss.detach())

    def step(
        self,
        tokens: torch.Tensor,
        canonical: Sequence[str | None],
        rewards: np.ndarray,
        memory: ReplayMemory,
        rng: np.random.Generator,
    ) -> dict[str, float]:
        """Learn from a sampled batch (its tokens and filtered rewards) and the memory.

        The batch's own sequences give the main loss, with ``sample_size`` memory molecules
        added (as random SMILES when ``randomize``). The batch then joins the memory, and
        each Augmented Memory round updates again on the batch's valid molecules and the
        whole memory, all written as new random SMILES. Returns the loss and the agent's
        mean log-likelihood.
        """
        batch = self._terms(tokens, rewards)
        assert batch is not None
        batch_terms, agent_ll = batch
        replayed, replay_scores = memory.sample(self.replay.sample_size, rng)
        if replayed and self.replay.randomize:
            replayed = randomized_smiles(replayed, int(rng.integers(2**31)))
        loss = self._update([batch_terms, self._smiles_terms(replayed, replay_scores)])
        memory.add(canonical, rewards)
        valid = [i for i, c in enumerate(canonical) if c is not None]
        for _ in range(self.replay.augmented_rounds):
            stored, stored_scores = memory.all()
            smiles = [canonical[i] for i in valid] + stored
            scores = np.concatenate([np.asarray(rewards)[valid], stored_scores])
            smiles = randomized_smiles(smiles, int(rng.integers(2**31)))  # type: ignore[arg-type]
            self._update([self._smiles_terms(smiles, scores)])
        return {"loss": loss, "agent_log_likelihood": float(agent_ll.detach().mean())}

    def state_dict(self) -> dict:
        """The optimiser's state."""
        return self.optimizer.state_dict()

    def load_state_dict(self, state: dict) -> None:
        """Restore the optimiser's state."""
        self.optimizer.load_state_dict(state)
