"""The ``[registry]`` section: metric directions, aliases, and its check against
``[evaluate]``."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from molgen.config import PipelineConfig, load_pipeline_config
from molgen.evaluation.evaluate import METRIC_NAMES
from molgen.model_registry.config import EVALUATION_METRICS, METRIC_MODES, RegistryConfig
from molgen.utils.errors import ConfigError

CONFIGS = Path(__file__).resolve().parents[3] / "configs"


def test_every_evaluation_metric_has_a_direction():
    assert set(METRIC_NAMES) == EVALUATION_METRICS
    assert METRIC_MODES["FCD/Test"] == "min" and METRIC_MODES["SNN/Test"] == "max"


def test_direction_is_inferred_or_given():
    assert RegistryConfig().direction == "min"
    assert RegistryConfig(metric="validity").direction == "max"
    assert RegistryConfig(metric="train_seconds", mode="min").direction == "min"
    with pytest.raises(ValidationError, match="no known direction; set mode"):
        RegistryConfig(metric="train_seconds")


@pytest.mark.parametrize("alias", ["latest", "v3", "has space", "1st"])
def test_reserved_or_malformed_aliases_are_refused(alias):
    with pytest.raises(ValidationError):
        RegistryConfig(alias=alias)


def test_an_evaluation_metric_needs_the_evaluate_stage(tmp_path):
    config = tmp_path / "c.toml"
    config.write_text("[registry]\nenabled = true\n\n[evaluate]\nenabled = false\n")
    with pytest.raises(ConfigError, match=r"registry\.metric 'FCD/Test' comes from the evaluate"):
        load_pipeline_config(config)
    config.write_text(
        '[registry]\nenabled = true\nmetric = "validity"\n\n[evaluate]\nenabled = false\n'
    )
    assert load_pipeline_config(config).registry.direction == "max"
    assert not PipelineConfig().registry.enabled  # opt-in


def test_the_shipped_configs_register_their_champion():
    for name in ("quick", "quick-all", "full"):
        registry = load_pipeline_config(CONFIGS / f"{name}.toml").registry
        assert registry.enabled and registry.alias == "champion"
