"""Labelled molecule tables for predictors: read, check, and reject bad rows with a reason.

Any file :func:`molgen.data.readers.read_source` reads (CSV, TSV, SMILES, SDF with SD
properties as columns, Parquet) is accepted. A row is rejected, never dropped silently,
when the reader could not use it, its molecule does not parse, a target cell holds text
that is not a number (or, for classification, a number other than 0 and 1), or it has no
label for any target. A missing SMILES or target column is an error about the whole file.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from molgen.chem.mol import canonical_smiles
from molgen.data.readers import iter_source_chunks, read_source
from molgen.utils.errors import InputError

__all__ = [
    "REJECT_COLUMNS",
    "LabelledTable",
    "check_targets",
    "read_labelled",
    "read_molecules",
]

REJECT_COLUMNS = ("source", "row", "input", "reason")
"""Columns of a rejects table: the file, the 1-based row, the raw SMILES and the reason."""


class LabelledTable:
    """The usable rows of a labelled file and the rejected ones.

    Attributes:
        frame: ``smiles`` (canonical), ``source``, ``row`` and one float column per target
            (NaN where that label is missing).
        rejects: :data:`REJECT_COLUMNS`, one row per rejected row.
    """

    def __init__(self, frame: pd.DataFrame, rejects: pd.DataFrame) -> None:
        self.frame = frame
        self.rejects = rejects


def _reject_frame(rows: list[tuple[str, int, object, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(REJECT_COLUMNS)).astype({"row": "int64"})


def _find_target(path: str, columns: Sequence[str], target: str) -> str:
    if target in columns:
        return target
    folded = [c for c in columns if c.lower() == target.lower()]
    if len(folded) == 1:
        return folded[0]
    shown = ", ".join(c for c in columns if c not in {"source", "row", "input", "read_error"})
    raise InputError(path, f"no target column {target!r} (columns: {shown})")


def check_targets(path: str | Path, targets: Sequence[str], smiles_column: str = "smiles") -> None:
    """Fail fast, from the first rows only, when the file or a target column is missing.

    Raises:
        InputError: unreadable file, no SMILES column, or no column for a target.
    """
    first = next(iter(iter_source_chunks(path, smiles_column, chunk_size=100)))
    for target in targets:
        _find_target(str(path), list(first.columns), target)


def read_labelled(
    path: str | Path,
    targets: Sequence[str],
    task: str = "regression",
    smiles_column: str = "smiles",
) -> LabelledTable:
    """Read a labelled molecule file, keeping good rows and rejecting the rest with reasons.

    Args:
        path: the file.
        targets: the label columns (matched exactly, else case-insensitively).
        task: ``regression`` or ``classification`` (labels must then be 0 or 1).
        smiles_column: the SMILES column of table files.

    Raises:
        InputError: the file cannot be read, or has no SMILES or no target column.
    """
    raw = read_source(path, smiles_column)
    source = str(path)
    columns = [_find_target(source, list(raw.columns), t) for t in targets]
    values = {}
    problems: list[list[str]] = [[] for _ in range(len(raw))]
    for target, column in zip(targets, columns, strict=True):
        text = raw[column]
        number = pd.to_numeric(text, errors="coerce").to_numpy(float)
        blank = text.isna().to_numpy() | (text.astype(str).str.strip() == "").to_numpy()
        for i in np.flatnonzero(np.isnan(number) & ~blank):
            problems[i].append(f"{target}: {str(text.iloc[i])[:40]!r} is not a number")
        if task == "classification":
            bad = ~np.isnan(number) & ~np.isin(number, (0.0, 1.0))
            for i in np.flatnonzero(bad):
                problems[i].append(f"{target}: label {number[i]:g} is not 0 or 1")
        values[target] = number
    labels = np.column_stack([values[t] for t in targets])
    kept_rows, rejected = [], []
    smiles_out = []
    for i, (row, given, error) in enumerate(
        zip(raw["row"], raw["input"], raw["read_error"], strict=True)
    ):
        reason = None
        if error is not None:
            reason = str(error)
        elif not isinstance(given, str) or not given.strip():
            reason = "no SMILES"
        else:
            canonical = canonical_smiles(given)
            if canonical is None or canonical == "":
                reason = "SMILES does not parse"
            elif problems[i]:
                reason = "; ".join(problems[i])
            elif np.isnan(labels[i]).all():
                reason = "no number in " + ", ".join(map(repr, targets))
        if reason is None:
            kept_rows.append(i)
            smiles_out.append(canonical)
        else:
            rejected.append((source, int(row), given, reason))
    frame = pd.DataFrame({"smiles": smiles_out})
    frame["source"] = source
    frame["row"] = raw["row"].to_numpy()[kept_rows].astype("int64")
    for j, target in enumerate(targets):
        frame[target] = labels[kept_rows, j]
    return LabelledTable(frame, _reject_frame(rejected))


def read_molecules(path: str | Path, smiles_column: str = "smiles") -> pd.DataFrame:
    """The molecules of a file to predict: ``source``, ``row`` and ``input`` (raw SMILES,
    None where the reader could not use the row; such rows get NaN predictions).

    Raises:
        InputError: the file cannot be read or has no SMILES column.
    """
    raw = read_source(path, smiles_column)
    inputs = [
        given if error is None and isinstance(given, str) else None
        for given, error in zip(raw["input"], raw["read_error"], strict=True)
    ]
    return pd.DataFrame({"source": str(path), "row": raw["row"], "input": inputs})
