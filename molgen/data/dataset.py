"""Reading a curated dataset directory (what ``molgen curate`` writes)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from molgen.utils.errors import InputError
from molgen.utils.hashing import hash_files
from molgen.utils.run_layout import SUMMARY_FILE

__all__ = ["SPLITS", "CuratedDataset"]

SPLITS = ("train", "valid", "test", "test_scaffolds")


@dataclass(frozen=True)
class CuratedDataset:
    """A ``molgen curate`` output: ``train/valid/test[/test_scaffolds].parquet``,
    ``rejects.parquet`` and ``summary.json``."""

    root: Path

    @classmethod
    def open(cls, root: str | Path) -> CuratedDataset:
        """Open a curated directory; raises InputError if it has no train split."""
        root = Path(root)
        if not (root / "train.parquet").is_file():
            raise InputError(root, "not a curated dataset (no train.parquet); run molgen curate")
        return cls(root)

    def path(self, split: str) -> Path:
        """Path of a split's Parquet file (it may not exist)."""
        return self.root / f"{split}.parquet"

    def has(self, split: str) -> bool:
        """Whether the split exists."""
        return self.path(split).is_file()

    def frame(self, split: str) -> pd.DataFrame:
        """A split as a DataFrame."""
        if not self.has(split):
            raise InputError(self.path(split), f"split {split!r} not found")
        return pd.read_parquet(self.path(split))

    def smiles(self, split: str) -> list[str]:
        """The canonical SMILES of a split."""
        if not self.has(split):
            raise InputError(self.path(split), f"split {split!r} not found")
        return pd.read_parquet(self.path(split), columns=["smiles"])["smiles"].tolist()

    @cached_property
    def data_hash(self) -> str:
        """SHA-256 of the train and valid files: ties a checkpoint to its data."""
        return hash_files(self.path(s) for s in ("train", "valid") if self.has(s))

    @property
    def summary(self) -> dict[str, Any]:
        """The curate summary (``summary.json``), or an empty dict."""
        path = self.root / SUMMARY_FILE
        return json.loads(path.read_text()) if path.is_file() else {}
