"""The model families (molgen.models.families) and the four built-in ones."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from molgen.models.base import Generator
from molgen.models.char_rnn import CharRNNConfig, CharRNNGenerator
from molgen.models.families import (
    FamilyDependency,
    create_generator,
    families_containing,
    family_config_class,
    family_dependencies,
    generator_class,
    known_families,
    register_family,
    reuse_trained,
    trained_model_of,
    unmet_dependencies,
)
from molgen.models.latent_gan import LatentGANConfig, LatentGANGenerator
from molgen.models.transformer import TransformerConfig, TransformerGenerator
from molgen.models.vae import VAEConfig, VAEGenerator
from molgen.utils.errors import ConfigError

FAMILIES = {
    "char_rnn": (CharRNNConfig, CharRNNGenerator),
    "transformer": (TransformerConfig, TransformerGenerator),
    "vae": (VAEConfig, VAEGenerator),
    "latent_gan": (LatentGANConfig, LatentGANGenerator),
}


def test_the_four_families_are_registered() -> None:
    assert set(FAMILIES) <= set(known_families())
    for name, (config_class, family) in FAMILIES.items():
        assert family_config_class(name) is config_class
        assert generator_class(name) is family
        assert family.model_type == name
        assert config_class().name == name


@pytest.mark.parametrize("name", ["char_rnn", "transformer", "vae"])
def test_every_trainable_family_builds_from_a_config_dict(name: str) -> None:
    generator = create_generator(
        {"name": name}, ["<pad>", "<bos>", "<eos>", "<unk>", "C"], device="cpu"
    )
    assert isinstance(generator, FAMILIES[name][1])
    assert isinstance(generator, Generator)


def test_unknown_name_lists_known_models() -> None:
    with pytest.raises(
        ConfigError,
        match=r"unknown model 'lstm9000'; known models: .*char_rnn.*latent_gan.*transformer.*vae",
    ):
        family_config_class("lstm9000")


def test_create_generator_from_dict() -> None:
    generator = create_generator(
        {"name": "char_rnn", "hidden_size": 8, "embedding_dim": 4, "num_layers": 1},
        ["<pad>", "<bos>", "<eos>", "<unk>", "C"],
        device="cpu",
    )
    assert isinstance(generator, CharRNNGenerator)
    assert isinstance(generator, Generator)
    assert generator.module.lstm.hidden_size == 8


def test_config_rejects_unknown_keys_and_other_names() -> None:
    with pytest.raises(ValidationError, match="hidden_sise"):
        CharRNNConfig.model_validate({"hidden_sise": 3})
    with pytest.raises(ValidationError):
        CharRNNConfig.model_validate({"name": "transformer"})


def test_a_name_cannot_be_taken_twice() -> None:
    class Impostor:
        pass

    with pytest.raises(ValueError, match="already registered"):
        register_family("char_rnn", CharRNNConfig)(Impostor)
    assert generator_class("char_rnn") is CharRNNGenerator


VOCABULARY = ["<pad>", "<bos>", "<eos>", "<unk>", "C", "O"]
TINY_VAE = VAEConfig(
    latent_size=4, embedding_dim=4, encoder_hidden_size=8, decoder_hidden_size=8, decoder_layers=1
)


def test_only_the_latent_gan_builds_on_another_family() -> None:
    (dependency,) = family_dependencies("latent_gan")
    assert dependency == FamilyDependency(
        "vae", checkpoint_field="vae_checkpoint", config_field="vae", attribute="vae"
    )
    assert all(not family_dependencies(name) for name in ("char_rnn", "transformer", "vae"))
    assert families_containing("vae") == ["vae", "latent_gan"]
    assert families_containing("char_rnn") == ["char_rnn"]


def test_a_dependency_is_met_by_naming_a_checkpoint() -> None:
    gan = LatentGANConfig(vae=TINY_VAE)
    (dependency,) = unmet_dependencies(gan)
    assert dependency.checkpoint(gan) is None
    assert dependency.config_to_train(gan) == TINY_VAE
    supplied = dependency.with_checkpoint(gan, Path("runs/x/vae/checkpoint.pt"))
    assert supplied.vae_checkpoint == str(Path("runs/x/vae/checkpoint.pt"))
    assert unmet_dependencies(supplied) == () and gan.vae_checkpoint is None
    assert unmet_dependencies(CharRNNConfig()) == ()


def test_reuse_trained_fills_only_unmet_dependencies_it_has_a_checkpoint_for() -> None:
    gan = LatentGANConfig()
    assert reuse_trained(gan, {"char_rnn": "a.pt"}) is gan
    assert reuse_trained(gan, {"vae": "v.pt"}).vae_checkpoint == "v.pt"
    named = LatentGANConfig(vae_checkpoint="mine.pt")
    assert reuse_trained(named, {"vae": "v.pt"}) is named
    char_rnn = CharRNNConfig()
    assert reuse_trained(char_rnn, {"vae": "v.pt"}) is char_rnn


def test_trained_model_of_finds_the_model_a_generator_holds() -> None:
    vae = VAEGenerator(TINY_VAE, VOCABULARY, device="cpu")
    gan = LatentGANGenerator(
        LatentGANConfig(vae=TINY_VAE, generator_sizes=[4], critic_sizes=[4]),
        VOCABULARY,
        device="cpu",
        vae=vae,
    )
    char_rnn = create_generator({"name": "char_rnn", "hidden_size": 8}, VOCABULARY, device="cpu")
    assert trained_model_of(vae, "vae") is vae
    assert trained_model_of(gan, "vae") is vae
    assert trained_model_of(char_rnn, "vae") is None


def test_a_dependency_must_name_fields_of_the_config() -> None:
    wrong = FamilyDependency("vae", "vae_ckpt", config_field="vae", attribute="vae")
    with pytest.raises(ValueError, match="names field 'vae_ckpt'"):
        register_family("gan2", LatentGANConfig, requires=(wrong,))
    assert "gan2" not in known_families()
