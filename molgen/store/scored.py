"""Scored tables on their way into the store: reading them, filling in what is missing, and
setting aside (with a reason) every row that cannot be stored.

A scored table is what ``molgen score`` writes (:data:`molgen.scoring.OUTPUT_COLUMNS`). Any
molecule file (SMILES, CSV, SDF, Parquet) is accepted too: rows lacking properties are
scored with :func:`molgen.scoring.score_smiles` first.

Extra scores: every column :func:`molgen.chem.columns.is_extra_score` accepts (an objective's
``<component>_raw`` / ``<component>_desirability``, or any other numeric column the schema
does not declare), apart from the reader's and the store's own columns (``row``,
``fingerprint``, ``src_*``, an export's ``candidate_id``, ...), is kept per candidate in
the store's ``scores`` table, except a component's raw column that only repeats a stored
property (the default objective's ``qed_raw`` is the ``qed`` column, value for value). The
objective that computed them is read from a Parquet
file's schema metadata (:data:`OBJECTIVE_KEY`, :data:`OBJECTIVE_VERSION_KEY`); without it
(CSV files, and every file written before objectives existed) the scores are stored with no
objective (NULL), since the file does not say which one produced them.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
from pydantic import BaseModel, ConfigDict

from molgen.chem.columns import INT_PROPERTIES, MOLECULE_COLUMNS, is_extra_score
from molgen.data.readers import read_source
from molgen.scoring import ScoreConfig, score_smiles
from molgen.store.schema import FP_BYTES, PROPERTY_COLUMNS, SCORE_NAME_LENGTH

__all__ = [
    "INT_COLUMNS",
    "MOLECULE_COLUMNS",
    "OBJECTIVE_KEY",
    "OBJECTIVE_VERSION_KEY",
    "Rejected",
    "clean_scores",
    "extra_score_columns",
    "normalize_alerts",
    "objective_of",
    "read_scored_file",
]

logger = logging.getLogger(__name__)

INT_COLUMNS = INT_PROPERTIES
"""Integer-valued properties (stored rounded)."""
OBJECTIVE_KEY = "molgen.objective"
OBJECTIVE_VERSION_KEY = "molgen.objective_version"
"""Parquet schema metadata keys naming the objective that scored a table, and its version."""
_NOT_SCORES = frozenset({
    "row", "fingerprint", "pattern_fp", "fp_popcount", "orig_smiles",  # reader and store
    "candidate_id", "temperature", "similarity",  # provenance in a store export
})  # fmt: skip


class Rejected(BaseModel):
    """A row that was not stored, and why."""

    model_config = ConfigDict(extra="forbid")

    row: int
    smiles: str | None
    reason: str


def read_scored_file(path: str | Path, smiles_column: str = "smiles") -> pd.DataFrame:
    """Read a scored table (or any molecule file) with a ``smiles`` and a ``row`` column.

    Args:
        path: ``.csv``, ``.tsv``, ``.parquet``, ``.smi`` or ``.sdf`` (text may be gzipped).
        smiles_column: the SMILES column of tabular files (else one case-insensitive match).

    Returns:
        The file's columns, with ``smiles`` (raw text, None where missing) and ``row``
        (1-based data row).

    Raises:
        InputError: missing, empty or unreadable file, unknown type, no SMILES column.
    """
    frame = read_source(path, smiles_column)
    frame = frame.drop(columns=["source"]).rename(
        columns={"input": "smiles", "src_inchikey": "inchikey", "src_smiles": "orig_smiles"}
    )
    if str(path).lower().endswith(".parquet"):
        metadata = pq.read_schema(path).metadata or {}
        for key in (OBJECTIVE_KEY, OBJECTIVE_VERSION_KEY):
            if key.encode() in metadata:
                frame.attrs[key] = metadata[key.encode()].decode()
    return frame


def objective_of(frame: pd.DataFrame) -> tuple[str, str] | None:
    """The (name, version) of the objective that scored ``frame`` (from
    :func:`read_scored_file`'s ``attrs``), or None when the table does not say.

    A name without a version gets version ``"1"``.
    """
    name = frame.attrs.get(OBJECTIVE_KEY)
    if not name:
        return None
    return str(name), str(frame.attrs.get(OBJECTIVE_VERSION_KEY) or "1")


def extra_score_columns(frame: pd.DataFrame) -> list[str]:
    """The columns of ``frame`` the store keeps as extra scores, in table order (see the
    module docstring for the rule). A name longer than the store allows is left out with a
    warning."""
    names = []
    for name in frame.columns:
        if not isinstance(name, str) or name in _NOT_SCORES or name.startswith("src_"):
            continue
        dtype = frame[name].dtype
        numeric = pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)
        if not is_extra_score(name, numeric) or _repeats_a_property(frame, name):
            continue
        if len(name) > SCORE_NAME_LENGTH:
            logger.warning("not storing score %r: names are at most %d characters", name,
                           SCORE_NAME_LENGTH)  # fmt: skip
            continue
        names.append(name)
    return names


def _repeats_a_property(frame: pd.DataFrame, name: str) -> bool:
    """Whether ``<property>_raw`` holds exactly the values of the stored ``<property>``
    column of the same table (NaN where it is missing)."""
    base = name.removesuffix("_raw")
    if base == name or base not in MOLECULE_COLUMNS or base not in frame.columns:
        return False
    raw = pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype=float)
    values = frame[base]
    try:
        stored = values.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
        compared = np.ones(len(frame), dtype=bool)
    except (TypeError, ValueError):  # text, as read from a CSV file
        flags = pd.Series(_bools(values, None), index=values.index, dtype="Float64")
        coerced = pd.to_numeric(values, errors="coerce").astype("Float64").fillna(flags)
        stored = coerced.to_numpy(dtype=float, na_value=np.nan)
        # Text that is neither a number nor a flag: a property row that is rejected anyway.
        compared = ~(coerced.isna() & values.notna()).to_numpy()
    return bool(np.array_equal(raw[compared], stored[compared], equal_nan=True))


def normalize_alerts(text: object) -> str:
    """Alerts as ``"kind:name;kind:name"`` (scoring writes ``"; "``); "" for none."""
    if not isinstance(text, str):
        return ""
    return ";".join(part.strip() for part in text.split(";") if part.strip())


def _rescored(frame: pd.DataFrame, config: ScoreConfig | None) -> pd.DataFrame:
    """``frame`` with smiles, validity and every molecule column computed by scoring; the
    file's own ``score`` and ``novel`` are kept when it has them."""
    logger.info("scoring %d rows that have no stored properties", len(frame))
    scored = score_smiles(frame["smiles"].tolist(), config or ScoreConfig())
    out = frame.copy()
    for column in ("smiles", "valid", *MOLECULE_COLUMNS):
        out[column] = scored[column].to_numpy()
    for column in ("score", "novel"):
        if column not in frame.columns:
            out[column] = scored[column].to_numpy()
    return out


def _reasons(frame: pd.DataFrame, extra: list[str]) -> pd.Series:
    """Why each row cannot be stored ("" when it can); checks in order, first one wins."""
    reason = pd.Series("", index=frame.index, dtype=object)

    def mark(bad: pd.Series, why: str | pd.Series) -> None:
        hit = bad.fillna(False).astype(bool) & (reason == "")
        reason[hit] = why[hit] if isinstance(why, pd.Series) else why

    smiles = frame["smiles"]
    mark(~smiles.map(lambda s: isinstance(s, str) and bool(s.strip())), "empty SMILES")
    if "valid" in frame.columns:
        valid = pd.Series(_bools(frame["valid"], False), index=frame.index, dtype=bool)
        mark(~valid, "invalid SMILES (RDKit)")
    key = frame["inchikey"]
    mark(key.isna() | (key.astype(str).str.strip() == ""), "no InChIKey")
    mark(key.astype(str).str.len() != 27, "malformed InChIKey " + key.astype(str))
    for column in (*PROPERTY_COLUMNS, "score", *extra):
        if column in frame.columns:
            raw = frame[column]
            numbers = pd.to_numeric(raw, errors="coerce")
            mark(raw.notna() & numbers.isna(), f"{column} " + raw.astype(str) + " is not a number")
    if "fingerprint" in frame.columns:
        size = frame["fingerprint"].map(lambda b: len(b) if isinstance(b, bytes) else -1)
        mark(size != FP_BYTES, f"fingerprint is not {FP_BYTES} bytes")
    return reason


def _floats(values: pd.Series) -> list[float | None]:
    numbers = pd.to_numeric(values, errors="coerce").astype("float64")
    return [None if v != v else v for v in numbers.tolist()]


def _ints(values: pd.Series) -> list[int | None]:
    return [None if v is None else round(v) for v in _floats(values)]


def _bools(values: pd.Series, default: bool | None) -> list[bool | None]:
    table = {"true": True, "false": False, "1": True, "0": False, "1.0": True, "0.0": False}
    return [default if pd.isna(v) else table.get(str(v).lower(), default) for v in values]


def clean_scores(
    frame: pd.DataFrame, score_config: ScoreConfig | None = None
) -> tuple[list[dict[str, Any]], list[Rejected]]:
    """Typed, storable rows of a scored table, and the rows that are not.

    Args:
        frame: a table with at least ``smiles`` (e.g. :func:`read_scored_file`); ``row``
            numbers the rows (1-based; made up when absent).
        score_config: how to score rows when the table lacks molecule properties.

    Returns:
        One dict per storable row, with ``row``, ``smiles``, :data:`MOLECULE_COLUMNS`,
        ``score``, ``novel``, (when the table has one) ``fingerprint`` and (when it has
        extra scores, :func:`extra_score_columns`) ``scores`` as ``{name: value}``, in
        plain Python types (None for missing); and the rejected rows with their reasons.
    """
    frame = frame.reset_index(drop=True)
    if "row" not in frame.columns:
        frame = frame.assign(row=np.arange(1, len(frame) + 1))
    if any(column not in frame.columns for column in MOLECULE_COLUMNS):
        frame = _rescored(frame, score_config)
    extra = extra_score_columns(frame)
    reasons = _reasons(frame, extra)
    bad = reasons != ""
    rejected = [
        Rejected(row=int(r), smiles=s if isinstance(s, str) else None, reason=why)
        for r, s, why in zip(frame["row"][bad], frame["smiles"][bad], reasons[bad], strict=True)
    ]
    good = frame[~bad]
    columns: dict[str, list[Any]] = {
        "row": [int(r) for r in good["row"]],
        "smiles": [s.strip() for s in good["smiles"]],
        "inchikey": [str(k).strip() for k in good["inchikey"]],
    }
    for column in PROPERTY_COLUMNS:
        convert = _ints if column in INT_COLUMNS else _floats
        columns[column] = convert(good[column])
    columns["pains"] = _bools(good["pains"], False)
    columns["brenk"] = _bools(good["brenk"], False)
    columns["alerts"] = [normalize_alerts(a) for a in good["alerts"]]
    n = len(good)
    columns["score"] = _floats(good["score"]) if "score" in good else [None] * n
    columns["novel"] = _bools(good["novel"], None) if "novel" in good else [None] * n
    if "fingerprint" in good.columns:
        columns["fingerprint"] = [bytes(b) for b in good["fingerprint"]]
    if extra:
        values = zip(*(_floats(good[name]) for name in extra), strict=True)
        columns["scores"] = [dict(zip(extra, row, strict=True)) for row in values]
    names = list(columns)
    rows = [dict(zip(names, values, strict=True)) for values in zip(*columns.values(), strict=True)]
    return rows, rejected
