"""A trained property predictor as a scoring component (its mean, spread or a lower bound).

The predictor is loaded once per process and cached; every component of a batch that
names the same model shares one prediction pass (the batch caches it), so listing the
mean and the spread of one model as two components costs one forward pass.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import ClassVar, Literal

import numpy as np
from pydantic import Field, field_validator

from molgen.predictors import TrainedPredictor, load_predictor
from molgen.scoring.components.base import ComponentContext, ComponentParams, register_component
from molgen.scoring.components.batch import MolBatch
from molgen.utils.errors import ConfigError, MolgenError

__all__ = ["PredictorComponent", "PredictorParams", "cached_predictor"]


def _is_uri(model: str) -> bool:
    return "://" in model or model.startswith(("runs:/", "models:/"))


class PredictorParams(ComponentParams):
    """Parameters of ``predictor``.

    Attributes:
        model: a predictor directory or ``predictor.pt`` file, or an MLflow URI
            (``models:/name@alias``, ``models:/name/3``, ``runs:/<id>/predictor``).
        target: which of the model's targets (default: its only one).
        output: ``mean`` (the prediction; a probability for classification), ``std`` (its
            spread), ``lcb`` (``mean - k * std``, a cautious value) or ``similarity``
            (ECFP4 Tanimoto to the nearest training molecule, the applicability domain).
        k: the multiple of the spread ``lcb`` subtracts.
    """

    model: str = Field(min_length=1)
    target: str | None = None
    output: Literal["mean", "std", "lcb", "similarity"] = "mean"
    k: float = Field(default=1.0, ge=0)

    @field_validator("model")
    @classmethod
    def _exists(cls, model: str) -> str:
        if not _is_uri(model) and not Path(model).exists():
            raise ValueError(f"predictor {model!r} not found")
        return model


@lru_cache(maxsize=16)
def cached_predictor(model: str) -> TrainedPredictor:
    """The predictor at ``model``, loaded once per process.

    Raises:
        MolgenError: it cannot be loaded (one line).
    """
    return load_predictor(model)


@register_component("predictor", PredictorParams)
class PredictorComponent:
    """A trained property predictor's mean, spread, lower confidence bound or similarity."""

    local: ClassVar[bool] = False

    def __init__(self, name: str, params: PredictorParams, context: ComponentContext) -> None:
        self.name = name
        self.model = params.model
        self.output = params.output
        self.k = params.k
        try:
            predictor = cached_predictor(params.model)
        except MolgenError as exc:
            raise ConfigError(str(exc)) from None
        targets = predictor.targets
        if params.target is None and len(targets) > 1:
            raise ConfigError(
                f"predictor {params.model!r} has several targets; name one with "
                f"target = ({', '.join(targets)})"
            )
        target = params.target or targets[0]
        if target not in targets:
            raise ConfigError(
                f"predictor {params.model!r} has no target {target!r}; it has {', '.join(targets)}"
            )
        self.target = target

    def _predictions(self, batch: MolBatch) -> list[np.ndarray | None]:
        """Per molecule, the model's row of (mean, std) per target (then the similarity),
        computed once per batch for every component naming this model."""
        similarity = self.output == "similarity"
        key = ("predictor", self.model, similarity)

        def predict(mols: list) -> list[np.ndarray]:
            frame = cached_predictor(self.model).predict_mols(mols, similarity=similarity)
            return list(frame.to_numpy(dtype=float))

        return batch.derived_batch(key, predict)

    def __call__(self, batch: MolBatch) -> np.ndarray:
        """The chosen output per molecule (NaN where invalid)."""
        rows = self._predictions(batch)
        present = np.fromiter((row is not None for row in rows), bool, len(rows))
        out = np.full(len(batch), np.nan)
        if not present.any():
            return out
        table = np.stack([row for row in rows if row is not None])
        j = 2 * cached_predictor(self.model).targets.index(self.target)
        if self.output == "similarity":
            out[present] = table[:, -1]
        elif self.output == "std":
            out[present] = table[:, j + 1]
        elif self.output == "lcb":
            out[present] = table[:, j] - self.k * table[:, j + 1]
        else:
            out[present] = table[:, j]
        return out
