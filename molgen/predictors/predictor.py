"""A trained predictor: its networks, scalers and training fingerprints; predict, save, load.

The checkpoint (``predictor.pt``, see :mod:`molgen.models.checkpoint`) holds plain data
only: model type ``"predictor"``, schema version, the config, the target names, the
target and descriptor scalers, every ensemble member's weights, the training set's packed
ECFP4 fingerprints (for the applicability-domain column) and the hash of the training
data. It loads with ``torch.load(..., weights_only=True)``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import mlflow
import numpy as np
import pandas as pd
import torch
from rdkit import Chem

from molgen.chem.fingerprints import FingerprintSpec, bulk_tanimoto, packed_matrix, unpack
from molgen.models.checkpoint import make_checkpoint, read_checkpoint, write_checkpoint
from molgen.nn.graph_batch import collate_graphs
from molgen.predictors.config import PredictorConfig
from molgen.predictors.featurize import DESCRIPTOR_NAMES, featurise
from molgen.predictors.model import PredictorNetwork, build_network
from molgen.predictors.scaling import Standardiser
from molgen.utils.errors import InputError, first_line
from molgen.utils.runtime import resolve_device

__all__ = [
    "CHECKPOINT_NAME",
    "MODEL_TYPE",
    "SIMILARITY_COLUMN",
    "TrainedPredictor",
    "load_predictor",
]

logger = logging.getLogger(__name__)

MODEL_TYPE = "predictor"
CHECKPOINT_NAME = "predictor.pt"
SIMILARITY_COLUMN = "nearest_train_similarity"
SIMILARITY_FINGERPRINT = FingerprintSpec()  # ECFP4, 2048 bits
_INFERENCE_BATCH = 2048


class TrainedPredictor:
    """An ensemble of trained networks with what is needed to use them.

    Args:
        config: the settings it was trained with.
        networks: the ensemble members.
        target_scaler: regression target standardiser (None for classification).
        descriptor_scaler: descriptor standardiser (None without descriptors).
        train_fingerprints: ``(n_train, 256)`` uint8 packed ECFP4 of the training molecules.
        data_hash: hash of the training data.
        history: per-epoch losses, ``{"member", "epoch", "train_loss", "val_loss"}`` rows.
        device: where the networks run (default: CUDA when present).
    """

    def __init__(
        self,
        config: PredictorConfig,
        networks: Sequence[PredictorNetwork],
        target_scaler: Standardiser | None,
        descriptor_scaler: Standardiser | None,
        train_fingerprints: np.ndarray,
        data_hash: str = "",
        history: list[dict[str, float]] | None = None,
        device: torch.device | None = None,
    ) -> None:
        self.config = config
        self.device = device or resolve_device(config.device)
        self.networks = [network.to(self.device).eval() for network in networks]
        self.target_scaler = target_scaler
        self.descriptor_scaler = descriptor_scaler
        self.train_fingerprints = np.ascontiguousarray(train_fingerprints, dtype=np.uint8)
        self.data_hash = data_hash
        self.history = list(history or [])
        self._reference: list[Any] | None = None

    @property
    def targets(self) -> list[str]:
        """The target names, in output order."""
        return list(self.config.targets)

    def _references(self) -> list[Any]:
        if self._reference is None:
            self._reference = [unpack(row.tobytes()) for row in self.train_fingerprints]
        return self._reference

    def nearest_similarity(self, mols: Sequence[Chem.Mol]) -> np.ndarray:
        """ECFP4 Tanimoto similarity of each molecule to its nearest training molecule."""
        references = self._references()
        if not references or not mols:
            return np.zeros(len(mols))
        queries = packed_matrix(list(mols), SIMILARITY_FINGERPRINT)
        return np.array([bulk_tanimoto(unpack(q.tobytes()), references).max() for q in queries])

    @torch.no_grad()
    def _raw(self, featurised: Any) -> tuple[np.ndarray, np.ndarray | None]:
        """Member outputs ``(members, n, targets)`` (and MVE variances) in model units."""
        descriptors = None
        if self.descriptor_scaler is not None:
            scaled = np.nan_to_num(self.descriptor_scaler.transform(featurised.descriptors))
            descriptors = np.clip(scaled, -10, 10).astype(np.float32)
        means, variances = [], []
        for network in self.networks:
            out_m, out_v = [], []
            for start in range(0, len(featurised.graphs), _INFERENCE_BATCH):
                stop = start + _INFERENCE_BATCH
                batch = collate_graphs(featurised.graphs[start:stop], self.device)
                extra = None
                if descriptors is not None:
                    extra = torch.from_numpy(descriptors[start:stop]).to(self.device)
                mean, var = network(batch, extra)
                out_m.append(mean.float().cpu().numpy())
                if var is not None:
                    out_v.append(var.float().cpu().numpy())
            means.append(np.concatenate(out_m))
            if out_v:
                variances.append(np.concatenate(out_v))
        return np.stack(means), (np.stack(variances) if variances else None)

    def predict_mols(
        self, molecules: Sequence[str | None] | Sequence[Chem.Mol | None], similarity: bool = True
    ) -> pd.DataFrame:
        """Like :meth:`predict`, from SMILES or already parsed molecules (None: invalid);
        without the similarity column when ``similarity`` is False (it costs time)."""
        featurised = featurise(molecules, self.config.descriptors)
        n, valid = len(molecules), featurised.valid
        columns: dict[str, np.ndarray] = {}
        for target in self.targets:
            columns[target] = np.full(n, np.nan)
            columns[f"{target}_std"] = np.full(n, np.nan)
        if featurised.graphs:
            mean, std = self._combine(*self._raw(featurised))
            for j, target in enumerate(self.targets):
                columns[target][valid] = mean[:, j]
                columns[f"{target}_std"][valid] = std[:, j]
        if similarity:
            columns[SIMILARITY_COLUMN] = np.full(n, np.nan)
            columns[SIMILARITY_COLUMN][valid] = self.nearest_similarity(featurised.mols)
        return pd.DataFrame(columns)

    def _combine(
        self, means: np.ndarray, variances: np.ndarray | None
    ) -> tuple[np.ndarray, np.ndarray]:
        """The ensemble's mean and spread in the targets' units (probabilities for
        classification): the members' spread, plus the mean predicted variance with MVE."""
        if self.config.task == "classification":
            probabilities = 1 / (1 + np.exp(-means))
            return probabilities.mean(axis=0), probabilities.std(axis=0)
        total = means.var(axis=0)
        if variances is not None:
            total = total + variances.mean(axis=0)
        mean, std = means.mean(axis=0), np.sqrt(total)
        if self.target_scaler is not None:
            mean = self.target_scaler.inverse(mean)
            std = std * self.target_scaler.std
        return mean, std

    def predict(self, smiles: Sequence[str]) -> pd.DataFrame:
        """Predictions for a list of SMILES, one row each, in order.

        Returns:
            A frame with ``<target>`` (the ensemble mean; a probability for
            classification), ``<target>_std`` (the ensemble spread, with the predicted
            variance under MVE; 0 for a single model without MVE) and
            ``nearest_train_similarity`` (ECFP4 Tanimoto to the nearest training
            molecule). All are NaN for SMILES that do not parse.
        """
        return self.predict_mols(list(smiles), similarity=True)

    def checkpoint(self) -> dict[str, Any]:
        """The self-describing checkpoint dict (plain data and tensors only)."""
        state = {
            f"{i}.{key}": value
            for i, network in enumerate(self.networks)
            for key, value in network.state_dict().items()
        }
        return make_checkpoint(
            MODEL_TYPE,
            self.config.model_dump(mode="json"),
            [],
            state,
            extra={
                "targets": self.targets,
                "task": self.config.task,
                "target_scaler": self.target_scaler.to_lists() if self.target_scaler else None,
                "descriptor_names": list(DESCRIPTOR_NAMES) if self.descriptor_scaler else [],
                "descriptor_scaler": (
                    self.descriptor_scaler.to_lists() if self.descriptor_scaler else None
                ),
                "train_fingerprints": torch.from_numpy(self.train_fingerprints.copy()),
                "fingerprint": SIMILARITY_FINGERPRINT.label,
                "ensemble_size": len(self.networks),
                "data_hash": self.data_hash,
            },
        )

    def save(self, directory: str | Path) -> Path:
        """Write ``directory/predictor.pt`` (atomically); returns its path."""
        return write_checkpoint(self.checkpoint(), Path(directory) / CHECKPOINT_NAME)


