"""A trained generator as an MLflow ``pyfunc`` model.

The model's only artifact is the generator's self-describing checkpoint, loaded with
``torch.load(weights_only=True)`` by :func:`molgen.models.loading.load_generator`; no Python
object is pickled (the model is logged from code, :mod:`molgen.model_registry.pyfunc_model`).

Input: a DataFrame with ``n`` (how many molecules) and, optionally, ``seed`` and
``temperature``; each row is one request. Output: one row per generated molecule, in
request order, with ``smiles`` (RDKit canonical when it parses, else the raw string) and
``valid``. So ``mlflow models predict -m <uri> -i input.json --env-manager local`` with
``{"dataframe_records": [{"n": 100, "seed": 0}]}`` prints 100 molecules.
"""

from __future__ import annotations

import logging
import math
import secrets
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import mlflow
import pandas as pd
from mlflow.models import ModelSignature
from mlflow.models.model import ModelInfo
from mlflow.pyfunc import PythonModel, PythonModelContext
from mlflow.types import ColSpec, Schema

from molgen.models.base import Generator
from molgen.models.checkpoint import read_checkpoint
from molgen.models.loading import load_generator
from molgen.sampling.config import SampleConfig
from molgen.sampling.sample import sample_molecules
from molgen.utils.errors import InputError

__all__ = [
    "CHECKPOINT_ARTIFACT",
    "INPUT_EXAMPLE",
    "SIGNATURE",
    "GeneratorModel",
    "log_generator_model",
    "sample_request",
]

logger = logging.getLogger(__name__)

CHECKPOINT_ARTIFACT = "checkpoint"
"""The key of the checkpoint in the model's ``artifacts`` (stored as
``artifacts/checkpoint.pt`` inside the model)."""

SIGNATURE = ModelSignature(
    inputs=Schema(
        [
            ColSpec("long", "n"),
            ColSpec("long", "seed", required=False),
            ColSpec("double", "temperature", required=False),
        ]
    ),
    outputs=Schema([ColSpec("string", "smiles"), ColSpec("boolean", "valid")]),
)
"""Input ``n`` (required), ``seed`` and ``temperature``; output ``smiles`` and ``valid``."""

INPUT_EXAMPLE = pd.DataFrame({"n": [5], "seed": [0], "temperature": [1.0]})
"""Five molecules, seeded, at temperature 1 (what the logged model's example shows)."""

_MODEL_CODE = Path(__file__).with_name("pyfunc_model.py")
_DEFAULT_KEYS = ("temperature", "max_length", "batch_size")
_REQUIREMENTS = ("mlflow", "torch", "torch-geometric", "rdkit", "pandas", "pydantic")


def _present(value: Any) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def sample_request(
    generator: Generator, row: dict[str, Any], defaults: SampleConfig, index: int = 0
) -> pd.DataFrame:
    """The molecules of one input row: ``n``, and ``seed``/``temperature`` when given.

    A row without a seed gets a fresh random one, so repeated requests differ; with a seed
    the output is reproducible.

    Raises:
        InputError: ``n`` is missing or not a positive integer, or ``temperature`` is not
            positive (the message names the row).
    """
    where = f"input row {index}"
    n = row.get("n")
    if not _present(n) or float(n) != int(n) or int(n) < 1:
        raise InputError(where, f"n must be a positive integer, got {n!r}")
    temperature = row.get("temperature")
    if _present(temperature) and not float(temperature) > 0:
        raise InputError(where, f"temperature must be positive, got {temperature!r}")
    seed = row.get("seed")
    config = defaults.model_copy(
        update={
            "n": int(n),
            "seed": int(seed) if _present(seed) else secrets.randbelow(2**31),
            "temperature": float(temperature) if _present(temperature) else defaults.temperature,
        }
    )
    return sample_molecules(generator, config)


class GeneratorModel(PythonModel):
    """MLflow pyfunc wrapper of any molgen generator (the family its checkpoint names).

    The model config (``model_config`` at logging time) may set the default ``temperature``,
    ``max_length`` and ``batch_size``; the device is chosen automatically (CUDA if present).
    """

    def load_context(self, context: PythonModelContext) -> None:
        """Load the generator from the model's checkpoint artifact."""
        self.generator = load_generator(context.artifacts[CHECKPOINT_ARTIFACT], device="auto")
        settings = {k: v for k, v in (context.model_config or {}).items() if k in _DEFAULT_KEYS}
        self.defaults = SampleConfig(**settings)

    def predict(
        self,
        context: PythonModelContext,
        model_input: pd.DataFrame,
        params: dict[str, Any] | None = None,
    ) -> pd.DataFrame:
        """Generate molecules: one output row per molecule, rows in request order."""
        frame = pd.DataFrame(model_input)
        frames = [
            sample_request(self.generator, row, self.defaults, index)
            for index, row in enumerate(frame.to_dict("records"))
        ]
        if not frames:
            return pd.DataFrame({"smiles": pd.Series(dtype=str), "valid": pd.Series(dtype=bool)})
        return pd.concat(frames, ignore_index=True)


def _requirements() -> list[str]:
    """Pinned versions of the runtime packages the model needs, as installed here."""
    pins = []
    for name in _REQUIREMENTS:
        try:
            pins.append(f"{name}=={version(name)}")
        except PackageNotFoundError:
            continue
    return pins


def log_generator_model(
    checkpoint: str | Path,
    sample: SampleConfig | None = None,
    name: str = "model",
    registered_model_name: str | None = None,
) -> ModelInfo:
    """Log a checkpoint as a pyfunc model of the active MLflow run.

    Args:
        checkpoint: a checkpoint written by training (checked before logging).
        sample: the family's sampling settings; its temperature, maximum length and batch
            size become the model's defaults.
        name: the model's name in the run (``runs:/<run_id>/<name>``).
        registered_model_name: also register it under this name (a new version).

    Returns:
        MLflow's record of the logged model (``model_uri`` is ``models:/m-...``).

    Raises:
        InputError: the checkpoint is missing or is not a molgen checkpoint.
    """
    header = read_checkpoint(checkpoint)
    defaults = (sample or SampleConfig()).model_dump(include=set(_DEFAULT_KEYS))
    return mlflow.pyfunc.log_model(
        name=name,
        python_model=str(_MODEL_CODE),
        artifacts={CHECKPOINT_ARTIFACT: str(checkpoint)},
        signature=SIGNATURE,
        input_example=INPUT_EXAMPLE,
        model_config=defaults,
        pip_requirements=_requirements(),
        registered_model_name=registered_model_name,
        metadata={"molgen.model_type": header["model_type"]},
    )
