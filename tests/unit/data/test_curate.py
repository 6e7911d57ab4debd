from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pandas as pd
import pytest

from molgen.chem.scaffold import murcko_scaffold_smiles
from molgen.data.config import CurateConfig, SplitConfig
from molgen.data.curate import curate
from molgen.data.dataset import CuratedDataset
from molgen.data.moses import fetch_moses
from molgen.data.process import described
from molgen.utils.errors import InputError

DATA = Path(__file__).parents[2] / "data"
REPO = Path(__file__).parents[3]
TINY = [str(DATA / n) for n in ("tiny.smi", "tiny.csv", "tiny.sdf", "tiny.tsv")]


@pytest.fixture
def mixed(tmp_path: Path) -> list[str]:
    """The tiny text fixtures plus a Parquet file: 26 rows with salts, bad rows, duplicates."""
    path = tmp_path / "extra.parquet"
    frame = pd.DataFrame({"smiles": ["CCO", "CC[Sn](C)C", "c1ccsc1"], "score": [1, 2, 3]})
    frame.to_parquet(path)
    return [*TINY, str(path)]


def test_a_summary_sample_describes_one_kept_molecule_in_k(tmp_path: Path) -> None:
    path = tmp_path / "chains.smi"
    path.write_text("".join(f"C{'C' * n}O\n" for n in range(1, 41)))
    config = CurateConfig(n_jobs=1, chunk_size=7, summary_sample=10)
    summary = curate([str(path)], tmp_path / "out", config)
    dataset = CuratedDataset.open(tmp_path / "out")
    keys = pd.concat([dataset.frame(split) for split in ("train", "valid", "test")])["inchikey"]
    assert (
        summary["kept"] == 40
        and summary["properties_of"] == "1 in 4 kept molecules, chosen by InChIKey"
    )
    assert summary["properties"]["logp"]["count"] == sum(described(key, 4) for key in keys)


def test_mixed_sources_end_to_end(mixed: list[str], tmp_path: Path) -> None:
    out = tmp_path / "out"
    summary = curate(mixed, out, CurateConfig(n_jobs=1, chunk_size=4))
    assert summary["input"] == 9 + 8 + 3 + 2 + 3
    assert summary["kept"] + summary["rejected"] == summary["input"]
    assert summary == json.loads((out / "summary.json").read_text())
    assert sum(summary["splits"].values()) == summary["kept"]
    assert summary["sources"][TINY[2]] == {"input": 3, "kept": 1, "rejected": 2}
    assert set(summary["properties"]) == {"mw", "logp", "heavy_atoms", "rings"}
    assert summary["properties"]["heavy_atoms"]["count"] == summary["kept"]
    assert summary["properties_of"] == "every kept molecule"

    splits = {s: pd.read_parquet(out / f"{s}.parquet") for s in ("train", "valid", "test")}
    assert not (out / "test_scaffolds.parquet").exists()
    kept = pd.concat(splits.values(), ignore_index=True)
    assert len(kept) == summary["kept"]
    assert list(kept.columns[:4]) == ["smiles", "inchikey", "source", "row"]
    assert {"name", "id", "activity", "vendor", "score"} <= set(kept.columns)
    assert kept["inchikey"].is_unique
    assert "CC(=O)O" in set(kept["smiles"])  # sodium acetate, stripped and neutralised

    rejects = pd.read_parquet(out / "rejects.parquet")
    assert list(rejects.columns) == ["source", "row", "input", "reason"]
    assert len(rejects) == summary["rejected"]
    where = zip(rejects["source"], rejects["row"], strict=True)
    reason = dict(zip(where, rejects["reason"], strict=True))
    assert reason[(TINY[0], 9)] == f"duplicate of {TINY[0]} row 1"  # OCC is ethanol again
    assert reason[(mixed[4], 1)] == f"duplicate of {TINY[0]} row 1"
    assert reason[(mixed[4], 2)] == "element Sn not allowed"
    assert reason[(TINY[2], 2)] == "unreadable SD record"
    assert reason[(TINY[1], 7)] == "heavy atoms 78 > 70"
    assert CuratedDataset.open(out).smiles("train") == splits["train"]["smiles"].tolist()


def test_scaffold_split_keeps_scaffolds_apart_and_is_reproducible(tmp_path: Path) -> None:
    config = CurateConfig(n_jobs=1, split=SplitConfig(method="scaffold", seed=7))
    source = [str(DATA / "moses_300.csv")]
    first = curate(source, tmp_path / "a", config)
    second = curate(source, tmp_path / "b", config)
    assert first["splits"] == second["splits"]
    seen: dict[str, str] = {}
    for split in ("train", "valid", "test"):
        a = pd.read_parquet(tmp_path / "a" / f"{split}.parquet")
        assert a.equals(pd.read_parquet(tmp_path / "b" / f"{split}.parquet"))
        for smiles in a["smiles"]:
            assert seen.setdefault(murcko_scaffold_smiles(smiles), split) == split
    assert first["splits"]["valid"] > 0 and first["splits"]["test"] > 0


def test_parallel_matches_serial(tmp_path: Path) -> None:
    source = [str(DATA / "moses_300.csv"), str(DATA / "tiny.smi")]
    serial = curate(source, tmp_path / "one", CurateConfig(n_jobs=1, chunk_size=40))
    parallel = curate(source, tmp_path / "two", CurateConfig(n_jobs=2, chunk_size=40))
    assert serial["splits"] == parallel["splits"]
    for name in ("train", "valid", "test", "rejects"):
        one = pd.read_parquet(tmp_path / "one" / f"{name}.parquet")
        assert one.equals(pd.read_parquet(tmp_path / "two" / f"{name}.parquet")), name


