"""The code MLflow runs to build a logged predictor's pyfunc model ("models from code").

MLflow copies this file into every logged predictor and executes it on load; it only names
the model class, so no Python object is pickled into the model.
"""

from __future__ import annotations

from mlflow.models import set_model

from molgen.model_registry.predictor import PredictorModel

set_model(PredictorModel())
