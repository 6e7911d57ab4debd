"""Content hashes used to tie checkpoints and caches to their data."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

__all__ = ["hash_files", "hash_strings"]


def hash_files(paths: Iterable[str | Path]) -> str:
    """SHA-256 over the bytes of the given files, in the order given."""
    digest = hashlib.sha256()
    for path in paths:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def hash_strings(values: Iterable[str]) -> str:
    """SHA-256 over newline-joined strings."""
    digest = hashlib.sha256()
    for value in values:
        digest.update(value.encode())
        digest.update(b"\n")
    return digest.hexdigest()
