"""Data-parallel training: the helpers on their own, and a real two-process Gloo run."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.multiprocessing as mp

from molgen.data.batching import bucketed_batches
from molgen.models.char_rnn import CharRNNGenerator
from molgen.training.distributed import Distributed, epoch_batches, world_from_env
from molgen.utils.errors import ConfigError
from tests import ddp_worker


def test_one_process_without_torchrun(monkeypatch):
    for name in ("RANK", "LOCAL_RANK", "WORLD_SIZE"):
        monkeypatch.delenv(name, raising=False)
    world = world_from_env()
    assert world == Distributed() and not world.enabled and world.is_main
    values = (torch.tensor(2.0), torch.tensor(3))
    assert world.sum(*values) == values and world.shard([1, 2, 3]) == [1, 2, 3]


def test_ranks_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("WORLD_SIZE", "4")
    monkeypatch.setenv("RANK", "3")
    monkeypatch.setenv("LOCAL_RANK", "1")
    assert world_from_env() == Distributed(rank=3, local_rank=1, world_size=4)
    monkeypatch.setenv("RANK", "4")
    with pytest.raises(ConfigError, match="inconsistent RANK=4 / WORLD_SIZE=4"):
        world_from_env()
    monkeypatch.setenv("RANK", "one")
    with pytest.raises(ConfigError, match="whole numbers"):
        world_from_env()


def test_single_process_batches_are_the_usual_ones():
    lengths = np.random.default_rng(0).integers(5, 60, size=203)
    got = epoch_batches(lengths, 16, seed=7, epoch=3, world=Distributed())
    want = bucketed_batches(lengths, 16, 7, 3)
    assert all(np.array_equal(a, b) for a, b in zip(got, want, strict=True))


def test_each_rank_gets_an_equal_shard_of_every_epoch():
    lengths = np.random.default_rng(0).integers(5, 60, size=203)
    for epoch in (0, 1):
        shards = [
            np.concatenate(epoch_batches(lengths, 16, 7, epoch, Distributed(rank, rank, 3)))
            for rank in range(3)
        ]
        assert [len(s) for s in shards] == [68, 68, 68]  # 203 padded to 204
        assert set(np.concatenate(shards)) == set(range(203))
        counts = [len(epoch_batches(lengths, 16, 7, epoch, Distributed(r, r, 3))) for r in range(3)]
        assert len(set(counts)) == 1  # DDP needs the same number of steps on every rank
    first = np.concatenate(epoch_batches(lengths, 16, 7, 0, Distributed(0, 0, 3)))
    second = np.concatenate(epoch_batches(lengths, 16, 7, 1, Distributed(0, 0, 3)))
    assert set(first) != set(second)  # set_epoch reshuffles the shards


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.slow
def test_two_gloo_processes_train_one_model(tmp_path: Path, data_dir: Path) -> None:
    mp.spawn(
        ddp_worker.train_rank,
        args=(2, _free_port(), str(data_dir), str(tmp_path)),
        nprocs=2,
        join=True,
    )
    ranks = [json.loads((tmp_path / f"rank{r}.json").read_text()) for r in range(2)]
    # DDP keeps the replicas identical: same gradients (averaged), same updates.
    assert ranks[0]["weights"] == pytest.approx(ranks[1]["weights"], rel=1e-6)
    results = [rank["result"] for rank in ranks]
    # 100 molecules over 2 ranks: 50 each, 4 batches of 16 per epoch, 2 epochs.
    assert results[0]["steps"] == results[1]["steps"] == 8
    # Validation losses are averaged over the ranks, so both ranks see the same one.
    assert results[0]["best_val_loss"] == results[1]["best_val_loss"]
    # Rank 0 alone logs and writes checkpoints.
    assert ranks[1]["logged"] == [] and ranks[0]["logged"]
    val = [m["val_loss"] for m, _ in ranks[0]["logged"] if "val_loss" in m]
    assert len(val) == 2 and val[1] < val[0]
    assert {p.name for p in (tmp_path / "model").iterdir()} == {"last.pt", "best.pt"}

    # The logged validation loss is the single-process loss of the whole validation set.
    _, valid = ddp_worker.molecules(str(data_dir))
    last = CharRNNGenerator.load(tmp_path / "model" / "last.pt", device="cpu")
    whole = last.validation_loss(last.collate(last.prepare(valid)))
    assert (whole[0] / whole[1]).item() == pytest.approx(val[-1], rel=1e-5)
