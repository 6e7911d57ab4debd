"""The VAE overfits ~100 molecules with each encoder: it reconstructs them from their codes.

The 100 shortest molecules of ``moses_300.csv`` keep the run short on a busy CPU.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from molgen.chem.mol import canonical_smiles
from molgen.models.loading import load_generator
from molgen.models.vae import VAEGenerator
from tests.overfit_vae import OverfitVAE, train_overfit_vae

pytestmark = pytest.mark.slow


def _valid_fraction(smiles: list[str]) -> float:
    return sum(canonical_smiles(s) is not None for s in smiles) / len(smiles)


@pytest.fixture(params=["smiles", "graph"])
def overfit(
    request: pytest.FixtureRequest, overfit_smiles_vae: OverfitVAE, data_dir: Path, tmp_path: Path
) -> OverfitVAE:
    """The shared SMILES-encoder VAE, or a graph-encoder VAE trained the same way."""
    if request.param == "smiles":
        return overfit_smiles_vae
    return train_overfit_vae("graph", data_dir, tmp_path)


def test_vae_overfits_a_tiny_dataset(overfit: OverfitVAE) -> None:
    assert overfit.epochs == 30
    assert overfit.losses[-1] < 0.2 * overfit.losses[0]
    train = overfit.train

    model = load_generator(overfit.checkpoint)
    assert isinstance(model, VAEGenerator)
    assert model.reconstruction_rate(train) > 0.5

    prior = torch.randn(200, model.config.latent_size, generator=torch.Generator().manual_seed(0))
    assert _valid_fraction(model.decode(prior, greedy=True)) > 0.5

    path = model.interpolate(train[0], train[1], steps=5)
    assert len(path) == 5
    assert path[0] == model.reconstruct([train[0]])[0]
    assert path[-1] == model.reconstruct([train[1]])[0]

    analogs = model.analogs(train[0], n=10, seed=0)
    assert analogs and len(analogs) == len(set(analogs)) <= 10
    assert all(canonical_smiles(s) == s for s in analogs)
    assert canonical_smiles(train[0]) not in analogs
