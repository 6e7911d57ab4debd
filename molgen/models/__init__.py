"""Generative model families behind one Generator protocol, listed in `families`."""

from __future__ import annotations

from molgen.models.base import Generator, ModelConfig
from molgen.models.families import (
    create_generator,
    family_config_class,
    generator_class,
    known_families,
    register_family,
)

__all__ = [
    "Generator",
    "ModelConfig",
    "create_generator",
    "family_config_class",
    "generator_class",
    "known_families",
    "register_family",
]
