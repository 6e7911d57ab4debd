"""The LatentGAN networks: MLP generator and critic, and the WGAN-GP losses."""

from __future__ import annotations

import itertools

import torch
from torch import nn
from torch.func import functional_call

__all__ = ["LatentCritic", "LatentGenerator", "critic_loss", "generator_loss"]


def _mlp(sizes: list[int], *, out: int, norm: bool) -> nn.Sequential:
    """Linear layers of the given widths with LeakyReLU (and optionally LayerNorm)."""
    layers: list[nn.Module] = []
    for width_in, width_out in itertools.pairwise(sizes):
        layers.append(nn.Linear(width_in, width_out))
        if norm:
            layers.append(nn.LayerNorm(width_out))
        layers.append(nn.LeakyReLU(0.2))
    layers.append(nn.Linear(sizes[-1], out))
    return nn.Sequential(*layers)


class LatentGenerator(nn.Module):
    """Maps noise to latent codes.

    Args:
        noise_size: width of the Gaussian input.
        hidden: hidden layer widths.
        latent_size: width of the VAE's latent space.
    """

    def __init__(self, noise_size: int, hidden: list[int], latent_size: int) -> None:
        super().__init__()
        self.noise_size = noise_size
        self.net = _mlp([noise_size, *hidden], out=latent_size, norm=True)

    def forward(self, noise: torch.Tensor) -> torch.Tensor:
        """Latent codes for a ``(batch, noise_size)`` noise tensor."""
        return self.net(noise)


class LatentCritic(nn.Module):
    """Scores latent codes (higher means "looks real"). No normalisation across the batch,
    which the gradient penalty forbids.

    Args:
        latent_size: width of the VAE's latent space.
        hidden: hidden layer widths.
    """

    def __init__(self, latent_size: int, hidden: list[int]) -> None:
        super().__init__()
        self.net = _mlp([latent_size, *hidden], out=1, norm=False)

    def forward(self, codes: torch.Tensor) -> torch.Tensor:
        """``(batch,)`` critic values."""
        return self.net(codes).squeeze(-1)


def _gradient_penalty(critic: LatentCritic, real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    """Gulrajani et al.'s penalty: (||grad D(x_hat)|| - 1)^2 on random interpolates.

    It is computed in float32 with autocast off: under fp16 the inner gradient is not
    loss-scaled and would lose precision.
    """
    real, fake = real.float(), fake.float()
    alpha = torch.rand(real.shape[0], 1, device=real.device)
    mixed = (alpha * real + (1 - alpha) * fake).requires_grad_(True)
    with torch.autocast(real.device.type, enabled=False):
        (grad,) = torch.autograd.grad(critic(mixed).sum(), mixed, create_graph=True)
    return ((grad.norm(2, dim=1) - 1) ** 2).mean()


def critic_loss(
    critic: LatentCritic, real: torch.Tensor, fake: torch.Tensor, penalty_weight: float
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """The critic's WGAN-GP loss on real codes and (detached) generated ones.

    Returns:
        ``(loss, wasserstein_estimate, gradient_penalty)``; the estimate is
        ``E[D(real)] - E[D(fake)]``.
    """
    fake = fake.detach()
    wasserstein = critic(real).mean() - critic(fake).mean()
    penalty = _gradient_penalty(critic, real, fake) if penalty_weight else real.new_zeros(())
    return -wasserstein + penalty_weight * penalty, wasserstein.detach(), penalty.detach()


def generator_loss(critic: LatentCritic, fake: torch.Tensor) -> torch.Tensor:
    """``-E[D(G(z))]``, with the critic's weights held fixed (no gradient reaches them)."""
    frozen = {name: value.detach() for name, value in critic.named_parameters()}
    return -functional_call(critic, frozen, (fake,)).mean()
