"""The Generator protocol that every model family implements."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, Self, runtime_checkable

import numpy as np
import torch

from molgen.utils.config import StrictModel

if TYPE_CHECKING:  # pragma: no cover - typing only
    from molgen.training.config import TrainConfig

__all__ = ["Generator", "LikelihoodUnavailable", "MetricLogger", "ModelConfig", "TrainResult"]

MetricLogger = Callable[[dict[str, float], int], None]
"""Receives ``(metrics, step)``; the pipeline passes one that logs to MLflow."""


class LikelihoodUnavailable(NotImplementedError):
    """Raised by ``likelihood`` in families with no tractable density (e.g. a GAN)."""


class ModelConfig(StrictModel):
    """Base of every family's config. ``name`` is its key in :mod:`molgen.models.families`."""

    name: str


class TrainResult(StrictModel):
    """What a finished (or stopped) training run reports."""

    checkpoint: str
    best_checkpoint: str
    epochs: int
    steps: int
    best_val_loss: float
    stopped_because: str
    tokens_per_second: float
    seconds: float


@runtime_checkable
class Generator(Protocol):
    """A generative model of molecules.

    Implementations live in ``molgen.models.<family>`` and are registered with
    :func:`molgen.models.families.register_family`.
    """

    config: ModelConfig
    device: torch.device

    @classmethod
    def for_training(
        cls, config: ModelConfig, train_smiles: Sequence[str], device: str | torch.device
    ) -> Self:
        """An untrained generator set up for ``train_smiles`` (e.g. its vocabulary)."""
        ...

    def fit(
        self,
        train: Sequence[str],
        valid: Sequence[str],
        config: TrainConfig,
        out_dir: str | Path,
        *,
        resume: bool = False,
        data_hash: str = "",
        log_metrics: MetricLogger | None = None,
    ) -> TrainResult:
        """Train on SMILES through the shared trainer, writing checkpoints to ``out_dir``."""
        ...

    def sample(
        self,
        n: int,
        temperature: float = 1.0,
        *,
        max_length: int = 120,
        batch_size: int = 1024,
        seed: int | None = None,
    ) -> list[str]:
        """Draw ``n`` SMILES strings (possibly invalid) from the model."""
        ...

    def likelihood(self, smiles: Sequence[str], batch_size: int = 1024) -> np.ndarray:
        """Log-likelihood of each SMILES under the model (``-inf`` if it cannot be encoded).

        Families whose likelihood is a bound (the VAE's ELBO) say so; families with none
        (LatentGAN) raise :class:`LikelihoodUnavailable`.
        """
        ...

    def save(self, path: str | Path, *, extra: dict[str, Any] | None = None) -> None:
        """Write a self-describing checkpoint."""
        ...

    @classmethod
    def load(cls, path: str | Path, device: str | torch.device = "auto") -> Self:
        """Load a checkpoint written by :meth:`save` (with ``weights_only=True``)."""
        ...
