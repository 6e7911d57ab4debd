"""The model registry with the built-in CharRNN family."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from molgen.models.base import Generator
from molgen.models.char_rnn import CharRNNConfig, CharRNNGenerator
from molgen.models.registry import (
    create_generator,
    generator_class,
    known_models,
    model_config_class,
    register_model,
)
from molgen.utils.errors import ConfigError


def test_char_rnn_is_registered() -> None:
    assert "char_rnn" in known_models()
    assert model_config_class("char_rnn") is CharRNNConfig
    assert generator_class("char_rnn") is CharRNNGenerator


def test_unknown_name_lists_known_models() -> None:
    with pytest.raises(ConfigError, match=r"unknown model 'lstm9000'; known models: .*char_rnn"):
        model_config_class("lstm9000")


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
        register_model("char_rnn", CharRNNConfig)(Impostor)
    assert generator_class("char_rnn") is CharRNNGenerator
