"""Novelty against the training set."""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from molgen.scoring.components.base import ComponentContext, NoParams, register_component
from molgen.scoring.components.batch import MolBatch
from molgen.utils.errors import ConfigError

__all__ = ["NoveltyComponent"]


@register_component("novelty", NoParams)
class NoveltyComponent:
    """1 if the canonical SMILES is not in the training set, else 0.

    Runs in the calling process (the training set never goes to workers).

    Raises:
        ConfigError: no training set was given.
    """

    local: ClassVar[bool] = True

    def __init__(self, name: str, params: NoParams, context: ComponentContext) -> None:
        if context.train_smiles is None:
            raise ConfigError(f"component {name!r} (novelty) needs a training set (--data)")
        self.name, self.train = name, context.train_smiles

    def __call__(self, batch: MolBatch) -> np.ndarray:
        """1.0 novel, 0.0 in the training set, NaN where invalid."""
        values = [np.nan if not ok else float(c not in self.train)
                  for c, ok in zip(batch.canonical, batch.valid, strict=True)]  # fmt: skip
        return np.array(values, dtype=float)
