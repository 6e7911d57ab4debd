"""``molgen train`` under torchrun: what a rank other than 0 does."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.stage_cache import mark_done
from flows.train import train_key
from molgen.cli.train_ranks import distributed_world, train_other_rank
from molgen.config import PipelineConfig
from molgen.data.config import CurateConfig
from molgen.data.curate import curate
from molgen.utils.errors import ConfigError
from tests.pipeline_configs import DATA, tiny_config


@pytest.fixture
def curated(tmp_path: Path) -> str:
    out = tmp_path / "data"
    curate([str(DATA / "moses_300.csv")], out, CurateConfig(n_jobs=1))
    return str(out)


def test_a_latent_gan_needs_its_vae_under_torchrun(monkeypatch):
    monkeypatch.setenv("WORLD_SIZE", "2")
    monkeypatch.setenv("RANK", "1")
    config = tiny_config()
    gan = PipelineConfig.model_validate({"model": {"name": "latent_gan"}})
    with pytest.raises(ConfigError, match=r"needs model\.vae_checkpoint"):
        distributed_world(gan)
    world = distributed_world(config)
    assert world.rank == 1 and world.world_size == 2 and not world.is_main


def test_other_rank_skips_a_finished_training(curated, tmp_path):
    config = tiny_config()
    out = tmp_path / "model"
    mark_done(out, "train", train_key(config, curated), {"steps": 12})
    assert train_other_rank(config, curated, str(out), resume=False) == {"steps": 12}
    assert not (out / "last.pt").exists()


def test_other_rank_trains_through_the_library(curated, tmp_path, monkeypatch):
    for name in ("RANK", "LOCAL_RANK", "WORLD_SIZE"):
        monkeypatch.delenv(name, raising=False)
    config = tiny_config()
    config.train.max_epochs = 1
    out = tmp_path / "model"
    result = train_other_rank(config, curated, str(out), resume=False)
    assert result["epochs"] == 1 and result["steps"] > 0
    assert (out / "checkpoint.pt").is_file() and (out / "last.pt").is_file()
