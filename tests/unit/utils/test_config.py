from __future__ import annotations

import pytest

from molgen.data.config import CurateConfig, FilterConfig, SplitConfig
from molgen.utils.config import flatten, load_toml
from molgen.utils.errors import ConfigError


def test_load_toml_validates(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('sources = ["a.csv"]\n[split]\nmethod = "scaffold"\n')
    config = load_toml(path, CurateConfig)
    assert config.sources == ["a.csv"] and config.split.method == "scaffold"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("bogus = 1\n", "bogus: unknown key"),
        ('[split]\nmethod = "nope"\n', "split.method"),
        ("[split]\nvalid_fraction = 0.6\ntest_fraction = 0.5\n", "below 1"),
        ("sources = [\n", "invalid TOML"),
    ],
)
def test_load_toml_errors_are_one_line(tmp_path, text, fragment):
    path = tmp_path / "c.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as exc:
        load_toml(path, CurateConfig)
    message = str(exc.value)
    assert fragment in message and str(path) in message and "\n" not in message


def test_missing_and_non_utf8(tmp_path):
    with pytest.raises(ConfigError, match="config file not found"):
        load_toml(tmp_path / "absent.toml", CurateConfig)
    path = tmp_path / "latin.toml"
    path.write_bytes("sources = ['caf\xe9']".encode("latin-1"))
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_toml(path, CurateConfig)


def test_filter_ranges_checked():
    with pytest.raises(ValueError, match="min_mw"):
        FilterConfig(min_mw=500, max_mw=100)
    with pytest.raises(ValueError):
        SplitConfig(valid_fraction=1.5)


def test_flatten():
    assert flatten({"a": {"b": 1, "c": {"d": 2}}, "e": 3}) == {"a.b": 1, "a.c.d": 2, "e": 3}
