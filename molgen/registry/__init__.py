"""Trained generators as MLflow models: the pyfunc wrapper, the Model Registry and its
champion alias, and loading a generator back from an MLflow model URI.

Submodules (imported on use, so that loading a config does not import MLflow's model code):

- :mod:`molgen.registry.config`: the ``[registry]`` config section;
- :mod:`molgen.registry.pyfunc`: :class:`~molgen.registry.pyfunc.GeneratorModel` and
  :func:`~molgen.registry.pyfunc.log_generator_model`;
- :mod:`molgen.registry.champion`: register a run's model and move the champion alias;
- :mod:`molgen.registry.resolve`: :func:`~molgen.registry.resolve.load_generator_from_uri`.
"""

from __future__ import annotations

__all__: list[str] = []
