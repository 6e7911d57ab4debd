"""Load any checkpoint as the right Generator, chosen by the family it names."""

from __future__ import annotations

from pathlib import Path

import torch

from molgen.models.base import Generator
from molgen.models.checkpoint import read_checkpoint
from molgen.models.families import generator_class, known_families
from molgen.utils.errors import InputError

__all__ = ["load_generator"]


def load_generator(path: str | Path, device: str | torch.device = "auto") -> Generator:
    """Read a checkpoint's ``model_type`` and load it with that family's Generator.

    Args:
        path: a checkpoint written by ``Generator.save`` or the trainer.
        device: ``auto`` (CUDA when present), ``cpu``, ``cuda`` or ``cuda:N``.

    Raises:
        InputError: the file is missing, is not a molgen checkpoint, or names a model family
            this molgen does not know.
    """
    model_type = read_checkpoint(path)["model_type"]
    if model_type not in known_families():
        raise InputError(
            path,
            f"checkpoint holds unknown model type {model_type!r}; "
            f"known models: {', '.join(known_families())}",
        )
    return generator_class(model_type).load(path, device=device)
