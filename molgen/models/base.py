"""The Generator protocol that every model family implements."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol, Self, runtime_checkable

import numpy as np
import torch

from molgen.utils.config import StrictModel

__all__ = [
    "Generator",
    "GeneratorTrainer",
    "LikelihoodUnavailable",
    "MetricLogger",
    "ModelConfig",
    "TrainResult",
]

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
    precision: str = "fp32"
    """The forward pass's precision as trained: ``bf16``, ``fp16`` or ``fp32``."""


class GeneratorTrainer(Protocol):
    """An optimisation loop that :meth:`Generator.fit` hands its generator to.

    The models layer sits below training, so it names only this interface; molgen's
    implementation is :class:`molgen.training.trainer.Trainer`, built from a ``TrainConfig``.
    """

    def fit(
        self,
        model: Any,
        train: Sequence[str],
        valid: Sequence[str],
        out_dir: str | Path,
        *,
        resume: bool = False,
        data_hash: str = "",
        log_metrics: MetricLogger | None = None,
    ) -> TrainResult:
        """Train ``model`` on SMILES, writing checkpoints to ``out_dir``."""
        ...


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
        trainer: GeneratorTrainer,
        out_dir: str | Path,
        *,
        resume: bool = False,
        data_hash: str = "",
        log_metrics: MetricLogger | None = None,
    ) -> TrainResult:
        """Train on SMILES with ``trainer`` (e.g. ``Trainer(TrainConfig(...))``), writing
        checkpoints to ``out_dir``.

        Args:
            train: training SMILES.
            valid: validation SMILES.
            trainer: the optimisation loop, which calls back this generator's training hooks.
            out_dir: checkpoint directory.
            resume: continue from ``out_dir/last.pt`` when it exists.
            data_hash: hash of the data, stored in checkpoints and checked on resume.
            log_metrics: receives ``(metrics, step)`` during training.
        """
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
