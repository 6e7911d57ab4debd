from __future__ import annotations

from pathlib import Path

import pytest

from molgen.config import PipelineConfig, load_pipeline_config
from molgen.models.char_rnn.config import CharRNNConfig
from molgen.utils.errors import ConfigError

CONFIGS = Path(__file__).resolve().parents[2] / "configs"


@pytest.mark.parametrize("name", ["quick.toml", "full.toml"])
def test_shipped_configs_load(name):
    config = load_pipeline_config(CONFIGS / name)
    assert isinstance(config.model, CharRNNConfig)
    assert config.curate.sources == ["moses"]


def test_quick_all_lists_the_four_families_with_their_budgets():
    config = load_pipeline_config(CONFIGS / "quick-all.toml")
    families = config.family_configs()
    assert [f.label for f in families] == ["char_rnn", "transformer", "vae", "latent_gan"]
    assert all(f.sample.n == 10000 for f in families)
    # The trained budgets leave room for curation, sampling and scoring within ~40 minutes.
    assert sum(f.train.max_minutes for f in families) <= 32
    gan = families[-1]
    assert gan.train.lr_schedule == "constant" and gan.train.betas == (0.5, 0.9)


def test_defaults_and_round_trip():
    config = load_pipeline_config(None)
    assert config.model.name == "char_rnn"
    again = PipelineConfig.model_validate(config.model_dump(mode="json"))
    assert again == config
    assert "hidden_size" in config.model_dump()["model"], "family fields survive dumping"


def test_model_section_is_validated_by_its_family(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('[model]\nname = "char_rnn"\nhidden_sise = 3\n')
    with pytest.raises(ConfigError, match=r"model.hidden_sise: unknown key"):
        load_pipeline_config(path)
    path.write_text('[model]\nname = "gpt9"\n')
    with pytest.raises(ConfigError, match="unknown model 'gpt9'; known models: char_rnn"):
        load_pipeline_config(path)


FAMILIES_TOML = """
[train]
lr = 0.01
max_minutes = 3.0

[[families]]
[families.model]
name = "char_rnn"
hidden_size = 32
[families.train]
lr = 0.002

[[families]]
label = "rnn_wide"
[families.model]
name = "char_rnn"
hidden_size = 512
[families.sample]
temperature = 0.9
"""


def test_families_start_from_the_top_level_sections(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text(FAMILIES_TOML)
    config = load_pipeline_config(path)
    first, second = config.family_configs()
    assert (first.label, first.model.hidden_size) == ("char_rnn", 32)
    assert (first.train.lr, first.train.max_minutes) == (0.002, 3.0)
    assert (second.label, second.train.lr, second.sample.temperature) == ("rnn_wide", 0.01, 0.9)
    single = config.for_family(second)
    assert single.model.hidden_size == 512 and single.families == []
    assert single.sample.temperature == 0.9
    assert PipelineConfig.model_validate(config.model_dump(mode="json")) == config


def test_without_families_the_model_section_is_the_one_family():
    config = load_pipeline_config(None)
    (family,) = config.family_configs()
    assert family.label == "char_rnn" and family.model == config.model
    assert family.train == config.train


def test_family_labels_must_be_unique(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('[[families]]\nmodel = {name = "char_rnn"}\n' * 2)
    with pytest.raises(ConfigError, match="repeated: char_rnn"):
        load_pipeline_config(path)
    path.write_text('[[families]]\nlabel = "a b"\nmodel = {name = "char_rnn"}\n')
    with pytest.raises(ConfigError, match=r"families.0.label"):
        load_pipeline_config(path)
