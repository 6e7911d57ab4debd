"""The score stage: RDKit properties, novelty and a composite desirability score."""

from __future__ import annotations

from molgen.scoring.config import DesirabilityComponent, ScoreConfig, Transform
from molgen.scoring.desirability import composite_score, desirability
from molgen.scoring.score import OUTPUT_COLUMNS, Scorer, score_file, score_smiles, write_scores

__all__ = [
    "OUTPUT_COLUMNS",
    "DesirabilityComponent",
    "ScoreConfig",
    "Scorer",
    "Transform",
    "composite_score",
    "desirability",
    "score_file",
    "score_smiles",
    "write_scores",
]
