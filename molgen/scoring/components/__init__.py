"""Scoring components: the protocol, the registry, the shared batch and the built-ins.

Importing this package registers every built-in component type.
"""

from __future__ import annotations

from molgen.scoring.components import (  # noqa: F401  (registers the built-ins)
    descriptors,
    formula,
    novelty,
    predictor,
    python_hook,
    similarity,
    substructures,
)
from molgen.scoring.components.base import (
    Component,
    ComponentContext,
    ComponentParams,
    NoParams,
    build_component,
    component_type,
    known_components,
    register_component,
    validate_params,
)
from molgen.scoring.components.batch import MolBatch

__all__ = [
    "Component",
    "ComponentContext",
    "ComponentParams",
    "MolBatch",
    "NoParams",
    "build_component",
    "component_type",
    "known_components",
    "register_component",
    "validate_params",
]
