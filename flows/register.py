"""The register stage: each family's model into the MLflow Model Registry, under the
family's label, with the champion alias moved to it when it beats the current champion."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task

from flows.tracking import tracked_stage
from molgen.config import PipelineConfig
from molgen.model_registry.champion import register_model_version
from molgen.model_registry.config import RegistryConfig
from molgen.tracking import log_metrics

__all__ = ["register_flow"]


@task(name="register-model")
def register_task(
    label: str,
    model_uri: str,
    metrics: dict[str, Any],
    registry: RegistryConfig,
    tags: dict[str, str],
) -> dict[str, Any]:
    """Register one family's model; the champion alias moves only to a better one."""
    return register_model_version(model_uri, label, metrics, registry, tags)


@flow(name="register")
def register_flow(
    config: PipelineConfig,
    families: dict[str, Any],
    out_dir: str,
    parent_run_id: str | None = None,
) -> dict[str, Any]:
    """Register every family of a pipeline run (``families``: the family flows' results).

    Each family's metrics are its headline metrics and its full evaluation (MOSES names).

    Returns:
        Per family label: the registered version, the metric value, whether it was promoted
        and which version holds the alias now.
    """
    logger = get_run_logger()
    registered: dict[str, Any] = {}
    with tracked_stage("register", config.tracking, parent_run_id):
        for label, result in families.items():
            metrics = {**result["metrics"], **(result.get("evaluate") or {})}
            model_uri = result["train"].get("logged_model_uri") or result["model_uri"]
            tags = {
                "molgen.pipeline_run_id": parent_run_id or "",
                "molgen.out_dir": str(Path(out_dir).resolve()),
            }
            done = registered[label] = register_task(
                label, model_uri, metrics, config.registry, tags
            )
            promoted = 1 if done["promoted"] else 0
            log_metrics({f"{label}/version": done["version"], f"{label}/promoted": promoted})
            logger.info(
                "%s version %s: %s = %s; %s is version %s",
                label,
                done["version"],
                done["metric"],
                done["value"],
                done["alias"],
                done["champion"],
            )
    return registered
