"""``molgen train`` under ``torchrun``: which process runs the Prefect flow.

Rank 0 runs the usual train flow (Prefect, MLflow, the stage marker); every other rank
trains alongside it through the library alone, so nothing is logged or written twice. The
processes meet in the trainer (see :mod:`molgen.training.distributed`).
"""

from __future__ import annotations

from typing import Any

from molgen.config import PipelineConfig
from molgen.models.families import unmet_dependencies
from molgen.training.distributed import Distributed, world_from_env
from molgen.training.run import train_model
from molgen.utils.errors import ConfigError

__all__ = ["distributed_world", "train_other_rank"]


def distributed_world(config: PipelineConfig) -> Distributed:
    """The ``torchrun`` ranks of this process (one process without torchrun).

    Raises:
        ConfigError: under torchrun, a family that builds on another (a LatentGAN on a VAE)
            and names no checkpoint of it: the flow would train that first, on rank 0 only;
            train it first and point at it.
    """
    world = world_from_env()
    model = config.model
    unmet = unmet_dependencies(model) if world.enabled else ()
    if unmet:
        family, field = unmet[0].family, unmet[0].checkpoint_field
        raise ConfigError(
            f"torchrun: a {model.name} needs model.{field}; train its {family} first "
            f"(molgen train with [model] name = '{family}') and set {field} to it"
        )
    return world


def train_other_rank(
    config: PipelineConfig, data_dir: str, out_dir: str, resume: bool
) -> dict[str, Any]:
    """Train as a rank other than 0: the library call alone, skipped (as rank 0's flow
    skips it) when ``out_dir`` already holds this training."""
    from flows.stage_cache import done_result, is_done
    from flows.train import train_key

    if is_done(out_dir, "train", train_key(config, data_dir)):
        return done_result(out_dir, "train")
    result = train_model(config.model, config.train, data_dir, out_dir, resume=resume)
    return result.model_dump(mode="json")
