"""Device choice, seeding and environment capture, in one place."""

from __future__ import annotations

import os
import platform
import random
import subprocess
from functools import cache
from importlib import metadata
from pathlib import Path

import numpy as np
import torch

__all__ = ["environment_tags", "git_sha", "resolve_device", "seed_everything"]


def resolve_device(requested: str = "auto") -> torch.device:
    """Pick the torch device: ``auto`` means CUDA when present, else CPU.

    Args:
        requested: ``auto``, ``cpu``, ``cuda`` or ``cuda:N``.
    """
    if requested == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(requested)


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy and torch (all devices)."""
    random.seed(seed)
    np.random.seed(seed % (2**32))
    torch.manual_seed(seed)


@cache
def git_sha() -> str:
    """The git commit of the source tree molgen runs from, or ``unknown``."""
    root = Path(__file__).resolve().parents[2]
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=5
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return out.stdout.strip() if out.returncode == 0 else "unknown"


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def environment_tags(device: torch.device | None = None) -> dict[str, str]:
    """Tags describing where a run ran: git sha, package versions, device."""
    device = device or resolve_device()
    tags = {
        "git_sha": git_sha(),
        "python": platform.python_version(),
        "molgen": _version("molgen"),
        "torch": torch.__version__,
        "rdkit": _version("rdkit"),
        "prefect": _version("prefect"),
        "mlflow": _version("mlflow"),
        "device": str(device),
        "cuda": str(torch.version.cuda) if torch.cuda.is_available() else "none",
        "cpu_count": str(os.cpu_count()),
    }
    if device.type == "cuda":
        tags["gpu"] = torch.cuda.get_device_name(device)
    return tags
