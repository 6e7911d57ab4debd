"""The scoring-component protocol, its parameter base class and the registry.

A component maps a :class:`~molgen.scoring.components.batch.MolBatch` to one raw float per
molecule (NaN where it cannot be computed). Each component type has a strict parameter
model and is listed under its type name by :func:`register_component`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol, TypeVar

import numpy as np
from pydantic import ValidationError

from molgen.scoring.components.batch import MolBatch
from molgen.utils.config import StrictModel
from molgen.utils.errors import ConfigError

__all__ = [
    "Component",
    "ComponentContext",
    "ComponentParams",
    "NoParams",
    "build_component",
    "component_type",
    "known_components",
    "register_component",
    "validate_params",
]


class ComponentParams(StrictModel):
    """Base of every component's parameters (unknown keys are errors)."""


class NoParams(ComponentParams):
    """A component without parameters."""


@dataclass(frozen=True)
class ComponentContext:
    """What a component may need besides its parameters.

    Attributes:
        train_smiles: canonical SMILES of the training set (novelty), if any.
    """

    train_smiles: frozenset[str] | None = None


class Component(Protocol):
    """A scoring component: raw values of a batch, one float per molecule.

    Attributes:
        name: the objective's identifier for this component (for messages).
        local: True when it must run in the calling process (it holds data, such as the
            training set, that never goes to worker processes).
    """

    name: str
    local: ClassVar[bool]

    def __call__(self, batch: MolBatch) -> np.ndarray:
        """Raw values, one per molecule of ``batch`` (NaN where invalid or failed)."""
        ...


@dataclass(frozen=True)
class _Entry:
    params: type[ComponentParams]
    factory: Callable[[str, Any, ComponentContext], Component]
    summary: str


_REGISTRY: dict[str, _Entry] = {}
C = TypeVar("C")


def register_component(
    type_name: str, params: type[ComponentParams] = NoParams
) -> Callable[[C], C]:
    """Decorator listing a component class under ``type_name``.

    The class is built as ``cls(name, params, context)`` and must satisfy
    :class:`Component`; the first line of its docstring is its summary.
    """

    def decorate(cls: C) -> C:
        if type_name in _REGISTRY and _REGISTRY[type_name].factory is not cls:
            raise ValueError(f"component type {type_name!r} is already registered")
        summary = (getattr(cls, "__doc__", None) or "").strip().splitlines()[:1]
        _REGISTRY[type_name] = _Entry(params, cls, summary[0] if summary else "")  # type: ignore[arg-type]
        return cls

    return decorate


def _ensure_builtins() -> None:
    # Importing the package runs the built-in components' decorators.
    import molgen.scoring.components  # noqa: F401


def known_components() -> list[str]:
    """Every registered component type, sorted."""
    _ensure_builtins()
    return sorted(_REGISTRY)


def component_type(type_name: str) -> _Entry:
    """The registry entry of ``type_name``.

    Raises:
        ConfigError: an unknown type (the message lists the known ones).
    """
    _ensure_builtins()
    try:
        return _REGISTRY[type_name]
    except KeyError:
        known = ", ".join(sorted(_REGISTRY))
        raise ConfigError(f"unknown component type {type_name!r}; known: {known}") from None


def _first_error(error: ValidationError) -> str:
    """One line for a parameter error: the validator's own message, or ``key: message``."""
    parts = []
    for item in error.errors():
        loc = ".".join(str(p) for p in item["loc"])
        if item["type"] == "value_error":
            msg = str(item.get("ctx", {}).get("error", item["msg"]))
        elif item["type"] == "extra_forbidden":
            msg = "unknown key"
        else:
            msg = item["msg"]
        parts.append(f"params.{loc}: {msg}" if loc and item["type"] != "value_error" else msg)
    return "; ".join(parts)


def validate_params(type_name: str, params: dict[str, Any]) -> ComponentParams:
    """The typed parameters of a component of ``type_name``.

    Raises:
        ConfigError: unknown type, or parameters that do not fit (one line).
    """
    entry = component_type(type_name)
    try:
        return entry.params.model_validate(params)
    except ValidationError as exc:
        raise ConfigError(_first_error(exc)) from None


def build_component(
    name: str,
    type_name: str,
    params: dict[str, Any],
    train_smiles: Collection[str] | None = None,
) -> Component:
    """A ready component from its type name and raw parameters.

    Raises:
        ConfigError: unknown type, bad parameters, or missing context (training set).
    """
    typed = validate_params(type_name, params)
    context = ComponentContext(frozenset(train_smiles) if train_smiles is not None else None)
    return component_type(type_name).factory(name, typed, context)
