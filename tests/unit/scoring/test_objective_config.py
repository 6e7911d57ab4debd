"""Loading objectives: the shipped files, and one-line errors naming file and component."""

from __future__ import annotations

from pathlib import Path

import pytest

from molgen.config import PipelineConfig
from molgen.scoring import ScoreConfig, default_objective, load_objective, resolve_objective
from molgen.utils.config import load_toml
from molgen.utils.errors import ConfigError

OBJECTIVES = Path(__file__).resolve().parents[3] / "configs" / "objectives"

HEAD = 'name = "x"\n[[components]]\nname = "qed"\ntype = "qed"\n[[components]]\nname = "sa"\n'


def test_shipped_objectives_load_and_default_toml_is_the_builtin():
    assert load_objective(OBJECTIVES / "default.toml") == default_objective()
    assert resolve_objective("default") == default_objective()
    celecoxib = load_objective(OBJECTIVES / "celecoxib.toml")
    assert [c.role for c in celecoxib.components].count("filter") == 3
    mpo = load_objective(OBJECTIVES / "mpo.toml")
    assert mpo.aggregation == "arithmetic" and {c.role for c in mpo.components} == {
        "score", "filter", "penalty",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("tail", "message"),
    [
        ('type = "tanimoto"\nparams = { smiles = ["C1CC("] }',
         "components[1] (sa): reference SMILES 'C1CC(' does not parse"),
        ('type = "tanimoto"\nparams = { smiles = ["CCO"], fingerprint = "ECFP5" }',
         "components[1] (sa): unknown fingerprint 'ECFP5'; known: ECFP<2r>"),
        ('type = "substructure"\nparams = { smarts = "[C" }',
         "components[1] (sa): SMARTS '[C' does not parse"),
        ('type = "sascore"', "components[1] (sa): unknown component type 'sascore'; known: "),
        ('type = "sa"\ntransform = { kind = "sigmod" }',
         "components[1] (sa): transform: Input tag 'sigmod' found using 'kind'"),
        ('type = "sa"\ntransform = { kind = "sigmoid" }',
         "components[1] (sa): transform.center: Field required"),
        ('type = "sa"\nrole = "bonus"', "components[1] (sa): role: Input should be"),
        ('type = "sa"\nparams = { k = 1 }', "components[1] (sa): params.k: unknown key"),
        ('type = "qed"\n[[components]]\nname = "qed"\ntype = "sa"', "is used twice"),
    ],
)  # fmt: skip
def test_errors_are_one_line_naming_file_and_component(tmp_path, tail, message):
    path = tmp_path / "x.toml"
    path.write_text(HEAD + tail + "\n")
    with pytest.raises(ConfigError) as error:
        load_objective(path)
    text = str(error.value)
    assert text.startswith(f"{path}: ") and message in text and "\n" not in text


def test_bad_names_and_files(tmp_path):
    path = tmp_path / "x.toml"
    path.write_text('name = "X y"\n[[components]]\nname = "Bad-Name"\ntype = "qed"\n')
    with pytest.raises(
        ConfigError, match=r"name: String should match.*components\[0\] \(Bad-Name\)"
    ):
        load_objective(path)
    with pytest.raises(ConfigError, match="objective file not found"):
        load_objective(tmp_path / "missing.toml")
    path.write_text("name = \n")
    with pytest.raises(ConfigError, match="invalid TOML"):
        load_objective(path)
    with pytest.raises(ConfigError, match=r"neither a built-in \(default\) nor a \.toml"):
        resolve_objective("celecoxib")


def test_score_section_names_an_objective_file_or_builtin(tmp_path):
    config = tmp_path / "pipeline.toml"
    config.write_text(f'[score]\nobjective = "{OBJECTIVES / "celecoxib.toml"}"\n')
    assert load_toml(config, PipelineConfig).score.objective.name == "celecoxib"
    assert ScoreConfig(objective="default").objective == default_objective()
    bad = tmp_path / "bad.toml"
    bad.write_text(HEAD + 'type = "tanimoto"\nparams = { smiles = ["C1CC("] }\n')
    config.write_text(f'[score]\nobjective = "{bad}"\n')
    with pytest.raises(ConfigError, match=r"score.objective: .*components\[1\] \(sa\): reference"):
        load_toml(config, PipelineConfig)


def test_old_score_components_get_a_migration_message(tmp_path):
    config = tmp_path / "old.toml"
    config.write_text('[score]\n[[score.components]]\nproperty = "qed"\n'
                      'transform = { kind = "sigmoid", low = 0.5 }\n')  # fmt: skip
    with pytest.raises(ConfigError, match=r"\[\[score.components\]\] was replaced by objectives"):
        load_toml(config, PipelineConfig)
