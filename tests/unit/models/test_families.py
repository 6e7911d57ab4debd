"""The model families (molgen.models.families) and the four built-in ones."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from molgen.models.base import Generator
from molgen.models.char_rnn import CharRNNConfig, CharRNNGenerator
from molgen.models.families import (
    create_generator,
    family_config_class,
    generator_class,
    known_families,
    register_family,
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