def _from_checkpoint(
    checkpoint: dict[str, Any], source: str, device: str | None
) -> TrainedPredictor:
    try:
        config = PredictorConfig.model_validate(checkpoint["config"])
        n_descriptors = len(checkpoint["descriptor_names"])
        networks = []
        for i in range(int(checkpoint["ensemble_size"])):
            prefix = f"{i}."
            state = {
                key[len(prefix) :]: value
                for key, value in checkpoint["state_dict"].items()
                if key.startswith(prefix)
            }
            network = build_network(config, n_descriptors)
            network.load_state_dict(state)
            networks.append(network)
        targets = checkpoint["target_scaler"]
        descriptors = checkpoint["descriptor_scaler"]
        return TrainedPredictor(
            config,
            networks,
            Standardiser.from_lists(targets) if targets else None,
            Standardiser.from_lists(descriptors) if descriptors else None,
            checkpoint["train_fingerprints"].numpy(),
            checkpoint.get("data_hash", ""),
            device=resolve_device(device or config.device),
        )
    except (KeyError, TypeError, ValueError, RuntimeError) as exc:
        raise InputError(source, f"not a usable predictor checkpoint ({first_line(exc)})") from None


def _local_path(path_or_uri: str | Path) -> Path:
    """A local checkpoint file from a file, a directory or an MLflow URI."""
    text = str(path_or_uri)
    if "://" in text or text.startswith(("runs:/", "models:/")):
        try:
            local = Path(mlflow.artifacts.download_artifacts(artifact_uri=text))
        except Exception as exc:  # MLflow raises assorted errors for unknown URIs
            raise InputError(
                text, f"cannot fetch the predictor from MLflow: {first_line(exc)}"
            ) from None
    else:
        local = Path(path_or_uri)
    if local.is_dir():
        found = sorted(local.rglob(CHECKPOINT_NAME))
        if not found:
            raise InputError(text, f"no {CHECKPOINT_NAME} in this directory")
        return found[0]
    if not local.is_file():
        raise InputError(text, "predictor not found")
    return local


def load_predictor(path_or_uri: str | Path, device: str | None = None) -> TrainedPredictor:
    """Load a predictor saved by :meth:`TrainedPredictor.save` or logged to MLflow.

    Args:
        path_or_uri: a ``predictor.pt`` file, a directory holding one (searched
            recursively), or an MLflow URI (``models:/name@alias``, ``runs:/id/predictor``).
        device: override the saved device choice (``auto``, ``cpu``, ``cuda``).

    Raises:
        InputError: nothing loadable there, or not a predictor checkpoint (one line).
    """
    path = _local_path(path_or_uri)
    checkpoint = read_checkpoint(path, model_type=None)
    if checkpoint["model_type"] != MODEL_TYPE:
        raise InputError(path, f"holds a {checkpoint['model_type']!r} model, not a predictor")
    return _from_checkpoint(checkpoint, str(path), device)
