"""The store stage as a Prefect flow: a pipeline's scored candidates into the candidate store.

Idempotent by construction (the store skips candidates it already has), so it runs on every
pipeline run, including reruns, and logs what it inserted and skipped.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import mlflow
from prefect import flow, get_run_logger, task

from flows.tracking import tracked_stage
from molgen.config import PipelineConfig
from molgen.store.engine import open_store, public_url, resolve_url
from molgen.store.ingest import ingest_family
from molgen.store.runs import FamilyOutput, RunInfo
from molgen.tracking import log_metrics

__all__ = ["pipeline_families", "pipeline_run", "store_flow"]

_COUNTS = (
    "rows_read",
    "candidates_inserted",
    "molecules_inserted",
    "scores_inserted",
    "duplicates_skipped",
)


def pipeline_run(run: mlflow.ActiveRun | Any, out_dir: str | Path) -> RunInfo:
    """The store's record of a pipeline run: its MLflow parent run and output folder."""
    return RunInfo(
        run_key=run.info.run_id,
        mlflow_run_id=run.info.run_id,
        mlflow_tracking_uri=mlflow.get_tracking_uri(),
        name=Path(out_dir).resolve().name,
        source=str(Path(out_dir).resolve()),
        created_at=datetime.fromtimestamp(run.info.start_time / 1000, UTC),
    )


def pipeline_families(config: PipelineConfig, results: dict[str, Any]) -> list[FamilyOutput]:
    """Each family's scores and provenance (model, checkpoint URI, sampling temperature),
    from the pipeline's config and its family results."""
    temperatures = {f.label: f.sample.temperature for f in config.family_configs()}
    return [
        FamilyOutput(
            label=label,
            scores=Path(result["outputs"]["scores"]),
            model_type=result.get("model"),
            checkpoint=result.get("model_uri"),
            temperature=temperatures.get(label),
        )
        for label, result in results.items()
    ]


@task(name="store-family", retries=1, retry_delay_seconds=5)
def store_family(url: str, run: RunInfo, family: FamilyOutput, n_jobs: int) -> dict[str, Any]:
    """Ingest one family's scores; returns the counts and the first rejected rows."""
    engine = open_store(url)
    try:
        report = ingest_family(engine, run, family, n_jobs)
    finally:
        engine.dispose()
    counts: dict[str, Any] = {name: getattr(report, name) for name in _COUNTS}
    counts["rejected"] = len(report.rejected)
    counts["rejected_examples"] = [r.model_dump() for r in report.rejected[:5]]
    return counts


@flow(name="store")
def store_flow(
    config: PipelineConfig,
    run: RunInfo,
    families: list[FamilyOutput],
    parent_run_id: str | None = None,
) -> dict[str, Any]:
    """Write every family's scored candidates to the store named by ``config.store``.

    Returns:
        ``enabled``, the store ``url`` (password hidden), per family the counts (rows read,
        candidates and molecules inserted, duplicates skipped, rejected) and the provenance
        recorded with the candidates.
    """
    logger = get_run_logger()
    provenance = {
        f.label: {"temperature": f.temperature, "checkpoint": f.checkpoint} for f in families
    }
    if not config.store.enabled:
        logger.warning("store stage disabled ([store] enabled = false): nothing stored")
        return {"enabled": False, "provenance": provenance}
    url = resolve_url(config.store.url)
    counts: dict[str, Any] = {}
    with tracked_stage("store", config.tracking, parent_run_id):
        mlflow.set_tag("molgen.store_url", public_url(url))
        for family in families:
            done = counts[family.label] = store_family(url, run, family, config.store.n_jobs)
            logger.info("stored %s into %s: %s", family.label, public_url(url), done)
            log_metrics({f"{family.label}/{k}": done[k] for k in (*_COUNTS, "rejected")})
    return {"enabled": True, "url": public_url(url), "families": counts, "provenance": provenance}
