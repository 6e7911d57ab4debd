"""Writing result tables by file extension."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from molgen.utils.errors import InputError

__all__ = ["TABLE_SUFFIXES", "write_table"]

TABLE_SUFFIXES = (".csv", ".parquet")


def write_table(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write ``frame`` as CSV or Parquet, chosen by the extension of ``path``.

    Raises:
        InputError: the extension is neither ``.csv`` nor ``.parquet``.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in TABLE_SUFFIXES:
        raise InputError(path, "output must end in .csv or .parquet")
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".csv":
        frame.to_csv(path, index=False)
    else:
        frame.to_parquet(path, index=False)
    return path
