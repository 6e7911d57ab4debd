"""Resumable trainer state as plain data (loads with ``torch.load(weights_only=True)``)."""

from __future__ import annotations

import math
import random
from dataclasses import asdict, dataclass, fields
from typing import Any

import numpy as np
import torch

__all__ = ["RunProgress", "capture_rng", "restore_rng"]


@dataclass
class RunProgress:
    """Counters a resumed run continues from.

    Attributes:
        epoch: completed epochs.
        batch_in_epoch: batches already done in the unfinished epoch ``epoch``.
        global_step: optimiser steps taken.
        best_val_loss: lowest validation loss so far.
        bad_epochs: validations in a row without improvement (early-stopping counter).
        elapsed_seconds: wall-clock time spent, over all sessions.
        val_seconds: duration of the last validation (reserved before a time limit).
        stopped_because: why the session that wrote this state stopped (``""`` if it did not).
        budget_seconds: that session's wall-clock budget, or None.
    """

    epoch: int = 0
    batch_in_epoch: int = 0
    global_step: int = 0
    best_val_loss: float = math.inf
    bad_epochs: int = 0
    elapsed_seconds: float = 0.0
    val_seconds: float = 0.0
    stopped_because: str = ""
    budget_seconds: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form for a checkpoint."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunProgress:
        """Inverse of :meth:`to_dict`; unknown keys are ignored."""
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


def capture_rng() -> dict[str, Any]:
    """The Python, NumPy and torch (CPU and CUDA) random states, as tensors and numbers."""
    version, words, gauss = random.getstate()
    _, keys, pos, has_gauss, cached = np.random.get_state()
    return {
        "python": [version, torch.tensor(words, dtype=torch.int64), gauss],
        "numpy": [torch.from_numpy(keys.astype(np.int64)), int(pos), int(has_gauss), cached],
        "torch": torch.get_rng_state(),
        "cuda": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else [],
    }


def restore_rng(state: dict[str, Any]) -> None:
    """Set the random states saved by :func:`capture_rng`."""
    version, words, gauss = state["python"]
    random.setstate((version, tuple(words.tolist()), gauss))
    keys, pos, has_gauss, cached = state["numpy"]
    np.random.set_state(("MT19937", keys.numpy().astype(np.uint32), pos, has_gauss, cached))
    torch.set_rng_state(state["torch"])
    if state["cuda"] and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])
