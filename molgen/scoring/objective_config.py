"""Objectives as typed configs: a named list of scoring components, loaded from TOML.

An objective file (``configs/objectives/*.toml``) holds ``name``, ``version``,
``description``, ``aggregation`` and one ``[[components]]`` table per component (see
README, "Objectives"). Loading validates everything, including each component's parameters
(SMARTS and reference SMILES parse, fingerprint names exist, functions import), and a
problem is one line naming the file and the component.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError, model_validator

from molgen.scoring.components.base import validate_params
from molgen.scoring.transforms import (
    DoubleSigmoid,
    Identity,
    ReverseSigmoid,
    Sigmoid,
    Step,
    Transform,
)
from molgen.utils.config import StrictModel, read_toml
from molgen.utils.errors import ConfigError

__all__ = [
    "BUILTIN_OBJECTIVES",
    "ComponentConfig",
    "ObjectiveConfig",
    "default_objective",
    "load_objective",
    "resolve_objective",
]

IDENTIFIER = r"^[a-z][a-z0-9_]*$"


class ComponentConfig(StrictModel):
    """One component of an objective.

    Attributes:
        name: its identifier in the objective (columns ``<name>_raw``,
            ``<name>_desirability``).
        type: a registered component type (``qed``, ``tanimoto``, ``python``, ...).
        params: the type's parameters.
        transform: raw value -> desirability (default ``none``: clipped to [0, 1]).
        weight: weight in the mean (role ``score`` only).
        role: ``score`` (enters the mean), ``filter`` (a desirability below
            ``threshold`` sets the total to 0) or ``penalty`` (a desirability below
            ``threshold`` multiplies the total by ``penalty``).
        threshold: the desirability below which a filter or penalty applies.
        penalty: the factor a penalty multiplies the total by.
    """

    name: str = Field(pattern=IDENTIFIER)
    type: str
    params: dict[str, Any] = Field(default_factory=dict)
    transform: Transform = Field(default_factory=Identity)
    weight: float = Field(default=1.0, gt=0)
    role: Literal["score", "filter", "penalty"] = "score"
    threshold: float = Field(default=0.5, ge=0, le=1)
    penalty: float = Field(default=0.5, ge=0, le=1)

    @model_validator(mode="after")
    def _params(self) -> ComponentConfig:
        validate_params(self.type, self.params)  # ConfigError is a ValueError
        return self


class ObjectiveConfig(StrictModel):
    """A named, versioned objective.

    Attributes:
        name: identifier recorded with every scored table (``molgen.objective``).
        version: recorded as ``molgen.objective_version``.
        description: free text.
        aggregation: ``geometric`` (weighted geometric mean, default) or ``arithmetic``.
        components: at least one; names unique.
    """

    name: str = Field(pattern=IDENTIFIER)
    version: str = "1"
    description: str = ""
    aggregation: Literal["geometric", "arithmetic"] = "geometric"
    components: list[ComponentConfig] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_names(self) -> ObjectiveConfig:
        seen: set[str] = set()
        for component in self.components:
            if component.name in seen:
                raise ValueError(f"component name {component.name!r} is used twice")
            seen.add(component.name)
        return self


def default_objective() -> ObjectiveConfig:
    """The built-in ``default`` objective: the composite score molgen has always computed
    (``configs/objectives/default.toml`` is the same objective as a file)."""
    return ObjectiveConfig(
        name="default",
        version="1",
        description="Drug-likeness: QED, SA score, MW and logP windows, no PAINS alert.",
        components=[
            ComponentConfig(name="qed", type="qed", transform=Sigmoid(center=0.5, k=10)),
            ComponentConfig(name="sa", type="sa", transform=ReverseSigmoid(center=4.0, k=2)),
            ComponentConfig(
                name="mw", type="mw", transform=DoubleSigmoid(low=200, high=500, k=0.05)
            ),
            ComponentConfig(name="logp", type="logp", transform=DoubleSigmoid(low=0, high=5, k=2)),
            ComponentConfig(name="pains", type="pains", transform=Step(high=0), weight=0.5),
        ],
    )


BUILTIN_OBJECTIVES = {"default": default_objective}
"""Objectives available by name, without a file."""


def _describe(error: ValidationError, data: dict[str, Any]) -> str:
    """One line for an objective's validation error, naming the component at fault."""
    components = data.get("components") if isinstance(data.get("components"), list) else []
    parts = []
    for item in error.errors():
        loc = list(item["loc"])
        where = ""
        if len(loc) >= 2 and loc[0] == "components" and isinstance(loc[1], int):
            index = loc[1]
            raw = components[index] if index < len(components) else {}
            name = raw.get("name", "?") if isinstance(raw, dict) else "?"
            where, loc = f"components[{index}] ({name})", loc[2:]
        if loc and loc[0] == "transform" and len(loc) > 1:
            loc = [loc[0], *loc[2:]]  # drop the discriminator's tag from the path
        if item["type"] == "value_error":
            msg = str(item.get("ctx", {}).get("error", item["msg"]))
            loc = [] if where else loc
        elif item["type"] == "extra_forbidden":
            msg = "unknown key"
        else:
            msg = item["msg"]
        key = ".".join(str(p) for p in loc)
        parts.append(": ".join(p for p in (where, key, msg) if p))
    return "; ".join(dict.fromkeys(parts))


def objective_from_dict(data: dict[str, Any], source: str) -> ObjectiveConfig:
    """Validate an objective's data.

    Raises:
        ConfigError: one line, ``source: components[i] (name): reason``.
    """
    try:
        return ObjectiveConfig.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"{source}: {_describe(exc, data)}") from None


def load_objective(path: str | Path) -> ObjectiveConfig:
    """Read and validate an objective TOML file.

    Raises:
        ConfigError: missing file, invalid TOML, or an invalid objective (one line naming
            the file and the component).
    """
    return objective_from_dict(read_toml(path, "objective"), str(path))


def resolve_objective(reference: str) -> ObjectiveConfig:
    """A built-in objective by name (``default``) or an objective file by path.

    Raises:
        ConfigError: neither a built-in name nor a valid objective file.
    """
    if reference in BUILTIN_OBJECTIVES:
        return BUILTIN_OBJECTIVES[reference]()
    if not reference.endswith(".toml"):
        known = ", ".join(BUILTIN_OBJECTIVES)
        raise ConfigError(f"objective {reference!r} is neither a built-in ({known}) nor a .toml")
    return load_objective(reference)
