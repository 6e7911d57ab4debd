"""What every SMILES-token model family shares: vocabulary, device, encoding, checkpoints.

A family subclasses :class:`TokenGenerator`, sets ``model_type`` and ``config_class`` and
builds its network in :meth:`TokenGenerator.build_module`. It then gets the trainer hooks
(:meth:`~TokenGenerator.to`, :meth:`~TokenGenerator.prepare`,
:meth:`~TokenGenerator.collate`), :meth:`~TokenGenerator.fit` with a trainer passed in, and
self-describing :meth:`~TokenGenerator.save` / :meth:`~TokenGenerator.load`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ClassVar, Self

import numpy as np
import torch
from pydantic import ValidationError

from molgen.data.tokenizer import Vocabulary
from molgen.models.base import GeneratorTrainer, MetricLogger, ModelConfig, TrainResult
from molgen.models.checkpoint import make_checkpoint, read_checkpoint, write_checkpoint
from molgen.utils.errors import InputError, first_line
from molgen.utils.runtime import resolve_device

__all__ = ["TokenGenerator", "evaluating", "pad_batch"]


@contextmanager
def evaluating(module: torch.nn.Module) -> Iterator[None]:
    """Put ``module`` in eval mode for the block, then restore its previous mode."""
    was_training = module.training
    module.eval()
    try:
        yield
    finally:
        module.train(was_training)


def pad_batch(items: Sequence[Sequence[int]], pad_id: int, device: torch.device) -> torch.Tensor:
    """Pad token-id lists into a ``(batch, longest)`` int64 tensor on ``device``."""
    batch = np.full((len(items), max(map(len, items))), pad_id, np.int64)
    for row, ids in enumerate(items):
        batch[row, : len(ids)] = ids
    return torch.from_numpy(batch).to(device, non_blocking=True)


class TokenGenerator:
    """Base of the families that read and write SMILES as tokens of a :class:`Vocabulary`.

    Args:
        config: the family's config (an instance of ``config_class``).
        vocabulary: the token list (special tokens first), e.g. ``Vocabulary.build(...)``.
        device: ``auto`` (CUDA when present), ``cpu``, ``cuda`` or ``cuda:N``.
    """

    model_type: ClassVar[str]
    config_class: ClassVar[type[ModelConfig]]
    cpu_autocast: ClassVar[bool] = False
    """Whether ``precision = "auto"`` trains in bf16 on a bf16-capable CPU (measured faster)."""

    def __init__(
        self,
        config: ModelConfig,
        vocabulary: list[str],
        device: str | torch.device = "auto",
    ) -> None:
        self.config = config
        self.vocabulary = Vocabulary(vocabulary)
        self.device = resolve_device(str(device))
        self.data_hash = ""
        self.module = self.build_module().to(self.device)

    def build_module(self) -> torch.nn.Module:
        """The family's network, built from ``self.config`` and ``self.vocabulary``."""
        raise NotImplementedError

    @classmethod
    def for_training(
        cls, config: ModelConfig, train_smiles: Sequence[str], device: str | torch.device
    ) -> Self:
        """An untrained generator for ``train_smiles``: its vocabulary comes from them."""
        return cls(config, Vocabulary.build(train_smiles).to_list(), device=device)

    # ----------------------------------------------------------------- trainer hooks
    def to(self, device: str | torch.device) -> Self:
        """Move the network to ``device`` (``auto`` resolves as in the constructor)."""
        self.device = resolve_device(str(device))
        self.module.to(self.device)
        return self

    def prepare(self, smiles: Sequence[str]) -> list[Any]:
        """Encode SMILES once, before training: ``<bos>`` ids ``<eos>`` per molecule."""
        return [self.vocabulary.encode(s) for s in smiles]

    def collate(self, items: Sequence[Any]) -> Any:
        """Pad encoded molecules into a ``(batch, longest)`` tensor on this device."""
        return pad_batch(items, self.vocabulary.pad_id, self.device)

    def fits(self, ids: Sequence[int]) -> bool:
        """Whether the network can read this encoded molecule: every token is known."""
        return self.vocabulary.unk_id not in ids

    def encodable(self, smiles: Sequence[str]) -> list[int]:
        """Indices of the SMILES the network can read (see :meth:`fits`)."""
        return [i for i, ids in enumerate(map(self.vocabulary.encode, smiles)) if self.fits(ids)]

    # ----------------------------------------------------------------- Generator protocol
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
        """Train with ``trainer`` (see :meth:`molgen.models.base.Generator.fit`); a later
        :meth:`save` records ``data_hash`` too."""
        self.data_hash = data_hash
        return trainer.fit(
            self, train, valid, out_dir, resume=resume, data_hash=data_hash, log_metrics=log_metrics
        )

    def checkpoint_extra(self) -> dict[str, Any]:
        """Further plain-data checkpoint entries this family needs to load (none here)."""
        return {}

    def save(self, path: str | Path, *, extra: dict[str, Any] | None = None) -> None:
        """Write a checkpoint (see :mod:`molgen.models.checkpoint`) atomically.

        Args:
            path: destination file.
            extra: further plain-data entries, e.g. ``trainer_state``.
        """
        checkpoint = make_checkpoint(
            self.model_type,
            self.config.model_dump(mode="json"),
            self.vocabulary.to_list(),
            self.module.state_dict(),
            {"data_hash": self.data_hash, **self.checkpoint_extra(), **(extra or {})},
        )
        write_checkpoint(checkpoint, path)

    @classmethod
    def from_checkpoint(
        cls, checkpoint: dict[str, Any], device: str | torch.device = "auto"
    ) -> Self:
        """Rebuild a generator from a checkpoint dict read by :func:`read_checkpoint`."""
        config = cls.config_class.model_validate(checkpoint["config"])
        generator = cls(config, checkpoint["vocabulary"], device=device)
        generator.module.load_state_dict(checkpoint["state_dict"])
        return generator

    @classmethod
    def load(cls, path: str | Path, device: str | torch.device = "auto") -> Self:
        """Load a checkpoint of this family with ``weights_only=True``.

        Raises:
            InputError: missing file, not a molgen checkpoint, another family, a newer
                schema, or a config/weights mismatch.
        """
        checkpoint = read_checkpoint(path, cls.model_type)
        try:
            generator = cls.from_checkpoint(checkpoint, device=device)
        except (ValidationError, ValueError, RuntimeError, KeyError) as exc:
            reason = first_line(exc)
            raise InputError(path, f"inconsistent {cls.model_type} checkpoint: {reason}") from None
        generator.data_hash = str(checkpoint.get("data_hash", ""))
        return generator
