from __future__ import annotations

import pandas as pd
import pytest

from molgen.data.config import CurateConfig, FilterConfig
from molgen.data.process import PROPERTIES, ChunkSettings, described, process_chunk
from molgen.utils.errors import ConfigError


def chunk(inputs: list, source: str = "mols.smi") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "source": source,
            "row": range(1, len(inputs) + 1),
            "input": pd.Series(inputs, dtype=object),
            "name": [f"m{i}" for i in range(len(inputs))],
        }
    )


def test_every_input_is_kept_or_rejected_with_a_reason() -> None:
    inputs = ["CCO", "CC(=O)[O-].[Na+]", "C1CC", "", None, "C" * 5000, "c1ccccc1", "   "]
    result = process_chunk(chunk(inputs), ChunkSettings.from_config(CurateConfig()))
    assert len(result.kept) + len(result.rejects) == len(inputs)
    assert result.kept["smiles"].tolist() == ["CCO", "CC(=O)O", "c1ccccc1"]
    assert result.kept["name"].tolist() == ["m0", "m1", "m6"]
    assert result.kept["inchikey"].str.len().eq(27).all()
    assert list(result.properties.columns) == list(PROPERTIES)
    assert result.properties["heavy_atoms"].tolist() == [3, 4, 6]
    reasons = dict(zip(result.rejects["row"], result.rejects["reason"], strict=True))
    assert reasons == {
        3: "invalid SMILES",
        4: "empty SMILES",
        5: "empty SMILES",
        6: "input too long (5000 characters > 1000)",
        8: "empty SMILES",
    }
    assert result.scaffolds is None


def test_properties_of_one_molecule_in_k_are_chosen_by_inchikey_whatever_the_chunking() -> None:
    inputs = [f"C{'C' * n}O" for n in range(40)]
    every = ChunkSettings.from_config(CurateConfig())
    sampled = ChunkSettings(**{**every.__dict__, "property_every": 4})
    whole = process_chunk(chunk(inputs), every)
    parts = [process_chunk(chunk(inputs[i : i + 7]), sampled) for i in range(0, 40, 7)]
    keys = pd.concat([part.kept["inchikey"] for part in parts], ignore_index=True)
    properties = pd.concat([part.properties for part in parts], ignore_index=True)
    chosen = keys.map(lambda key: described(key, 4))
    assert 3 <= chosen.sum() <= 20  # a hash, so about a quarter of 40
    pd.testing.assert_frame_equal(properties[chosen], whole.properties[chosen], check_dtype=False)
    assert properties[~chosen].isna().all().all()
    assert all(described(key, 1) for key in keys)


def test_sdf_missing_record_reason_and_scaffolds() -> None:
    settings = ChunkSettings.from_config(CurateConfig(), with_scaffold=True)
    result = process_chunk(chunk([None, "Cc1ccccc1"], source="x.sdf.gz"), settings)
    assert result.rejects["reason"].tolist() == ["unreadable SD record"]
    assert result.scaffolds == ["c1ccccc1"]


def test_unknown_element_in_config_is_a_config_error() -> None:
    config = CurateConfig(filters=FilterConfig(allowed_elements=["C", "Qq"]))
    with pytest.raises(ConfigError, match="allowed_elements: not element symbols: Qq"):
        ChunkSettings.from_config(config)
