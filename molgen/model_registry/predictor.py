"""A trained property predictor as an MLflow ``pyfunc`` model, logged and registered.

The only artifact is the predictor's self-describing checkpoint (``predictor.pt``), loaded
with ``torch.load(weights_only=True)``; nothing is pickled (the model is logged from code,
:mod:`molgen.model_registry.predictor_model`). Input: a DataFrame with ``smiles``. Output:
one row per input with ``<target>``, ``<target>_std`` and ``nearest_train_similarity``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import mlflow
import pandas as pd
from mlflow import MlflowClient
from mlflow.models import ModelSignature
from mlflow.models.model import ModelInfo
from mlflow.pyfunc import PythonModel, PythonModelContext
from mlflow.types import ColSpec, Schema

from molgen.model_registry.pyfunc import _requirements
from molgen.predictors import SIMILARITY_COLUMN, load_predictor
from molgen.utils.errors import InputError, MolgenError, first_line

__all__ = ["PREDICTOR_ARTIFACT", "PredictorModel", "log_predictor_model", "predictor_signature"]

PREDICTOR_ARTIFACT = "predictor"
"""The key of the checkpoint in the logged model's ``artifacts``."""

_MODEL_CODE = Path(__file__).with_name("predictor_model.py")


def predictor_signature(targets: list[str]) -> ModelSignature:
    """Input ``smiles``; output the mean and std of each target and the similarity."""
    outputs = [ColSpec("double", name) for t in targets for name in (t, f"{t}_std")]
    return ModelSignature(
        inputs=Schema([ColSpec("string", "smiles")]),
        outputs=Schema([*outputs, ColSpec("double", SIMILARITY_COLUMN)]),
    )


class PredictorModel(PythonModel):
    """MLflow pyfunc wrapper of a molgen predictor (device chosen automatically)."""

    def load_context(self, context: PythonModelContext) -> None:
        """Load the predictor from the model's checkpoint artifact."""
        self.predictor = load_predictor(context.artifacts[PREDICTOR_ARTIFACT])

    def predict(
        self,
        context: PythonModelContext,
        model_input: pd.DataFrame,
        params: dict[str, Any] | None = None,
    ) -> pd.DataFrame:
        """Predictions for the ``smiles`` column, one row per input row."""
        frame = pd.DataFrame(model_input)
        if "smiles" not in frame.columns:
            raise InputError("model input", "needs a 'smiles' column")
        smiles = [s if isinstance(s, str) else None for s in frame["smiles"]]
        return self.predictor.predict(smiles)  # type: ignore[arg-type]


def log_predictor_model(
    checkpoint: str | Path,
    name: str = "predictor",
    registered_model_name: str | None = None,
    alias: str | None = None,
) -> dict[str, Any]:
    """Log a predictor checkpoint as a pyfunc model of the active run; optionally register it.

    Args:
        checkpoint: a ``predictor.pt``.
        name: the model's name in the run (``runs:/<run_id>/<name>``).
        registered_model_name: register a new version under this name.
        alias: with a registration, point this alias at the new version.

    Returns:
        ``model_uri`` (the logged model), and with a registration ``registered_name``,
        ``version`` and ``registered_uri`` (``models:/<name>@<alias>`` or ``/<version>``).

    Raises:
        MolgenError: the checkpoint is not a predictor, or the registry refused it.
    """
    predictor = load_predictor(checkpoint, device="cpu")
    example = pd.DataFrame({"smiles": ["CCO", "c1ccccc1O"]})
    try:
        info: ModelInfo = mlflow.pyfunc.log_model(
            name=name,
            python_model=str(_MODEL_CODE),
            artifacts={PREDICTOR_ARTIFACT: str(checkpoint)},
            signature=predictor_signature(predictor.targets),
            input_example=example,
            pip_requirements=_requirements(),
            registered_model_name=registered_model_name,
            metadata={"molgen.model_type": "predictor", "molgen.targets": predictor.targets},
        )
    except Exception as exc:  # MLflow raises many types; the user needs one line
        raise MolgenError(f"cannot log predictor {checkpoint}: {first_line(exc)}") from None
    out: dict[str, Any] = {"model_uri": info.model_uri}
    if registered_model_name:
        version = info.registered_model_version
        out |= {"registered_name": registered_model_name, "version": version}
        out["registered_uri"] = f"models:/{registered_model_name}/{version}"
        if alias and version is not None:
            try:
                MlflowClient().set_registered_model_alias(
                    registered_model_name, alias, str(version)
                )
            except Exception as exc:  # MLflow raises many types; the user needs one line
                raise MolgenError(f"cannot set alias {alias!r}: {first_line(exc)}") from None
            out["registered_uri"] = f"models:/{registered_model_name}@{alias}"
    return out
