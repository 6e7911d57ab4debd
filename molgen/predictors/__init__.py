"""Molecular property predictors: directed message passing with uncertainty.

Train on a table of SMILES and labels (:func:`fit_predictor`), predict with a
:class:`TrainedPredictor` (mean, spread and similarity to the training set), save it and
load it back (:func:`load_predictor`, also from an MLflow URI), split tables
(:func:`split_frame`, :func:`kfold_frames`), cross-validate a recipe
(:func:`cross_validate`) and score predictions
(:func:`evaluate_predictor`).

This layer sits above :mod:`molgen.models` and below :mod:`molgen.scoring`, whose
``predictor`` component uses it.
"""

from __future__ import annotations

from molgen.predictors.config import PredictorConfig
from molgen.predictors.crossval import CrossValidation, cross_validate
from molgen.predictors.evaluate import evaluate_predictions, evaluate_predictor
from molgen.predictors.predictor import SIMILARITY_COLUMN, TrainedPredictor, load_predictor
from molgen.predictors.split import kfold_frames, split_frame
from molgen.predictors.train import fit_predictor

__all__ = [
    "SIMILARITY_COLUMN",
    "CrossValidation",
    "PredictorConfig",
    "TrainedPredictor",
    "cross_validate",
    "evaluate_predictions",
    "evaluate_predictor",
    "fit_predictor",
    "kfold_frames",
    "load_predictor",
    "split_frame",
]
