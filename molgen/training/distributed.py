"""Data-parallel training over several processes (PyTorch DDP, launched with ``torchrun``).

``torchrun`` starts one process per GPU and sets ``RANK``, ``LOCAL_RANK`` and
``WORLD_SIZE`` (and the rendezvous address). :func:`setup_distributed` reads them: with a
world size above one it joins the process group (NCCL on CUDA, Gloo on CPU) and gives each
process its own GPU; otherwise nothing changes and training runs in this process alone.

The trainer then wraps the network in ``DistributedDataParallel`` (gradients are averaged
over processes at every step), gives each process its own shard of every epoch through a
``DistributedSampler``, averages losses over processes, and logs and checkpoints on rank 0
only.
"""

from __future__ import annotations

import atexit
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
import torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DistributedSampler

from molgen.data.batching import bucketed_batches
from molgen.utils.errors import ConfigError
from molgen.utils.runtime import resolve_device

__all__ = ["Distributed", "TrainingStep", "epoch_batches", "setup_distributed", "world_from_env"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Distributed:
    """This process's place among the training processes (one process: rank 0 of 1)."""

    rank: int = 0
    local_rank: int = 0
    world_size: int = 1

    @property
    def enabled(self) -> bool:
        """Whether several processes train together."""
        return self.world_size > 1

    @property
    def is_main(self) -> bool:
        """Rank 0: the process that logs and writes checkpoints."""
        return self.rank == 0

    def sum(self, *values: torch.Tensor) -> tuple[torch.Tensor, ...]:
        """Each scalar of ``values`` summed over every process (in float64), in one
        collective; with one process they come back untouched."""
        if not self.enabled:
            return values
        stacked = torch.stack([value.detach().double() for value in values])
        dist.all_reduce(stacked, op=dist.ReduceOp.SUM)
        return tuple(stacked.unbind())

    def from_main(self, values: list[float], device: torch.device) -> list[float]:
        """Rank 0's ``values`` in every process, so that all take the same decisions."""
        if not self.enabled:
            return values
        tensor = torch.tensor(values, dtype=torch.float64, device=device)
        dist.broadcast(tensor, src=0)
        return tensor.tolist()

    def barrier(self) -> None:
        """Wait until every process gets here."""
        if self.enabled:
            dist.barrier()

    def shard(self, items: Sequence[Any]) -> Sequence[Any]:
        """This process's share of ``items`` (every ``world_size``-th item), for evaluation:
        no item is repeated, so summed losses equal the single-process ones."""
        return items[self.rank :: self.world_size] if self.enabled else items


def world_from_env() -> Distributed:
    """The ranks ``torchrun`` sets in the environment (one process when it is absent).

    Raises:
        ConfigError: the variables are not whole numbers or are inconsistent.
    """
    try:
        world_size = int(os.environ.get("WORLD_SIZE", "1"))
        rank = int(os.environ.get("RANK", "0"))
        local_rank = int(os.environ.get("LOCAL_RANK", str(rank)))
    except ValueError:
        raise ConfigError("RANK, LOCAL_RANK and WORLD_SIZE must be whole numbers") from None
    if world_size < 1 or not 0 <= rank < world_size or local_rank < 0:
        raise ConfigError(f"inconsistent RANK={rank} / WORLD_SIZE={world_size}")
    return Distributed(rank, local_rank, world_size)


def setup_distributed(requested_device: str = "auto") -> tuple[Distributed, torch.device]:
    """Join the process group when ``WORLD_SIZE`` > 1 and pick this process's device.

    Idempotent: later calls reuse the group. With CUDA each process takes the GPU of its
    ``LOCAL_RANK`` (unless the config names one) and the NCCL backend; on CPU, Gloo.

    Args:
        requested_device: the train config's ``device`` (``auto``, ``cpu``, ``cuda``...).

    Returns:
        The ranks and the device this process trains on.
    """
    world = world_from_env()
    device = resolve_device(requested_device)
    if not world.enabled:
        return world, device
    if device.type == "cuda" and device.index is None:
        device = torch.device("cuda", world.local_rank)
    if device.type == "cuda":
        torch.cuda.set_device(device)
    if not dist.is_initialized():
        backend = "nccl" if device.type == "cuda" else "gloo"
        dist.init_process_group(backend=backend)
        atexit.register(_leave)
        logger.info("rank %d of %d joined (%s, %s)", world.rank, world.world_size, backend, device)
    return world, device


def _leave() -> None:
    if dist.is_initialized():
        dist.destroy_process_group()


def epoch_batches(
    lengths: np.ndarray, batch_size: int, seed: int, epoch: int, world: Distributed
) -> list[np.ndarray]:
    """This process's batches of one epoch, as indices into the training items.

    One process: :func:`~molgen.data.batching.bucketed_batches` of all items. Several: a
    ``DistributedSampler`` (seeded, ``set_epoch`` each epoch) deals each process an equal
    share (padded by repeating a few items), which is then length-bucketed the same way;
    every process gets the same number of batches, as DDP needs.
    """
    if not world.enabled:
        return bucketed_batches(lengths, batch_size, seed, epoch)
    sampler = DistributedSampler(
        range(len(lengths)), num_replicas=world.world_size, rank=world.rank, seed=seed
    )
    sampler.set_epoch(epoch)
    mine = np.fromiter(iter(sampler), dtype=np.int64)
    return [mine[batch] for batch in bucketed_batches(lengths[mine], batch_size, seed, epoch)]


class _TrainingLoss(torch.nn.Module):
    """The family's ``training_loss`` as a module's ``forward``, so DDP sees every step."""

    def __init__(self, model: Any) -> None:
        super().__init__()
        self.network = model.module
        self._loss = model.training_loss

    def forward(self, batch: Any) -> tuple[torch.Tensor, torch.Tensor]:
        return self._loss(batch)


class TrainingStep:
    """Computes one batch's training loss: directly with one process, through
    ``DistributedDataParallel`` (which averages the gradients in ``backward``) with several.

    ``find_unused_parameters`` is on because some families leave part of the network out
    of a step (the LatentGAN's generator on critic-only steps).
    """

    def __init__(self, model: Any, world: Distributed, device: torch.device) -> None:
        self.model = model
        self.ddp: DistributedDataParallel | None = None
        if world.enabled:
            ids = [device.index] if device.type == "cuda" else None
            self.ddp = DistributedDataParallel(
                _TrainingLoss(model), device_ids=ids, find_unused_parameters=True
            )

    def __call__(self, batch: Any) -> tuple[torch.Tensor, torch.Tensor]:
        """``(loss, count)`` of ``batch``, as the family's ``training_loss`` returns them."""
        if self.ddp is None:
            return self.model.training_loss(batch)
        return self.ddp(batch)
