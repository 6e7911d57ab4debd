"""The model families: name -> config class, generator class, and the families it builds on.

Not to be confused with :mod:`molgen.model_registry`, MLflow's registry of trained models.

A family that needs a trained model of another family (the LatentGAN decodes with a trained
VAE) declares it once, when it registers, as a :class:`FamilyDependency`; the pipeline, the
train stage and the CLI read that declaration instead of knowing the families by name.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from molgen.models.base import Generator, ModelConfig
from molgen.utils.errors import ConfigError

__all__ = [
    "FamilyDependency",
    "autoregressive_families",
    "create_generator",
    "families_containing",
    "family_config_class",
    "family_dependencies",
    "generator_class",
    "known_families",
    "register_family",
    "reuse_trained",
    "trained_model_of",
    "unmet_dependencies",
]


@dataclass(frozen=True, slots=True)
class FamilyDependency:
    """A trained model of another family that a family builds on.

    Attributes:
        family: the family needed, e.g. ``"vae"``.
        checkpoint_field: the config field naming a trained checkpoint of it (e.g.
            ``vae_checkpoint``); while it is unset the dependency is unmet.
        config_field: the config field describing the model to train first when no
            checkpoint is named (e.g. ``vae``, the ``[model.vae]`` section).
        attribute: the generator attribute holding the trained model it builds on.
    """

    family: str
    checkpoint_field: str
    config_field: str
    attribute: str

    def checkpoint(self, config: ModelConfig) -> str | None:
        """The checkpoint ``config`` names for this dependency, or None when it names none."""
        return getattr(config, self.checkpoint_field) or None

    def with_checkpoint(self, config: ModelConfig, checkpoint: str | Path) -> ModelConfig:
        """A copy of ``config`` that names ``checkpoint`` for this dependency."""
        return config.model_copy(update={self.checkpoint_field: str(checkpoint)})

    def config_to_train(self, config: ModelConfig) -> ModelConfig:
        """The dependency's own config, as ``config`` describes it: what to train first."""
        return getattr(config, self.config_field)

    def trained(self, generator: Generator) -> Generator:
        """The trained model of :attr:`family` inside a generator of the dependent family."""
        return getattr(generator, self.attribute)


@dataclass(frozen=True, slots=True)
class _Family:
    config_class: type[ModelConfig]
    generator_class: type
    requires: tuple[FamilyDependency, ...]


_FAMILIES: dict[str, _Family] = {}
# Subpackages of molgen.models that register a family when imported.
_BUILTIN_FAMILIES = ("char_rnn", "transformer", "vae", "latent_gan")

G = TypeVar("G", bound=type)


def register_family(
    name: str,
    config_class: type[ModelConfig],
    *,
    requires: tuple[FamilyDependency, ...] = (),
) -> Callable[[G], G]:
    """Class decorator that lists a Generator implementation as family ``name``.

    Args:
        name: the family's key: ``[model] name`` in a config, ``model_type`` in a checkpoint.
        config_class: the family's config (a :class:`ModelConfig` whose ``name`` is ``name``).
        requires: the trained models of other families this one builds on.

    Raises:
        ValueError: another class is already registered under ``name``, or a dependency
            names a field ``config_class`` does not have.
    """
    for dependency in requires:
        for field in (dependency.checkpoint_field, dependency.config_field):
            if field not in config_class.model_fields:
                raise ValueError(
                    f"{name}: dependency on {dependency.family!r} names field {field!r}, "
                    f"which {config_class.__name__} does not have"
                )

    def decorate(cls: G) -> G:
        if name in _FAMILIES and _FAMILIES[name].generator_class is not cls:
            raise ValueError(f"model name {name!r} is already registered")
        _FAMILIES[name] = _Family(config_class, cls, tuple(requires))
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


def autoregressive_families() -> list[str]:
    """Names of the families with an exact, differentiable likelihood (SMILES language
    models), which goal-directed design can fine-tune."""
    from molgen.models.autoregressive import AutoregressiveGenerator

    names = known_families()
    return [n for n in names if issubclass(_lookup(n).generator_class, AutoregressiveGenerator)]


def _lookup(name: str) -> _Family:
    _ensure_builtin_families()
    try:
        return _FAMILIES[name]
    except KeyError:
        raise ConfigError(
            f"unknown model {name!r}; known models: {', '.join(sorted(_FAMILIES))}"
        ) from None


def family_config_class(name: str) -> type[ModelConfig]:
    """The config class of family ``name``; unknown names raise ConfigError."""
    return _lookup(name).config_class


def generator_class(name: str) -> type[Generator]:
    """The Generator class of family ``name``; unknown names raise ConfigError."""
    return _lookup(name).generator_class


def family_dependencies(name: str) -> tuple[FamilyDependency, ...]:
    """The trained models of other families that family ``name`` builds on (often none)."""
    return _lookup(name).requires


def unmet_dependencies(config: ModelConfig) -> tuple[FamilyDependency, ...]:
    """The dependencies of ``config``'s family for which ``config`` names no checkpoint."""
    return tuple(dep for dep in family_dependencies(config.name) if dep.checkpoint(config) is None)


def reuse_trained(config: ModelConfig, checkpoints: Mapping[str, str | Path]) -> ModelConfig:
    """``config`` with each unmet dependency pointed at an already trained model.

    Args:
        config: a family's config.
        checkpoints: family name -> checkpoint of a trained model of that family (e.g. the
            families trained earlier in the same pipeline).

    Returns:
        ``config`` itself when nothing changes, else a copy naming the checkpoints.
    """
    for dependency in unmet_dependencies(config):
        if dependency.family in checkpoints:
            config = dependency.with_checkpoint(config, checkpoints[dependency.family])
    return config


def trained_model_of(generator: Generator, family: str) -> Generator | None:
    """The trained model of ``family`` in ``generator``: the generator itself when it is of
    that family, the model it builds on when its family depends on ``family``, else None."""
    name = generator.config.name
    if name == family:
        return generator
    for dependency in family_dependencies(name):
        if dependency.family == family:
            return dependency.trained(generator)
    return None


def families_containing(family: str) -> list[str]:
    """Families whose generators hold a trained ``family`` model: ``family`` first, then those
    that build on it (see :func:`trained_model_of`)."""
    dependents = [
        name
        for name in known_families()
        if any(dep.family == family for dep in family_dependencies(name))
    ]
    return [family, *dependents]


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
