"""Curation and scoring on a real local Dask cluster give exactly the single-process output."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from flows.curate import curate_flow
from flows.score import score_flow
from molgen.config import DaskConfig, PipelineConfig
from molgen.data.curate import OUTPUT_FILES
from tests.pipeline_configs import DATA, tiny_config

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def cluster():
    """An 'existing' cluster: two worker processes with one thread each."""
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as local:
        yield local


@pytest.fixture
def messy_csv(tmp_path: Path) -> Path:
    """MOSES rows with duplicates spread over chunks (same molecule written differently,
    exact repeats), unparsable and empty SMILES, charged species and an extra column."""
    smiles = pd.read_csv(DATA / "moses_300.csv")["smiles"].tolist()[:60]
    rows = [*smiles, "OCC", "CCO", "not_a_smiles", "", smiles[3], "C[N+](C)(C)C.[Cl-]"]
    rows += [*smiles[10:20], "c1ccccc1", "C1=CC=CC=C1", smiles[0]]
    path = tmp_path / "messy.csv"
    pd.DataFrame({"smiles": rows, "activity": range(len(rows))}).to_csv(path, index=False)
    return path


def _config(sources: list[str], dask: DaskConfig | None) -> PipelineConfig:
    config = tiny_config()
    config.curate.sources = sources
    config.curate.chunk_size = 9  # many chunks, so duplicates fall in different ones
    config.curate.split.method = "scaffold"
    config.score.chunk_size = 7
    config.dask = dask
    return config


def _curated(out: Path) -> dict[str, object]:
    found: dict[str, object] = {}
    for name in OUTPUT_FILES:
        if not (out / name).is_file():
            found[name] = None  # test_scaffolds: MOSES only
        elif name.endswith(".parquet"):
            found[name] = pd.read_parquet(out / name)
        else:
            summary = json.loads((out / name).read_text())
            summary.pop("seconds")
            found[name] = summary
    return found


def _assert_same_dataset(single: Path, dask: Path) -> None:
    expected, got = _curated(single), _curated(dask)
    for name, frame in expected.items():
        if isinstance(frame, pd.DataFrame) and got[name] is not None:
            pd.testing.assert_frame_equal(got[name], frame, check_exact=True)
        else:
            assert got[name] == frame, name


def _curate_twice(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, sources: list[str], dask: DaskConfig
) -> tuple[Path, Path]:
    """Curate with and without ``dask`` (separate stage caches, so neither reuses the other)."""
    monkeypatch.setenv("MOLGEN_CACHE_DIR", str(workdir / "cache-single"))
    single = curate_flow(_config(sources, None), str(workdir / "single"))
    monkeypatch.setenv("MOLGEN_CACHE_DIR", str(workdir / "cache-dask"))
    on_dask = curate_flow(_config(sources, dask), str(workdir / "dask"))
    assert {**on_dask, "seconds": 0} == {**single, "seconds": 0}
    return workdir / "single", workdir / "dask"


def test_curate_and_score_on_an_existing_cluster_equal_the_single_process_path(
    workdir, prefect_harness, monkeypatch, cluster, messy_csv
):
    dask = DaskConfig(address=cluster.scheduler_address, max_pending=3)
    sources = [str(messy_csv), str(DATA / "tiny.smi"), str(DATA / "tiny.csv")]
    single, on_dask = _curate_twice(workdir, monkeypatch, sources, dask)
    _assert_same_dataset(single, on_dask)
    rejects = pd.read_parquet(on_dask / "rejects.parquet")
    assert rejects["reason"].str.startswith("duplicate of ").sum() >= 4
    assert (rejects.loc[rejects["input"] == "not_a_smiles", "reason"] == "invalid SMILES").all()
    assert len(pd.read_parquet(on_dask / "train.parquet")) > 40

    for suffix in (".parquet", ".csv"):
        # separate folders: a folder's stage marker is keyed on the inputs, not on [dask]
        out_single = workdir / f"single{suffix}" / f"scores{suffix}"
        out_dask = workdir / f"dask{suffix}" / f"scores{suffix}"
        expected = score_flow(_config(sources, None), str(messy_csv), str(out_single), str(single))
        config = _config(sources, dask.model_copy(update={"chunk_size": 5}))
        got = score_flow(config, str(messy_csv), str(out_dask), str(single))
        assert {**got, "seconds": 0} == {**expected, "seconds": 0}
        if suffix == ".csv":
            assert out_dask.read_bytes() == out_single.read_bytes()
        else:
            frame = pd.read_parquet(out_dask)
            pd.testing.assert_frame_equal(frame, pd.read_parquet(out_single), check_exact=True)
            assert len(frame) == len(pd.read_csv(messy_csv)) and frame["novel"].notna().any()
    _assert_chunks_ran_on(cluster)


def _assert_chunks_ran_on(cluster) -> None:
    """The cluster ran chunk tasks of both stages (their Dask keys start with the chunk
    function's name), and both workers took some."""
    from distributed import Client

    with Client(cluster) as client:
        prefixes = client.run_on_scheduler(
            lambda dask_scheduler: {
                name: sum(prefix.state_counts.values())
                for name, prefix in dask_scheduler.task_prefixes.items()
            }
        )
        worked = client.run(lambda dask_worker: dask_worker.state.transition_counter)
    assert prefixes.get("process_item", 0) > 0 and prefixes.get("chunk_properties", 0) > 0
    assert len(worked) == 2 and all(count > 0 for count in worked.values())


def test_curate_on_the_runners_own_local_cluster(workdir, prefect_harness, monkeypatch):
    sources = [str(DATA / "moses_300.csv"), str(DATA / "tiny.smi")]
    dask = DaskConfig(n_workers=2, threads_per_worker=1)
    _assert_same_dataset(*_curate_twice(workdir, monkeypatch, sources, dask))


def test_dask_section_is_optional_and_strict():
    assert PipelineConfig().dask is None
    config = PipelineConfig.model_validate({"dask": {"address": "tcp://scheduler:8786"}})
    assert config.dask.address == "tcp://scheduler:8786" and config.dask.chunk_size is None
    assert PipelineConfig.model_validate({"dask": {}}).dask == DaskConfig()
    with pytest.raises(ValueError, match="extra"):
        PipelineConfig.model_validate({"dask": {"workers": 4}})
    with pytest.raises(ValueError, match="greater than or equal to 1"):
        PipelineConfig.model_validate({"dask": {"n_workers": 0}})
