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
