"""Load a generator from wherever a user points: an MLflow model URI or a checkpoint path."""

from __future__ import annotations

import re

import torch
from mlflow.tracking import MlflowClient

from molgen.models.base import Generator
from molgen.models.loading import load_generator
from molgen.tracking import resolve_model_path
from molgen.utils.errors import InputError, first_line

__all__ = ["load_generator_from_uri", "pin_model_version", "registered_name"]

_ALIAS_URI = re.compile(r"^models:/(?P<name>[^/@]+)@(?P<alias>[^/@]+)/?$")
_REGISTERED_URI = re.compile(r"^models:/(?P<name>[^/@]+)[/@]")


def pin_model_version(model_uri: str) -> str:
    """``models:/<name>@<alias>`` as ``models:/<name>/<version>`` (the version the alias
    points at now), so a run keeps one model even if the alias moves; any other URI or path
    comes back unchanged.

    Raises:
        InputError: the registry has no such model or alias (one line).
    """
    match = _ALIAS_URI.match(model_uri)
    if not match:
        return model_uri
    try:
        version = MlflowClient().get_model_version_by_alias(match["name"], match["alias"])
    except Exception as exc:  # MlflowException (unknown name/alias) or a connection error
        reason = first_line(exc)
        raise InputError(model_uri, f"cannot resolve the alias: {reason}") from None
    return f"models:/{match['name']}/{version.version}"


def registered_name(model_uri: str) -> str | None:
    """The registered model's name in a ``models:/`` URI, else None."""
    match = _REGISTERED_URI.match(model_uri)
    return match["name"] if match else None


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
