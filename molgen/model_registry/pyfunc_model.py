"""The code MLflow runs to build a logged generator's pyfunc model ("models from code").

MLflow copies this file into every logged model and executes it on load; it only names the
model class, so no Python object is pickled into the model.
"""

from __future__ import annotations

from mlflow.models import set_model

from molgen.model_registry.pyfunc import GeneratorModel

set_model(GeneratorModel())