def test_bad_source_fails_before_any_output(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"nope\.csv: file not found"):
        curate([TINY[0], str(tmp_path / "nope.csv")], tmp_path / "out", CurateConfig())
    assert not (tmp_path / "out").exists()


def test_stale_outputs_are_replaced(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "test_scaffolds.parquet").write_text("old")
    curate([TINY[3]], out, CurateConfig(n_jobs=1))
    assert not (out / "test_scaffolds.parquet").exists()


@pytest.mark.moses
def test_moses_subset_through_download_and_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)  # the default cache: ./data/moses
    monkeypatch.delenv("MOLGEN_DATA_DIR", raising=False)
    monkeypatch.delenv("MOLGEN_MOSES_WHEEL", raising=False)
    config = CurateConfig(moses_max_train=500, moses_max_test=100, n_jobs=1)
    summary = curate(["moses"], tmp_path / "out", config)
    assert summary["input"] == 700
    assert summary["kept"] + summary["rejected"] == 700
    assert {s: summary["sources"][f"moses:{s}"]["input"] for s in ("train", "test")} == {
        "train": 500,
        "test": 100,
    }
    kept_train = summary["sources"]["moses:train"]["kept"]
    assert summary["splits"]["valid"] == round(kept_train * 0.1)
    assert summary["splits"]["train"] == kept_train - summary["splits"]["valid"]
    scaffolds = pd.read_parquet(tmp_path / "out" / "test_scaffolds.parquet")
    assert scaffolds["source"].eq("moses:test_scaffolds").all()
    # the files are cached: with every package index switched off, fetching still works
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    assert all(path.is_file() for path in fetch_moses().values())
    assert (REPO / "data" / "moses" / "train.csv.gz").is_file()


@pytest.mark.parametrize("method", ["random", "scaffold"])
def test_any_mapper_and_chunking_give_the_same_dataset(mixed, tmp_path, method):
    """Deduplication and splits run on the combined chunk results, so neither the chunk
    size nor what runs the chunks (a mapper, e.g. Dask tasks) changes the output."""
    split = SplitConfig(method=method, valid_fraction=0.2, test_fraction=0.2)
    whole = CurateConfig(n_jobs=1, chunk_size=1000, split=split)
    curate(mixed, tmp_path / "whole", whole)
    seen: list[int] = []

    def in_order(fn, items):
        for item in items:
            seen.append(len(item[0]))
            yield fn(item)

    chunked = whole.model_copy(update={"chunk_size": 2})
    curate(mixed, tmp_path / "chunked", chunked, mapper=in_order)
    assert max(seen) == 2 and len(seen) > 10
    for name in ("train", "valid", "test", "rejects"):
        expected = pd.read_parquet(tmp_path / "whole" / f"{name}.parquet")
        got = pd.read_parquet(tmp_path / "chunked" / f"{name}.parquet")
        pd.testing.assert_frame_equal(got, expected, check_exact=True)
    summaries = [
        json.loads((tmp_path / d / "summary.json").read_text()) for d in ("whole", "chunked")
    ]
    for summary in summaries:
        del summary["seconds"], summary["config"]["chunk_size"]
    assert summaries[0] == summaries[1]


def test_bad_lines_become_rejects_and_the_rest_is_kept(tmp_path: Path) -> None:
    smi = tmp_path / "mixed.smi"
    smi.write_bytes(b"CCO ethanol\nCCN caf\xe9\nC\x00C nul\nc1ccccc1 benzene\n")
    csv = tmp_path / "mixed.csv.gz"
    packed = gzip.compress(b"smiles,id\n" + b"".join(b"%s,%d\n" % (b"C" * (i % 9 + 2), i)
                                                       for i in range(400)))  # fmt: skip
    csv.write_bytes(packed[:-30])
    sdf = tmp_path / "mixed.sdf"
    sdf.write_bytes((DATA / "tiny.sdf").read_bytes().replace(b"phenol", b"ph\xe9nol"))
    sources = [str(smi), str(csv), str(sdf)]
    summary = curate(sources, tmp_path / "out", CurateConfig(n_jobs=1, chunk_size=50))
    rejects = pd.read_parquet(tmp_path / "out" / "rejects.parquet")
    reason = {(s, r): x for s, r, x in zip(rejects["source"], rejects["row"], rejects["reason"],
                                           strict=True)}  # fmt: skip
    assert reason[(str(smi), 2)] == "not UTF-8 text"
    assert reason[(str(smi), 3)] == "NUL byte in the text"
    assert reason[(str(sdf), 3)] == "not UTF-8 text"
    lost = [(r, x) for (s, r), x in reason.items() if s == str(csv) and x.startswith("file ends")]
    assert len(lost) == 1
    per_source = summary["sources"]
    assert per_source[str(smi)] == {"input": 4, "kept": 2, "rejected": 2}
    assert per_source[str(csv)]["input"] == lost[0][0]  # every row read, then the damage
    assert per_source[str(sdf)] == {"input": 3, "kept": 0, "rejected": 3}
    assert reason[(str(sdf), 1)] == f"duplicate of {smi} row 1"  # ethanol again
    assert summary["rejected_by_reason"]["not UTF-8 text"] == 2


def test_progress_counts_rows_out_of_the_total(tmp_path: Path, capsys) -> None:
    sources = [str(DATA / "moses_300.csv"), TINY[2]]
    curate(sources, tmp_path / "out", CurateConfig(n_jobs=1, chunk_size=50), progress=True)
    frames = capsys.readouterr().err.replace("\n", "\r").split("\r")
    bars = [f for f in frames if f.startswith("curate:")]
    assert "| 0.00/303 [" in bars[0]  # 300 MOSES rows and 3 SD records, known before the start
    assert "| 303/303 [" in bars[-1]
