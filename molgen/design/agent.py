"""The agent and its frozen prior: drawing token sequences and scoring their likelihoods."""

from __future__ import annotations

import copy
from collections.abc import Sequence

import numpy as np
import torch
from rdkit import Chem

from molgen.chem.mol import mol_from_smiles
from molgen.models.autoregressive import AutoregressiveGenerator
from molgen.models.base import Generator
from molgen.models.families import autoregressive_families
from molgen.utils.errors import ConfigError

__all__ = [
    "Policy",
    "randomized_smiles",
    "require_autoregressive",
    "step_seed",
]


def require_autoregressive(generator: Generator, source: str) -> AutoregressiveGenerator:
    """``generator`` itself when it can be a design prior.

    Raises:
        ConfigError: one line naming ``source``, its family and the families that qualify.
    """
    if isinstance(generator, AutoregressiveGenerator):
        return generator
    raise ConfigError(
        f"{source}: a {generator.config.name} model cannot be a design prior (no exact, "
        f"differentiable likelihood); use one of: {', '.join(autoregressive_families())}"
    )


def randomized_smiles(smiles: Sequence[str], seed: int) -> list[str]:
    """A random (non-canonical) SMILES of each molecule, reproducible from ``seed``."""
    out = []
    for i, s in enumerate(smiles):
        mol = mol_from_smiles(s)
        out.append(Chem.MolToRandomSmilesVect(mol, 1, randomSeed=seed + i)[0] if mol else s)
    return out


class Policy:
    """A trainable agent, started as a copy of ``prior``, and the prior itself, frozen.

    Both networks stay in eval mode (no dropout), so a batch's likelihoods are the same
    when computed again, which a resumed run relies on.
    """

    def __init__(self, prior: AutoregressiveGenerator, max_length: int) -> None:
        self.prior = prior
        self.agent = copy.deepcopy(prior)
        self.prior.module.eval()
        self.agent.module.eval()
        for parameter in self.prior.module.parameters():
            parameter.requires_grad_(False)
        limit = getattr(prior.config, "max_length", None)
        self.max_length = min(max_length, limit) if isinstance(limit, int) else max_length

    @property
    def device(self) -> torch.device:
        """Where the networks live."""
        return self.agent.device

    def sample(
        self, n: int, temperature: float, generator: torch.Generator
    ) -> tuple[torch.Tensor, list[str]]:
        """Draw ``n`` sequences from the agent: ``(n, steps + 1)`` tokens with ``<bos>``
        first, and their decoded SMILES (possibly invalid)."""
        vocab = self.agent.vocabulary
        with torch.no_grad():
            drawn = self.agent.module.sample(
                n,
                bos_id=vocab.bos_id,
                eos_id=vocab.eos_id,
                banned_ids=[vocab.pad_id, vocab.bos_id, vocab.unk_id],
                max_length=self.max_length,
                temperature=temperature,
                generator=generator,
            )
        smiles = [vocab.decode(row) for row in drawn.cpu().tolist()]
        bos = torch.full((n, 1), vocab.bos_id, dtype=drawn.dtype, device=drawn.device)
        return torch.cat([bos, drawn], dim=1), smiles

    def encode(self, smiles: Sequence[str]) -> tuple[torch.Tensor | None, list[int]]:
        """Token tensor of the SMILES the networks can read, and their indices."""
        encoded = [self.agent.vocabulary.encode(s) for s in smiles]
        keep = [i for i, ids in enumerate(encoded) if self.agent.fits(ids)]
        if not keep:
            return None, []
        return self.agent.collate([encoded[i] for i in keep]), keep

    def agent_log_likelihood(self, tokens: torch.Tensor) -> torch.Tensor:
        """The agent's log-likelihood of each sequence (differentiable)."""
        return self.agent.sequence_log_likelihood(tokens)

    def prior_log_likelihood(self, tokens: torch.Tensor) -> torch.Tensor:
        """The frozen prior's log-likelihood of each sequence."""
        with torch.no_grad():
            return self.prior.sequence_log_likelihood(tokens)


def step_seed(seed: int, step: int, salt: int = 0) -> int:
    """A reproducible 63-bit seed for one step of a run (the same after a resume)."""
    return int(np.random.SeedSequence([seed, step, salt]).generate_state(1, np.uint64)[0] >> 1)
