"""The VAE network and generator, with each encoder: protocol, losses, hooks, latent API."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch
from pydantic import ValidationError

from molgen.data.tokenizer import SPECIAL_TOKENS, Vocabulary
from molgen.models.base import Generator
from molgen.models.char_rnn import CharRNNConfig, CharRNNGenerator
from molgen.models.checkpoint import read_checkpoint, write_checkpoint
from molgen.models.families import generator_class
from molgen.models.vae import VAEConfig, VAEGenerator
from molgen.training.config import TrainConfig
from molgen.training.trainer import Trainer
from molgen.utils.errors import InputError

SIZES = dict(
    latent_size=6,
    embedding_dim=8,
    encoder_hidden_size=12,
    gnn_hidden_size=12,
    gnn_layers=2,
    decoder_hidden_size=16,
    decoder_layers=2,
    dropout=0.1,
    kl_weight=0.5,
    kl_anneal_start=0.2,
    kl_anneal_end=0.6,
)


@pytest.fixture(scope="module")
def smiles(data_dir: Path) -> list[str]:
    return pd.read_csv(data_dir / "moses_300.csv")["smiles"].tolist()[:60]


@pytest.fixture(params=["smiles", "graph"])
def generator(request: pytest.FixtureRequest, smiles: list[str], device: str) -> VAEGenerator:
    torch.manual_seed(0)
    config = VAEConfig(encoder=request.param, **SIZES)
    return VAEGenerator(config, Vocabulary.build(smiles).to_list(), device=device)


def test_registered_and_implements_the_generator_protocol(generator: VAEGenerator) -> None:
    assert generator_class("vae") is VAEGenerator
    assert isinstance(generator, Generator)
    assert generator.module.head.weight.device.type == generator.device.type


def test_config_is_strict_and_bounded() -> None:
    with pytest.raises(ValidationError):
        VAEConfig(kl_weight=2.0)
    with pytest.raises(ValidationError):
        VAEConfig(kl_anneal_start=0.6, kl_anneal_end=0.4)
    with pytest.raises(ValidationError):
        VAEConfig(unknown=1)


def test_annealing_schedule() -> None:
    config = VAEConfig(kl_weight=0.4, kl_anneal_start=0.2, kl_anneal_end=0.6)
    assert [config.beta(d) for d in (0.0, 0.2, 0.4, 0.6, 1.0)] == pytest.approx(
        [0.0, 0.0, 0.2, 0.4, 0.4]
    )
    assert VAEConfig(kl_weight=0.3, kl_anneal_start=0.5, kl_anneal_end=0.5).beta(0.5) == 0.3
    generator = VAEGenerator(config, Vocabulary.build(["CCO"]).to_list(), device="cpu")
    generator.set_progress(10, 0.4)
    assert generator.kl_beta == pytest.approx(0.2)
    assert generator.interval_metrics() == {"kl_weight": pytest.approx(0.2)}


def test_sample_is_seeded_batched_and_clean(generator: VAEGenerator) -> None:
    first = generator.sample(40, seed=3, batch_size=16, max_length=30)
    assert len(first) == 40
    assert first == generator.sample(40, seed=3, batch_size=16, max_length=30)
    assert first != generator.sample(40, seed=4, batch_size=16, max_length=30)
    assert not any(token in text for text in first for token in SPECIAL_TOKENS)


def test_losses_are_finite_and_metrics_are_reported(
    generator: VAEGenerator, smiles: list[str]
) -> None:
    generator.set_progress(0, 0.5)
    batch = generator.collate(generator.prepare(smiles[:8]))
    loss, count = generator.training_loss(batch)
    loss.backward()
    assert torch.isfinite(loss) and count.item() == int((batch.lengths - 1).sum())
    total, same = generator.validation_loss(batch)
    assert torch.isfinite(total) and same.item() == count.item()
    metrics = generator.interval_metrics()
    assert set(metrics) == {"recon_loss", "kl", "kl_weight"}
    assert metrics["kl"] >= 0 and metrics["recon_loss"] > 0
    with torch.no_grad():
        epoch = generator.epoch_metrics(generator.prepare(smiles[:20]))
    assert set(epoch) == {"kl", "active_units", "active_units_fraction", "reconstruction_rate"}
    assert epoch["kl"] >= 0 and 0 <= epoch["active_units"] <= SIZES["latent_size"]
    assert 0 <= epoch["reconstruction_rate"] <= 1


def test_likelihood_is_an_elbo_and_refuses_unknown_tokens(generator: VAEGenerator) -> None:
    values = generator.likelihood(["CCO", "CC[Xe]C", "c1ccccc1", "C1CC"], batch_size=2)
    assert values.dtype == np.float64 and values.shape == (4,)
    assert np.isneginf(values[1]) and np.isfinite(values[[0, 2]]).all()
    assert (values[[0, 2]] < 0).all()
    np.testing.assert_array_equal(
        values, generator.likelihood(["CCO", "CC[Xe]C", "c1ccccc1", "C1CC"])
    )
    if generator.config.encoder == "graph":
        assert np.isneginf(values[3])  # does not parse


def test_latent_api_shapes(generator: VAEGenerator, smiles: list[str]) -> None:
    z = generator.encode(smiles[:5], batch_size=2)
    assert z.shape == (5, SIZES["latent_size"]) and z.device.type == generator.device.type
    torch.testing.assert_close(z[3:], generator.encode(smiles[3:5]))  # order-independent
    drawn = generator.encode(smiles[:5], sample=True, seed=0)
    assert not torch.equal(drawn, z)
    assert len(generator.decode(z, greedy=True, max_length=20)) == 5
    assert len(generator.interpolate(smiles[0], smiles[1], steps=4, max_length=20)) == 4
    assert 0 <= generator.reconstruction_rate(smiles[:4], max_length=20) <= 1
    assert isinstance(generator.analogs(smiles[0], 3, seed=0, max_length=20, max_rounds=1), list)
    with pytest.raises(ValueError, match="CC\\[Xe\\]C"):
        generator.encode(["CCO", "CC[Xe]C"])
    with pytest.raises(ValueError, match="steps"):
        generator.interpolate("CCO", "CCN", steps=1)


def test_save_load_round_trip(generator: VAEGenerator, tmp_path: Path) -> None:
    path = tmp_path / "vae.pt"
    generator.save(path)
    loaded = VAEGenerator.load(path, device=generator.device)
    assert loaded.config == generator.config
    assert loaded.vocabulary == generator.vocabulary
    assert loaded.sample(8, seed=1, max_length=20) == generator.sample(8, seed=1, max_length=20)


def test_graph_checkpoints_from_before_molgen_nn_still_load(
    smiles: list[str], tmp_path: Path
) -> None:
    """Until the GINE layers became ``molgen.nn.GINEStack``, the graph encoder held them
    itself: checkpoints of that time name them ``encoder.bonds.*``, ``encoder.convs.*`` and
    ``encoder.norms.*``, without ``message_passing.``, in a VAE or inside a LatentGAN."""
    torch.manual_seed(0)
    config = VAEConfig(encoder="graph", **SIZES)
    generator = VAEGenerator(config, Vocabulary.build(smiles).to_list(), device="cpu")
    generator.save(tmp_path / "vae.pt")
    checkpoint = read_checkpoint(tmp_path / "vae.pt")
    legacy = {
        key.replace("encoder.message_passing.", "encoder."): value
        for key, value in checkpoint["state_dict"].items()
    }
    assert {"encoder.bonds.1.embedding.weight", "encoder.convs.0.eps"} <= set(legacy)
    assert "encoder.norms.1.running_var" in legacy
    write_checkpoint({**checkpoint, "state_dict": legacy}, tmp_path / "legacy.pt")
    loaded = VAEGenerator.load(tmp_path / "legacy.pt", device="cpu")
    torch.testing.assert_close(loaded.encode(smiles[:6]), generator.encode(smiles[:6]))

    fresh = VAEGenerator(config, loaded.vocabulary.to_list(), device="cpu")
    nested = torch.nn.ModuleDict({"vae": fresh.module})
    nested.load_state_dict({f"vae.{key}": value for key, value in legacy.items()})
    for key, value in generator.module.state_dict().items():
        torch.testing.assert_close(nested["vae"].state_dict()[key], value, msg=key)


def test_load_refuses_a_char_rnn_checkpoint(smiles: list[str], tmp_path: Path) -> None:
    path = tmp_path / "rnn.pt"
    config = CharRNNConfig(embedding_dim=4, hidden_size=8, num_layers=1)
    CharRNNGenerator(config, Vocabulary.build(smiles).to_list(), device="cpu").save(path)
    with pytest.raises(InputError, match="not 'vae'"):
        VAEGenerator.load(path)


def test_training_resumes_through_the_trainer(
    generator: VAEGenerator, smiles: list[str], tmp_path: Path
) -> None:
    def config(epochs: int) -> TrainConfig:
        return TrainConfig(
            batch_size=16, max_epochs=epochs, warmup_steps=2, progress_bar=False, device="cpu"
        )

    logged: list[dict[str, float]] = []
    first = generator.fit(
        smiles[:48],
        smiles[48:],
        Trainer(config(1)),
        tmp_path,
        log_metrics=lambda m, s: logged.append(m),
    )
    assert first.epochs == 1 and np.isfinite(first.best_val_loss)
    assert {"kl", "active_units", "active_units_fraction"} <= set(logged[-1])
    again = VAEGenerator(generator.config, generator.vocabulary.to_list(), device="cpu")
    more = again.fit(smiles[:48], smiles[48:], Trainer(config(2)), tmp_path, resume=True)
    assert (more.epochs, more.steps) == (2, 2 * first.steps)
