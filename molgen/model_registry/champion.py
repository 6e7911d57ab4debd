"""Register a family's model in the MLflow Model Registry and keep its champion alias on
the best version.

Every registered version carries the family's metrics as tags (``metric.<name>``), so the
champion's value on any metric is read from the registry itself; no run lookup is needed,
and a version registered by an older pipeline still compares.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from typing import Any

import mlflow
from mlflow.entities.model_registry import ModelVersion
from mlflow.exceptions import MlflowException
from mlflow.tracking import MlflowClient

from molgen.model_registry.config import RegistryConfig
from molgen.utils.errors import MolgenError, first_line

__all__ = ["beats", "check_registry", "metric_tag", "register_model_version"]

logger = logging.getLogger(__name__)


def metric_tag(metric: str) -> str:
    """The model-version tag that holds ``metric`` (MLflow refuses ``@`` in tag keys)."""
    return "metric." + metric.replace("@", "_at_")


def beats(value: float | None, champion: float | None, mode: str) -> bool:
    """Whether ``value`` is strictly better than ``champion`` (``None``: no champion value).

    An undefined ``value`` (None or NaN) never beats anything; any defined value beats an
    undefined champion.
    """
    if value is None or not math.isfinite(value):
        return False
    if champion is None or not math.isfinite(champion):
        return True
    return value < champion if mode == "min" else value > champion


def check_registry() -> None:
    """Fail fast, before a pipeline trains anything, when the registry is not usable.

    Raises:
        MolgenError: the current registry URI has no working Model Registry (one line).
    """
    uri = mlflow.get_registry_uri()
    try:
        MlflowClient().search_registered_models(max_results=1)
    except Exception as exc:  # MLflow raises many types for stores without a registry
        raise MolgenError(
            f"MLflow model registry {uri} is not usable ({first_line(exc)}); [registry] needs "
            "a database-backed store (sqlite:///mlflow.db, postgresql://...) or a tracking "
            "server; set tracking.tracking_uri, or [registry] enabled = false"
        ) from None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _holder(client: MlflowClient, name: str, alias: str) -> ModelVersion | None:
    """The version that holds ``alias``, or None (no such model, or no such alias)."""
    try:
        aliases = client.get_registered_model(name).aliases
    except MlflowException:
        return None
    version = aliases.get(alias)
    return client.get_model_version(name, version) if version is not None else None


def register_model_version(
    model_uri: str,
    name: str,
    metrics: Mapping[str, Any],
    config: RegistryConfig,
    tags: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Register ``model_uri`` as a new version of ``name`` and move the alias if it wins.

    Args:
        model_uri: the logged model (``models:/m-...`` or ``runs:/<run_id>/model``).
        name: the registered model's name: the family's label.
        metrics: the family's metrics (headline and evaluation, MOSES names); the finite
            ones are stored as version tags.
        config: the deciding metric, its direction and the alias.
        tags: further version tags (pipeline run, output folder, ...).

    Returns:
        ``name``, ``version``, ``model_uri`` (``models:/<name>/<version>``), ``metric``,
        ``value``, ``alias``, ``promoted``, ``champion`` (the version holding the alias
        afterwards) and ``previous`` (the former holder's version and value, or None).

    Raises:
        MolgenError: the registry refused the registration (one line).
    """
    client = MlflowClient()
    value = _number(metrics.get(config.metric))
    previous = _holder(client, name, config.alias)
    previous_value = _number(previous.tags.get(metric_tag(config.metric))) if previous else None
    numbers = {k: _number(v) for k, v in metrics.items()}
    version_tags = {metric_tag(k): str(v) for k, v in numbers.items() if v is not None}
    version_tags |= {"molgen.metric": config.metric, **(tags or {})}
    try:
        registered = mlflow.register_model(model_uri, name, tags=version_tags)
    except Exception as exc:  # MLflow raises many types; the user needs one line
        raise MolgenError(f"cannot register {model_uri} as {name!r}: {first_line(exc)}") from None
    promoted = beats(value, previous_value, config.direction)
    if promoted:
        client.set_registered_model_alias(name, config.alias, registered.version)
    champion = registered.version if promoted else (previous.version if previous else None)
    client.set_model_version_tag(name, registered.version, "molgen.promoted", str(promoted))
    logger.debug(
        "registered %s version %s (%s = %s); %s is version %s",
        name,
        registered.version,
        config.metric,
        value,
        config.alias,
        champion,
    )
    return {
        "name": name,
        "version": int(registered.version),
        "model_uri": f"models:/{name}/{registered.version}",
        "metric": config.metric,
        "value": value,
        "alias": config.alias,
        "promoted": promoted,
        "champion": int(champion) if champion is not None else None,
        "previous": (
            {"version": int(previous.version), "value": previous_value} if previous else None
        ),
    }
