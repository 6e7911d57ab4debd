"""The score stage: RDKit properties, novelty and objectives built from scoring components."""

from __future__ import annotations

from molgen.scoring.config import ScoreConfig
from molgen.scoring.objective import Objective, ObjectiveResult
from molgen.scoring.objective_config import (
    ComponentConfig,
    ObjectiveConfig,
    default_objective,
    load_objective,
    resolve_objective,
)
from molgen.scoring.score import (
    OBJECTIVE_KEY,
    OBJECTIVE_VERSION_KEY,
    OUTPUT_COLUMNS,
    Scorer,
    component_columns,
    score_file,
    score_smiles,
    write_scores,
)

__all__ = [
    "OBJECTIVE_KEY",
    "OBJECTIVE_VERSION_KEY",
    "OUTPUT_COLUMNS",
    "ComponentConfig",
    "Objective",
    "ObjectiveConfig",
    "ObjectiveResult",
    "ScoreConfig",
    "Scorer",
    "component_columns",
    "default_objective",
    "load_objective",
    "resolve_objective",
    "score_file",
    "score_smiles",
    "write_scores",
]
