"""Training a predictor: an ensemble of seeded networks with a masked loss.

Regression targets are standardised for training (the scaler is kept and inverted on
prediction) and fit by mean squared error, or by Gaussian negative log-likelihood with
MVE. Classification uses binary cross-entropy on logits. Missing labels (NaN) are masked
out of the loss, so a multi-task table need not be complete. With a validation frame each
member keeps the weights of its best validation epoch.
"""

from __future__ import annotations

import copy
import logging
import math
import time
from collections.abc import Sequence

import numpy as np
import pandas as pd
import torch
from torch import nn

from molgen.chem.fingerprints import packed_matrix
from molgen.nn.graph_batch import collate_graphs
from molgen.predictors.config import PredictorConfig
from molgen.predictors.featurize import Featurised, featurise
from molgen.predictors.model import PredictorNetwork, build_network
from molgen.predictors.predictor import SIMILARITY_FINGERPRINT, TrainedPredictor
from molgen.predictors.scaling import Standardiser
from molgen.utils.errors import ConfigError
from molgen.utils.hashing import hash_strings
from molgen.utils.runtime import resolve_device, seed_everything

__all__ = ["fit_predictor", "lr_at_step", "masked_loss"]

logger = logging.getLogger(__name__)


def masked_loss(
    output: torch.Tensor, variance: torch.Tensor | None, labels: torch.Tensor, task: str
) -> torch.Tensor:
    """Mean loss over the labels that are present (NaN labels count for nothing).

    Args:
        output: ``(n, targets)`` standardised predictions or logits.
        variance: ``(n, targets)`` MVE variances, or None.
        labels: ``(n, targets)`` labels with NaN where missing.
        task: ``regression`` or ``classification``.
    """
    present = ~torch.isnan(labels)
    filled = torch.where(present, labels, torch.zeros_like(labels))
    if task == "classification":
        losses = nn.functional.binary_cross_entropy_with_logits(output, filled, reduction="none")
    elif variance is not None:
        losses = 0.5 * (torch.log(variance) + (output - filled) ** 2 / variance)
    else:
        losses = (output - filled) ** 2
    return (losses * present).sum() / present.sum().clamp(min=1)


def lr_at_step(step: int, steps_per_epoch: int, config: PredictorConfig) -> float:
    """The learning rate of optimiser step ``step`` (0-based) under ``config.lr_schedule``.

    ``warmup_decay`` rises linearly from ``lr * lr_ratio`` to ``lr`` over the warm-up
    epochs, then decays exponentially to ``lr * lr_ratio`` at the end of the last epoch.
    """
    if config.lr_schedule == "constant":
        return config.lr
    low = config.lr * config.lr_ratio
    warmup = round(config.warmup_epochs * steps_per_epoch)
    total = max(config.epochs * steps_per_epoch, warmup + 1)
    if step < warmup:
        return low + (config.lr - low) * step / warmup
    decay_steps = max(total - 1 - warmup, 1)
    return config.lr * config.lr_ratio ** (min(step - warmup, decay_steps) / decay_steps)


class _Prepared:
    """A frame's molecules featurised, with their labels (in training units)."""

    def __init__(self, featurised: Featurised, labels: np.ndarray) -> None:
        self.graphs = featurised.graphs
        self.labels = labels.astype(np.float32)
        self.descriptors = featurised.descriptors
        self.mols = featurised.mols


def _labels(frame: pd.DataFrame, targets: Sequence[str], smiles_column: str) -> np.ndarray:
    missing = [c for c in [smiles_column, *targets] if c not in frame.columns]
    if missing:
        raise ConfigError(f"the table has no column {', '.join(map(repr, missing))}")
    return frame[list(targets)].apply(pd.to_numeric, errors="coerce").to_numpy(float)


def _prepare(
    frame: pd.DataFrame, config: PredictorConfig, smiles_column: str, what: str
) -> tuple[_Prepared, list[str]]:
    labels = _labels(frame, config.targets, smiles_column)
    smiles = [s if isinstance(s, str) else None for s in frame[smiles_column]]
    featurised = featurise(smiles, config.descriptors)
    keep = featurised.valid & ~np.isnan(labels).all(axis=1)
    if (~keep).any():
        logger.warning(
            "%s: %d of %d rows skipped (SMILES that do not parse or no label)",
            what,
            int((~keep).sum()),
            len(frame),
        )
    if not featurised.valid.all() or not keep.all():
        featurised = featurise(
            [s for s, k in zip(smiles, keep, strict=True) if k], config.descriptors
        )
    used = [s for s, k in zip(smiles, keep, strict=True) if k]
    return _Prepared(featurised, labels[keep]), used  # type: ignore[arg-type]


def _batch_inputs(
    data: _Prepared, index: np.ndarray, descriptor_scaler: Standardiser | None, device: torch.device
) -> tuple[object, torch.Tensor | None, torch.Tensor]:
    graphs = collate_graphs([data.graphs[i] for i in index], device)
    descriptors = None
    if descriptor_scaler is not None and data.descriptors is not None:
        scaled = np.clip(
            np.nan_to_num(descriptor_scaler.transform(data.descriptors[index])), -10, 10
        )
        descriptors = torch.from_numpy(scaled.astype(np.float32)).to(device)
    labels = torch.from_numpy(data.labels[index]).to(device)
    return graphs, descriptors, labels


