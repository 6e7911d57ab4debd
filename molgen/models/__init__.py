"""Generative model families behind one Generator protocol, listed in a registry."""

from __future__ import annotations

from molgen.models.base import Generator, ModelConfig
from molgen.models.registry import (
    create_generator,
    generator_class,
    known_models,
    model_config_class,
    register_model,
)

__all__ = [
    "Generator",
    "ModelConfig",
    "create_generator",
    "generator_class",
    "known_models",
    "model_config_class",
    "register_model",
]
