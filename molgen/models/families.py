"""The model families: name -> (config class, generator class).

Not to be confused with :mod:`molgen.model_registry`, MLflow's registry of trained models.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from molgen.models.base import Generator, ModelConfig
from molgen.utils.errors import ConfigError

__all__ = [
    "create_generator",
    "family_config_class",
    "generator_class",
    "known_families",
    "register_family",
]

_FAMILIES: dict[str, tuple[type[ModelConfig], type]] = {}
# Subpackages of molgen.models that register a family when imported.
_BUILTIN_FAMILIES = ("char_rnn", "transformer", "vae", "latent_gan")

G = TypeVar("G", bound=type)


def register_family(name: str, config_class: type[ModelConfig]) -> Callable[[G], G]:
    """Class decorator that lists a Generator implementation as family ``name``.

    Args:
        name: the family's key: ``[model] name`` in a config, ``model_type`` in a checkpoint.
        config_class: the family's config (a :class:`ModelConfig` whose ``name`` is ``name``).

    Raises:
        ValueError: another class is already registered under ``name``.
    """

    def decorate(cls: G) -> G:
        if name in _FAMILIES and _FAMILIES[name][1] is not cls:
            raise ValueError(f"model name {name!r} is already registered")
        _FAMILIES[name] = (config_class, cls)
        return cls

    return decorate


def _ensure_builtin_families() -> None:
    # Importing the families runs their @register_family decorators.
    import importlib

    for family in _BUILTIN_FAMILIES:
        importlib.import_module(f"molgen.models.{family}")


def known_families() -> list[str]:
    """Names of every registered family, sorted."""
    _ensure_builtin_families()
    return sorted(_FAMILIES)


def _lookup(name: str) -> tuple[type[ModelConfig], type]:
    _ensure_builtin_families()
    try:
        return _FAMILIES[name]
    except KeyError:
        raise ConfigError(
            f"unknown model {name!r}; known models: {', '.join(sorted(_FAMILIES))}"
        ) from None


def family_config_class(name: str) -> type[ModelConfig]:
    """The config class of family ``name``; unknown names raise ConfigError."""
    return _lookup(name)[0]


def generator_class(name: str) -> type[Generator]:
    """The Generator class of family ``name``; unknown names raise ConfigError."""
    return _lookup(name)[1]


def create_generator(config: ModelConfig | dict[str, Any], vocabulary: list[str], **kwargs: Any):
    """Build an untrained generator from a config (object or dict) and a token vocabulary.

    Args:
        config: the family's config, or a dict with its ``name`` and fields.
        vocabulary: the token list (special tokens first).
        **kwargs: passed to the generator's constructor (e.g. ``device``).

    Raises:
        ConfigError: an unknown family name.
    """
    if isinstance(config, dict):
        config = family_config_class(str(config.get("name"))).model_validate(config)
    cls = generator_class(config.name)
    return cls(config, vocabulary, **kwargs)
