"""The subcommand handlers. Each validates its inputs, then runs the stage's Prefect flow."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from molgen.config import PipelineConfig, load_pipeline_config
from molgen.data.dataset import CuratedDataset
from molgen.tracking import configure_tracking, is_mlflow_uri, resolve_model_path
from molgen.utils.errors import ConfigError, InputError
from molgen.utils.run_layout import ModelLayout
from molgen.utils.tables import TABLE_SUFFIXES

__all__ = ["analogs", "curate", "interpolate", "run", "sample", "score", "train"]


def _emit(result: dict[str, Any]) -> None:
    """Print a command's result as one JSON object on stdout, for scripts."""
    sys.stdout.write(json.dumps(result, default=str) + "\n")


def _check_sources(sources: list[str], smiles_column: str = "smiles") -> None:
    """Fail fast, before any flow starts, on a missing, empty or unreadable input file."""
    from molgen.data.readers import iter_source_chunks

    for source in sources:
        if source == "moses":
            continue
        if not Path(source).is_file():
            raise InputError(source, "input file not found")
        next(iter(iter_source_chunks(source, smiles_column, chunk_size=100)), None)


def _config(args: argparse.Namespace) -> PipelineConfig:
    return load_pipeline_config(args.config)


def _check_tracking(config: PipelineConfig, registry: bool = False) -> None:
    """Fail fast, before any flow starts, on an unreachable MLflow tracking server (and,
    with ``registry``, on a store without a usable Model Registry)."""
    tracking = config.tracking
    configure_tracking(tracking.tracking_uri, tracking.experiment, tracking.timeout)
    if registry:
        from molgen.model_registry.champion import check_registry

        check_registry()


def run(args: argparse.Namespace) -> None:
    """``molgen run``: the whole pipeline."""
    from flows.pipeline import pipeline

    config = _config(args)
    if args.budget_minutes is not None:
        if args.budget_minutes <= 0:
            raise ConfigError(f"--budget-minutes must be positive, got {args.budget_minutes}")
        config.time_budget.minutes = args.budget_minutes
    _check_sources(config.curate.sources, config.curate.smiles_column)
    _check_tracking(config, registry=config.registry.enabled)
    out = args.out or str(Path("runs") / datetime.now().strftime("%Y%m%d-%H%M%S"))
    _emit(pipeline(config, out))


def curate(args: argparse.Namespace) -> None:
    """``molgen curate``: sources into a curated dataset directory."""
    from flows.curate import curate_flow

    config = _config(args)
    config.curate.sources = list(args.inputs)
    if args.smiles_column:
        config.curate.smiles_column = args.smiles_column
    _check_sources(config.curate.sources, config.curate.smiles_column)
    _check_tracking(config)
    _emit(curate_flow(config, args.out))


def train(args: argparse.Namespace) -> None:
    """``molgen train``: a model from a curated dataset."""
    from flows.train import train_flow
    from molgen.cli.train_ranks import distributed_world, train_other_rank

    config = _config(args)
    CuratedDataset.open(args.data)
    if args.max_minutes is not None:
        config.train.max_minutes = args.max_minutes
    last = ModelLayout(Path(args.out)).last
    if args.resume and not last.is_file():
        raise InputError(last, "nothing to resume (no checkpoint)")
    _check_tracking(config)
    world = distributed_world(config)  # under torchrun, rank 0 alone runs the flow
    if not world.is_main:
        train_other_rank(config, args.data, args.out, args.resume)  # rank 0 prints the result
        return
    _emit(train_flow(config, args.data, args.out, resume=args.resume))


def sample(args: argparse.Namespace) -> None:
    """``molgen sample``: molecules from a checkpoint or an MLflow model URI."""
    from flows.sample import sample_flow

    config = _config(args)
    for field, value in (("n", args.n), ("temperature", args.temperature)):
        if value is not None:
            setattr(config.sample, field, value)
    if args.max_length is not None:
        config.sample.max_length = args.max_length
    _check_output(args.out)
    if not is_mlflow_uri(args.model):
        resolve_model_path(args.model)
    if args.data:
        CuratedDataset.open(args.data)
    _check_tracking(config)
    if is_mlflow_uri(args.model):
        # models:/<family>@champion, runs:/<id>/model, ...: resolved through the tracking
        # store just configured, so a wrong URI or a missing alias fails here, in one line.
        resolve_model_path(args.model)
    _emit(sample_flow(config, args.model, args.out, args.data))


def score(args: argparse.Namespace) -> None:
    """``molgen score``: RDKit properties and an objective's score for any SMILES file."""
    from flows.score import score_flow
    from molgen.scoring.objective_config import resolve_objective

    config = _config(args)
    if args.objective:
        config.score.objective = resolve_objective(args.objective)
    _check_sources([args.input], args.smiles_column)
    _check_output(args.out)
    if args.data:
        CuratedDataset.open(args.data)
    _check_tracking(config)
    _emit(score_flow(config, args.input, args.out, args.data, args.smiles_column))


def _check_output(path: str) -> None:
    if Path(path).suffix.lower() not in TABLE_SUFFIXES:
        raise InputError(path, "output must end in .csv or .parquet")


def analogs(args: argparse.Namespace) -> None:
    """``molgen analogs``: molecules decoded around a molecule's VAE latent code."""
    from molgen.cli import latent

    if args.n < 1:
        raise InputError("-n", "must be at least 1")
    if args.out:
        _check_output(args.out)
    _emit(latent.analogs(args))


def interpolate(args: argparse.Namespace) -> None:
    """``molgen interpolate``: molecules on the VAE latent path between two molecules."""
    from molgen.cli import latent

    if args.steps < 2:
        raise InputError("--steps", "must be at least 2 (the two endpoints)")
    if args.out:
        _check_output(args.out)
    _emit(latent.interpolate(args))
