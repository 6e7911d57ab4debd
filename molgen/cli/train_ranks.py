"""``molgen train`` under ``torchrun``: which process runs the Prefect flow.

Rank 0 runs the usual train flow (Prefect, MLflow, the stage marker); every other rank
trains alongside it through the library alone, so nothing is logged or written twice. The
processes meet in the trainer (see :mod:`molgen.training.distributed`).
"""

from __future__ import annotations

from typing import Any

from molgen.config import PipelineConfig
from molgen.models.latent_gan.config import LatentGANConfig
from molgen.training.distributed import Distributed, world_from_env
from molgen.training.run import train_model
from molgen.utils.errors import ConfigError

__all__ = ["distributed_world", "train_other_rank"]


def distributed_world(config: PipelineConfig) -> Distributed:
    """The ``torchrun`` ranks of this process (one process without torchrun).

    Raises:
        ConfigError: a LatentGAN without ``vae_checkpoint`` under torchrun (the flow would
            train its VAE first, on rank 0 only); train the VAE first and point at it.
    """
    world = world_from_env()
    model = config.model
    if world.enabled and isinstance(model, LatentGANConfig) and not model.vae_checkpoint:
        raise ConfigError(
            "torchrun: a latent_gan needs model.vae_checkpoint; train its VAE first "
            "(molgen train with [model] name = 'vae') and set vae_checkpoint to it"
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
