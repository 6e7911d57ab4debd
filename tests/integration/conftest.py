"""Fixtures shared by the integration tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.overfit_vae import OverfitVAE, train_overfit_vae


@pytest.fixture(scope="session")
def overfit_smiles_vae(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> OverfitVAE:
    """The SMILES-encoder VAE overfit once per session (the VAE and LatentGAN tests share it)."""
    return train_overfit_vae("smiles", data_dir, tmp_path_factory.mktemp("overfit_vae"))
