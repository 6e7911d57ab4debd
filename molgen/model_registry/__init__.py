"""Trained generators as MLflow models: the pyfunc wrapper, the Model Registry and its
champion alias, and loading a generator back from an MLflow model URI.

Not to be confused with :mod:`molgen.models.families`, the list of model families.

Submodules (imported on use, so that loading a config does not import MLflow's model code):

- :mod:`molgen.model_registry.config`: the ``[registry]`` config section;
- :mod:`molgen.model_registry.pyfunc`: :class:`~molgen.model_registry.pyfunc.GeneratorModel` and
  :func:`~molgen.model_registry.pyfunc.log_generator_model`;
- :mod:`molgen.model_registry.champion`: register a run's model and move the champion alias;
- :mod:`molgen.model_registry.resolve`:
  :func:`~molgen.model_registry.resolve.load_generator_from_uri`.
"""

from __future__ import annotations

__all__: list[str] = []