@torch.no_grad()
def _evaluate_loss(
    network: PredictorNetwork,
    data: _Prepared,
    config: PredictorConfig,
    descriptor_scaler: Standardiser | None,
    device: torch.device,
) -> float:
    network.eval()
    total, count = 0.0, 0
    for start in range(0, len(data.graphs), 1024):
        index = np.arange(start, min(start + 1024, len(data.graphs)))
        graphs, descriptors, labels = _batch_inputs(data, index, descriptor_scaler, device)
        output, variance = network(graphs, descriptors)  # type: ignore[arg-type]
        present = int((~torch.isnan(labels)).sum())
        total += float(masked_loss(output, variance, labels, config.task)) * present
        count += present
    return total / count if count else math.nan


def _train_member(
    member: int,
    train: _Prepared,
    val: _Prepared | None,
    config: PredictorConfig,
    descriptor_scaler: Standardiser | None,
    device: torch.device,
    deadline: float | None,
    history: list[dict[str, float]],
) -> PredictorNetwork:
    seed = config.seed + member
    seed_everything(seed)
    n_descriptors = 0 if train.descriptors is None else train.descriptors.shape[1]
    network = build_network(config, n_descriptors).to(device)
    optimiser = torch.optim.Adam(
        network.parameters(), lr=config.lr, weight_decay=config.weight_decay
    )
    rng = np.random.default_rng(seed)
    best_loss, best_state = math.inf, None
    steps_per_epoch, step = math.ceil(len(train.graphs) / config.batch_size), 0
    for epoch in range(config.epochs):
        network.train()
        order = rng.permutation(len(train.graphs))
        running, batches = 0.0, 0
        for start in range(0, len(order), config.batch_size):
            index = order[start : start + config.batch_size]
            graphs, descriptors, labels = _batch_inputs(train, index, descriptor_scaler, device)
            output, variance = network(graphs, descriptors)  # type: ignore[arg-type]
            loss = masked_loss(output, variance, labels, config.task)
            for group in optimiser.param_groups:
                group["lr"] = lr_at_step(step, steps_per_epoch, config)
            step += 1
            optimiser.zero_grad(set_to_none=True)
            loss.backward()
            optimiser.step()
            running += float(loss.detach())
            batches += 1
        row = {"member": member, "epoch": epoch, "train_loss": running / max(batches, 1)}
        if val is not None and val.graphs:
            row["val_loss"] = _evaluate_loss(network, val, config, descriptor_scaler, device)
            if row["val_loss"] < best_loss:
                best_loss = row["val_loss"]
                best_state = copy.deepcopy(network.state_dict())
        history.append(row)
        if deadline is not None and time.monotonic() > deadline:
            logger.warning("member %d stopped after epoch %d: time budget spent", member, epoch)
            break
    if best_state is not None:
        network.load_state_dict(best_state)
    return network.eval()


def fit_predictor(
    train: pd.DataFrame,
    val: pd.DataFrame | None,
    config: PredictorConfig,
    smiles_column: str = "smiles",
) -> TrainedPredictor:
    """Train a predictor (an ensemble of ``config.ensemble_size`` seeded networks).

    Rows whose SMILES does not parse or that have no label at all are skipped, with a
    logged count (curate tables with :func:`~molgen.predictors.data.read_labelled` first
    to get each rejected row and its reason).

    Args:
        train: a SMILES column plus one numeric column per target (NaN where missing;
            0/1 labels for classification).
        val: the same columns, for picking each member's best epoch; or None (last epoch).
        config: the predictor's settings.
        smiles_column: the SMILES column of both frames.

    Returns:
        The trained predictor.

    Raises:
        ConfigError: a target or SMILES column is missing, no usable training row, or
            classification labels other than 0 and 1.
    """
    device = resolve_device(config.device)
    started = time.monotonic()
    deadline = started + 60 * config.max_minutes if config.max_minutes else None
    train_data, train_smiles = _prepare(train, config, smiles_column, "training set")
    if not train_data.graphs:
        raise ConfigError("no usable training row (every SMILES unparsable or unlabelled)")
    present = train_data.labels[~np.isnan(train_data.labels)]
    if config.task == "classification" and not np.isin(present, (0.0, 1.0)).all():
        raise ConfigError("classification labels must be 0 or 1")
    target_scaler = None
    if config.task == "regression":
        target_scaler = Standardiser.fit(train_data.labels)
        train_data.labels = target_scaler.transform(train_data.labels).astype(np.float32)
    val_data = None
    if val is not None and len(val):
        val_data, _ = _prepare(val, config, smiles_column, "validation set")
        if target_scaler is not None:
            val_data.labels = target_scaler.transform(val_data.labels).astype(np.float32)
    descriptor_scaler = None
    if config.descriptors and train_data.descriptors is not None:
        descriptor_scaler = Standardiser.fit(train_data.descriptors)
    history: list[dict[str, float]] = []
    networks = [
        _train_member(
            member, train_data, val_data, config, descriptor_scaler, device, deadline, history
        )
        for member in range(config.ensemble_size)
    ]
    labels_text = [",".join(f"{v:.6g}" for v in row) for row in train_data.labels]
    data_hash = hash_strings(s + "\t" + t for s, t in zip(train_smiles, labels_text, strict=True))
    fingerprints = packed_matrix(train_data.mols, SIMILARITY_FINGERPRINT)
    logger.info(
        "trained %d member(s) on %d molecules in %.1fs",
        len(networks),
        len(train_data.graphs),
        time.monotonic() - started,
    )
    return TrainedPredictor(
        config,
        networks,
        target_scaler,
        descriptor_scaler,
        fingerprints,
        data_hash,
        history,
        device,
    )
