"""The registry of model families: name -> (config class, generator class)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from molgen.models.base import Generator, ModelConfig
from molgen.utils.errors import ConfigError

__all__ = [
    "create_generator",
    "generator_class",
    "known_models",
    "model_config_class",
    "register_model",
]

_REGISTRY: dict[str, tuple[type[ModelConfig], type]] = {}
# Subpackages of molgen.models that register a family when imported.
_BUILTIN_FAMILIES = ("char_rnn", "transformer", "vae", "latent_gan")

G = TypeVar("G", bound=type)


def register_model(name: str, config_class: type[ModelConfig]) -> Callable[[G], G]:
    """Class decorator that lists a Generator implementation under ``name``."""

    def decorate(cls: G) -> G:
        if name in _REGISTRY and _REGISTRY[name][1] is not cls:
            raise ValueError(f"model name {name!r} is already registered")
        _REGISTRY[name] = (config_class, cls)
        return cls

    return decorate


def _ensure_builtin_families() -> None:
    # Importing the families runs their @register_model decorators.
    import importlib

    for family in _BUILTIN_FAMILIES:
        importlib.import_module(f"molgen.models.{family}")


def known_models() -> list[str]:
    """Names of every registered family, sorted."""
    _ensure_builtin_families()
    return sorted(_REGISTRY)


def _lookup(name: str) -> tuple[type[ModelConfig], type]:
    _ensure_builtin_families()
    try:
        return _REGISTRY[name]
    except KeyError:
        raise ConfigError(
            f"unknown model {name!r}; known models: {', '.join(sorted(_REGISTRY))}"
        ) from None


def model_config_class(name: str) -> type[ModelConfig]:
    """The config class of family ``name``; unknown names raise ConfigError."""
    return _lookup(name)[0]


def generator_class(name: str) -> type[Generator]:
    """The Generator class of family ``name``; unknown names raise ConfigError."""
    return _lookup(name)[1]


def create_generator(config: ModelConfig | dict[str, Any], vocabulary: list[str], **kwargs: Any):
    """Build an untrained generator from a config (object or dict) and a token vocabulary."""
    if isinstance(config, dict):
        config = model_config_class(str(config.get("name"))).model_validate(config)
    cls = generator_class(config.name)
    return cls(config, vocabulary, **kwargs)
