"""Self-describing checkpoints that load with ``torch.load(..., weights_only=True)``.

A checkpoint is a dict of plain data (str, numbers, lists, dicts and tensors):

- ``model_type``: the family key (:mod:`molgen.models.families`), e.g. ``"char_rnn"``;
- ``schema_version``, ``molgen_version``, ``created_at`` (ISO 8601, UTC);
- ``config``: the model config as a dict; ``vocabulary``: the token list;
- ``state_dict``: the network's tensors (on CPU);
- ``data_hash``: hash of the data it was trained on (``""`` if unknown);
- ``trainer_state``: what the trainer needs to resume, or ``None``;
- ``precision``: written by the trainer, the forward-pass precision the weights were
  trained in (``bf16``, ``fp16`` or ``fp32``); absent from older checkpoints;
- any further plain-data entries the caller adds.

No class is pickled, so a checkpoint keeps loading when code moves.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import torch

from molgen import __version__
from molgen.utils.errors import InputError, first_line

__all__ = ["SCHEMA_VERSION", "make_checkpoint", "read_checkpoint", "write_checkpoint"]

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 1
_CORE_KEYS = frozenset(
    {
        "model_type",
        "schema_version",
        "molgen_version",
        "created_at",
        "config",
        "vocabulary",
        "state_dict",
    }
)


def _to_cpu(value: Any) -> Any:
    """A copy of nested plain data with every tensor moved to the CPU."""
    if isinstance(value, torch.Tensor):
        return value.detach().cpu()
    if isinstance(value, Mapping):
        return {key: _to_cpu(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_to_cpu(item) for item in value)
    return value


def make_checkpoint(
    model_type: str,
    config: Mapping[str, Any],
    vocabulary: list[str],
    state_dict: Mapping[str, torch.Tensor],
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Assemble a checkpoint dict.

    Args:
        model_type: the model family's key.
        config: the model config as plain data (``config.model_dump(mode="json")``).
        vocabulary: the token list.
        state_dict: the network's parameters and buffers.
        extra: further plain-data entries, e.g. ``data_hash`` or ``trainer_state``.

    Raises:
        ValueError: ``extra`` tries to replace one of the core entries.
    """
    extra = dict(extra or {})
    clash = _CORE_KEYS & set(extra)
    if clash:
        raise ValueError(f"extra may not replace checkpoint entries {sorted(clash)}")
    return {
        "model_type": model_type,
        "schema_version": SCHEMA_VERSION,
        "molgen_version": __version__,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "config": dict(config),
        "vocabulary": list(vocabulary),
        "state_dict": _to_cpu(dict(state_dict)),
        "data_hash": "",
        "trainer_state": None,
        **_to_cpu(extra),
    }


def write_checkpoint(checkpoint: Mapping[str, Any], path: str | Path) -> Path:
    """Save atomically: write a temporary file beside ``path``, then rename it over ``path``.

    A run killed mid-write therefore leaves the previous checkpoint intact.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        torch.save(dict(checkpoint), tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def read_checkpoint(path: str | Path, model_type: str | None = None) -> dict[str, Any]:
    """Load a checkpoint (tensors on CPU) with ``weights_only=True`` and check its header.

    Args:
        path: the checkpoint file.
        model_type: when given, the family the caller expects.

    Raises:
        InputError: the file is missing, is not a molgen checkpoint, was written by a newer
            molgen (schema version), or holds a different model family.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "checkpoint not found")
    try:
        checkpoint = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # torch raises assorted errors on foreign or corrupt files
        raise InputError(path, f"not a molgen checkpoint ({first_line(exc)})") from None
    if not isinstance(checkpoint, dict) or not set(checkpoint) >= _CORE_KEYS:
        raise InputError(path, "not a molgen checkpoint (no model_type/schema_version header)")
    version = checkpoint["schema_version"]
    if not isinstance(version, int) or version > SCHEMA_VERSION:
        raise InputError(
            path,
            f"checkpoint schema version {version} is newer than this molgen supports "
            f"({SCHEMA_VERSION}); upgrade molgen to load it",
        )
    found = checkpoint["model_type"]
    if model_type is not None and found != model_type:
        raise InputError(
            path,
            f"checkpoint holds a {found!r} model, not {model_type!r}; "
            "load it with molgen.models.loading.load_generator",
        )
    return checkpoint
