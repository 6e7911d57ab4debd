"""The LatentGAN family: a WGAN-GP in a trained VAE's latent space, decoded by the VAE."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, Self

import numpy as np
import torch
from torch import nn

from molgen.chem.mol import canonical_smiles
from molgen.models.base import LikelihoodUnavailable
from molgen.models.families import FamilyDependency, register_family
from molgen.models.latent_gan.config import LatentGANConfig
from molgen.models.latent_gan.model import (
    LatentCritic,
    LatentGenerator,
    critic_loss,
    generator_loss,
)
from molgen.models.token_generator import TokenGenerator, evaluating
from molgen.models.vae.generator import VAEGenerator
from molgen.utils.errors import ConfigError
from molgen.utils.runtime import resolve_device

__all__ = ["LatentGANGenerator"]

logger = logging.getLogger(__name__)

_COLLAPSE_UNIQUENESS = 0.5  # periodic samples less unique than this suggest mode collapse


@register_family(
    "latent_gan",
    LatentGANConfig,
    requires=(
        FamilyDependency(
            "vae", checkpoint_field="vae_checkpoint", config_field="vae", attribute="vae"
        ),
    ),
)
class LatentGANGenerator(TokenGenerator):
    """Generates latent codes with a GAN and decodes them with a frozen, trained VAE.

    Training (through the shared trainer) encodes the training molecules once with the VAE
    (posterior means), then each step updates the critic, and every ``n_critic``-th step the
    generator too: the generator's parameters get no gradient on critic-only steps, so the
    optimiser leaves them alone. The VAE's weights are part of this family's checkpoint, so
    it loads on its own.

    Args:
        config: GAN sizes and losses; ``config.vae`` describes the VAE.
        vocabulary: the VAE's token list.
        device: ``auto`` (CUDA when present), ``cpu``, ``cuda`` or ``cuda:N``.
        vae: a trained VAE to use (``for_training`` passes one); None builds an untrained VAE
            from ``config.vae`` whose weights a checkpoint then fills in.
    """

    model_type = "latent_gan"
    config_class = LatentGANConfig
    config: LatentGANConfig

    def __init__(
        self,
        config: LatentGANConfig,
        vocabulary: list[str],
        device: str | torch.device = "auto",
        *,
        vae: VAEGenerator | None = None,
    ) -> None:
        device = resolve_device(str(device))
        self.vae = (
            vae.to(device) if vae is not None else VAEGenerator(config.vae, vocabulary, device)
        )
        self._generator_turn = False
        self._stats: dict[str, torch.Tensor] = {}
        self._monitor_round = 0
        super().__init__(config, vocabulary, device)

    def build_module(self) -> nn.ModuleDict:
        """Generator, critic and the frozen VAE, in one module (one state dict)."""
        self.vae.module.requires_grad_(False)
        latent = self.config.vae.latent_size
        return nn.ModuleDict(
            {
                "generator": LatentGenerator(
                    self.config.noise_size, self.config.generator_sizes, latent
                ),
                "critic": LatentCritic(latent, self.config.critic_sizes),
                "vae": self.vae.module,
            }
        )

    @classmethod
    def for_training(
        cls, config: LatentGANConfig, train_smiles: Sequence[str], device: str | torch.device
    ) -> Self:
        """A LatentGAN over the trained VAE ``config.vae_checkpoint``.

        Raises:
            ConfigError: no VAE checkpoint is set.
            InputError: the checkpoint is missing or is not a VAE.
        """
        if not config.vae_checkpoint:
            raise ConfigError(
                "model.vae_checkpoint: latent_gan needs a trained VAE; set it, or run it in a "
                "pipeline or with `molgen train`, which train one first"
            )
        vae = VAEGenerator.load(config.vae_checkpoint, device=device)
        config = config.model_copy(update={"vae": vae.config})
        return cls(config, vae.vocabulary.to_list(), device=device, vae=vae)

    # ----------------------------------------------------------------- trainer hooks
    def to(self, device: str | torch.device) -> Self:
        """Move the GAN and its VAE to ``device``."""
        super().to(device)
        self.vae.device = self.device
        return self

    def prepare(self, smiles: Sequence[str]) -> list[np.ndarray]:
        """The VAE's posterior means of the encodable molecules, one float32 row each."""
        keep = self.vae.encodable(smiles)
        if len(keep) < len(smiles):
            logger.info(
                "latent_gan: %d of %d molecules not encodable", len(smiles) - len(keep), len(smiles)
            )
        codes = self.vae.encode([smiles[i] for i in keep]).float().cpu().numpy()
        return list(codes)

    def collate(self, items: Sequence[np.ndarray]) -> torch.Tensor:
        """Stack latent codes into a ``(batch, latent)`` tensor on this device."""
        return torch.from_numpy(np.stack(items)).to(self.device, non_blocking=True)

    def set_progress(self, step: int, done: float) -> None:
        """Every ``n_critic``-th step also updates the generator."""
        self._generator_turn = (step + 1) % self.config.n_critic == 0

    def _noise(self, n: int, generator: torch.Generator | None = None) -> torch.Tensor:
        return torch.randn(n, self.config.noise_size, device=self.device, generator=generator)

    def training_loss(self, batch: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Critic loss (and, on generator turns, plus the generator loss); count = batch."""
        nets = self.module
        fake = nets["generator"](self._noise(batch.shape[0]))
        loss, wasserstein, penalty = critic_loss(
            nets["critic"], batch, fake, self.config.gradient_penalty
        )
        self._accumulate(wasserstein=wasserstein, gradient_penalty=penalty, critic_loss=loss)
        if self._generator_turn:
            g_loss = generator_loss(nets["critic"], fake)
            self._accumulate(generator_loss=g_loss.detach())
            loss = loss + g_loss
        return loss, torch.full((), batch.shape[0], device=self.device)

    def validation_loss(self, batch: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """``|E[D(real)] - E[D(G(z))]|`` on validation codes (the critic's Wasserstein
        estimate, which falls as the generated distribution nears the real one), summed."""
        nets = self.module
        fake = nets["generator"](self._noise(batch.shape[0]))
        estimate = nets["critic"](batch).mean() - nets["critic"](fake).mean()
        count = torch.full((), batch.shape[0], device=self.device)
        return estimate.abs().float() * count, count

    def _accumulate(self, **values: torch.Tensor) -> None:
        for key, value in values.items():
            total, count = self._stats.get(key, (torch.zeros((), device=self.device), 0))
            self._stats[key] = (total + value.detach().float(), count + 1)

    def interval_metrics(self) -> dict[str, float]:
        """Mean critic loss, Wasserstein estimate, gradient penalty and generator loss since
        the last call."""
        stats, self._stats = self._stats, {}
        if not stats:
            return {}
        values = torch.stack([total / count for total, count in stats.values()]).tolist()
        return dict(zip(stats, values, strict=True))

    def epoch_metrics(self, val_items: Sequence[Any]) -> dict[str, float]:
        """Validity and uniqueness of ``monitor_samples`` fresh samples (mode collapse shows
        as falling uniqueness)."""
        if not self.config.monitor_samples:
            return {}
        self._monitor_round += 1
        samples = self.sample(self.config.monitor_samples, seed=self._monitor_round)
        valid = [c for c in map(canonical_smiles, samples) if c is not None]
        uniqueness = len(set(valid)) / len(valid) if valid else 0.0
        if valid and uniqueness < _COLLAPSE_UNIQUENESS:
            logger.warning(
                "latent_gan: only %.0f%% of valid samples are unique: the generator may be "
                "collapsing onto few modes",
                100 * uniqueness,
            )
        return {"monitor_validity": len(valid) / len(samples), "monitor_uniqueness": uniqueness}

    # ----------------------------------------------------------------- Generator protocol
    def latent_codes(self, n: int, *, seed: int | None = None) -> torch.Tensor:
        """``n`` generated latent codes on the device."""
        generator = (
            torch.Generator(device=self.device).manual_seed(seed) if seed is not None else None
        )
        with evaluating(self.module), torch.no_grad():
            return self.module["generator"](self._noise(n, generator))

    def sample(
        self,
        n: int,
        temperature: float = 1.0,
        *,
        max_length: int = 120,
        batch_size: int = 1024,
        seed: int | None = None,
    ) -> list[str]:
        """Draw ``n`` SMILES: generated latent codes decoded by the VAE, a batch at a time."""
        out: list[str] = []
        for start in range(0, n, batch_size):
            batch_seed = None if seed is None else seed + start
            codes = self.latent_codes(min(batch_size, n - start), seed=batch_seed)
            out.extend(
                self.vae.decode(
                    codes, temperature=temperature, max_length=max_length, seed=batch_seed
                )
            )
        return out

    def likelihood(self, smiles: Sequence[str], batch_size: int = 1024) -> np.ndarray:
        """Not defined: a GAN has no tractable density.

        Raises:
            LikelihoodUnavailable: always.
        """
        raise LikelihoodUnavailable(
            "latent_gan has no tractable likelihood; use the VAE's ELBO (vae.likelihood) or an "
            "autoregressive family"
        )
