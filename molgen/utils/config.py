"""The typed-config base class and TOML loading."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from molgen.utils.errors import ConfigError

__all__ = ["StrictModel", "flatten", "format_validation_error", "load_toml", "read_toml"]

M = TypeVar("M", bound=BaseModel)


class StrictModel(BaseModel):
    """Base for every config: unknown keys are errors, and values are validated on assignment."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, frozen=False)


def format_validation_error(error: ValidationError, source: str) -> str:
    """Turn a pydantic error into one line: ``source: key.path: message; ...``."""
    parts = []
    for item in error.errors():
        loc = ".".join(str(p) for p in item["loc"]) or "(root)"
        msg = item["msg"]
        if item["type"] == "extra_forbidden":
            msg = "unknown key"
        parts.append(f"{loc}: {msg}")
    return f"{source}: " + "; ".join(parts)


def read_toml(path: str | Path, what: str = "config") -> dict[str, Any]:
    """The table of a TOML file.

    Raises:
        ConfigError: the file is missing (``"<path>: <what> file not found"``), is not UTF-8
            text, or is not valid TOML; one line naming the file.
    """
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{path}: {what} file not found")
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None


def load_toml(path: str | Path, model: type[M]) -> M:
    """Read a TOML file and validate it as ``model``.

    Raises:
        ConfigError: the file is missing, is not valid TOML, or does not fit the model.
    """
    data = read_toml(path)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(format_validation_error(exc, str(path))) from None


def flatten(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Flatten nested dicts to dotted keys, e.g. for ``mlflow.log_params``."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(flatten(value, f"{name}."))
        else:
            out[name] = value
    return out
