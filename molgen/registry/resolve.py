"""Load a generator from wherever a user points: an MLflow model URI or a checkpoint path."""

from __future__ import annotations

import torch

from molgen.models.base import Generator
from molgen.models.loading import load_generator
from molgen.tracking import resolve_model_path

__all__ = ["load_generator_from_uri"]


def load_generator_from_uri(model: str, device: str | torch.device = "auto") -> Generator:
    """The generator behind ``model``, loaded with ``weights_only=True``.

    Args:
        model: ``models:/<family>@champion``, ``models:/<family>/<version>``,
            ``runs:/<run_id>/model``, or a checkpoint file or directory. URIs are resolved
            against the current MLflow tracking/registry URI.
        device: ``auto`` (CUDA when present), ``cpu``, ``cuda`` or ``cuda:N``.

    Raises:
        InputError: the URI or path holds no loadable checkpoint (one line, with the reason).
    """
    return load_generator(resolve_model_path(model), device=device)
