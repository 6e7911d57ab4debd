"""The curate stage as a Prefect flow."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import mlflow
import pandas as pd
from prefect import flow, get_run_logger, task

from flows.scaleout import dask_task_runner, task_mapper
from flows.stage_cache import (
    cache_root,
    done_result,
    fingerprint,
    is_done,
    link_tree,
    mark_done,
    path_fingerprint,
    stage_key,
    unless_done,
)
from flows.tracking import tracked_stage
from molgen.config import DaskConfig, PipelineConfig
from molgen.data.config import CurateConfig
from molgen.data.curate import curate
from molgen.data.moses import fetch_moses
from molgen.tracking import log_config, log_dataset, log_metrics
from molgen.utils.run_layout import SUMMARY_FILE

__all__ = ["curate_flow", "curate_key"]


def curate_key(config: CurateConfig) -> str:
    """Hash of everything that determines the curated dataset."""
    sources = [s if s == "moses" else path_fingerprint(s) for s in config.sources]
    return fingerprint("curate", config, sources)


@task(name="curate-dataset", cache_key_fn=stage_key("curate", "out_dir"), persist_result=True)
def curate_dataset(config: CurateConfig, key: str, out_dir: str) -> dict[str, Any]:
    """Curate into the shared cache ``out_dir`` (skipped when it already holds this key)."""
    if not is_done(out_dir, "curate", key):
        started = time.perf_counter()
        summary = curate(config.sources, out_dir, config, progress=True)
        summary = {**summary, "seconds": round(time.perf_counter() - started, 2)}
        mark_done(out_dir, "curate", key, {"summary": summary})
    return done_result(out_dir, "curate")["summary"]


@flow(name="curate-on-dask")
def curate_on_dask(
    config: CurateConfig, dask: DaskConfig, key: str, out_dir: str
) -> dict[str, Any]:
    """Curate into ``out_dir`` with one Prefect task per chunk on the flow's Dask task
    runner; deduplication and splitting run here on the combined results, so the dataset
    equals the single-process one. Skipped when ``out_dir`` already holds this key."""
    if not is_done(out_dir, "curate", key):
        started = time.perf_counter()
        if dask.chunk_size:
            config = config.model_copy(update={"chunk_size": dask.chunk_size})
        summary = curate(config.sources, out_dir, config, mapper=task_mapper(dask.max_pending))
        summary = {**summary, "seconds": round(time.perf_counter() - started, 2)}
        mark_done(out_dir, "curate", key, {"summary": summary})
    return done_result(out_dir, "curate")["summary"]


def _curate_cached(config: PipelineConfig, key: str, cached: Path) -> dict[str, Any]:
    """Curate into the shared cache, on Dask when ``config.dask`` is set."""
    section = config.curate
    if config.dask is None:
        return unless_done(curate_dataset, "curate", cached, key)(section, key, str(cached))
    on_dask = curate_on_dask.with_options(task_runner=dask_task_runner(config.dask))
    return on_dask(section, config.dask, key, str(cached))


@task(name="fetch-moses", retries=3, retry_delay_seconds=10)
def fetch_moses_files() -> dict[str, str]:
    """Download (once) and cache the MOSES CSVs; network I/O, so it retries."""
    return {split: str(path) for split, path in fetch_moses().items()}


@task(name="publish-dataset", retries=2, retry_delay_seconds=2)
def publish_dataset(cached_dir: str, out_dir: str) -> str:
    """Link the cached dataset into the run's output directory."""
    link_tree(cached_dir, out_dir)
    return out_dir


@flow(name="curate")
def curate_flow(
    config: PipelineConfig, out_dir: str, parent_run_id: str | None = None
) -> dict[str, Any]:
    """Curate ``config.curate.sources`` into ``out_dir`` and record it in MLflow.

    The curated dataset is cached under ``data/cache/curate/<input hash>`` and linked into
    ``out_dir``, so later runs with the same sources and settings skip the work. With a
    ``[dask]`` section the chunks are curated on that Dask cluster (same output).

    Returns:
        The curate summary (counts, per-split sizes, reject reasons, property statistics).
    """
    logger = get_run_logger()
    section = config.curate
    key = curate_key(section)
    cached = cache_root() / "curate" / key
    with tracked_stage("curate", config.tracking, parent_run_id):
        log_config(section, "curate.")
        if "moses" in section.sources:
            fetch_moses_files()
        summary = _curate_cached(config, key, cached)
        publish_dataset(str(cached), out_dir)
        out = Path(out_dir)
        log_metrics({k: summary[k] for k in ("input", "kept", "rejected")})
        log_metrics({f"split_{k}": v for k, v in summary.get("splits", {}).items()})
        mlflow.log_artifact(str(out / SUMMARY_FILE), "dataset")
        mlflow.log_artifact(str(out / "rejects.parquet"), "dataset")
        train = pd.read_parquet(out / "train.parquet", columns=["smiles"])
        log_dataset(train, name="train", source=str(out / "train.parquet"), context="training")
        logger.info(
            "curated %d rows: %d kept, %d rejected -> %s",
            summary["input"], summary["kept"], summary["rejected"], out_dir,
        )  # fmt: skip
    return summary
