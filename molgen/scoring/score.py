"""Score batches of SMILES: RDKit properties, novelty and an objective's total.

:class:`Scorer` is the scoring function of the pipeline and of a reinforcement-learning
loop alike (``Scorer(config, train_smiles)(smiles) -> np.ndarray``). Properties are
computed in worker processes over chunks of unique SMILES; novelty and the objective (see
:mod:`molgen.scoring.objective`) are computed here, so the training set never leaves this
process. Besides :data:`OUTPUT_COLUMNS`, a scored table has ``<name>_raw`` and
``<name>_desirability`` for every component of the objective, and the objective's name and
version in ``DataFrame.attrs`` (and in a Parquet file's schema metadata) under
:data:`OBJECTIVE_KEY` and :data:`OBJECTIVE_VERSION_KEY`.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Collection, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from molgen.chem.columns import COMPONENT_PROPERTIES, DTYPES, OUTPUT_COLUMNS
from molgen.chem.properties import batch_properties, prepare
from molgen.data.readers import read_source
from molgen.scoring.components import MolBatch
from molgen.scoring.config import ScoreConfig
from molgen.scoring.objective import Objective
from molgen.scoring.objective_config import ObjectiveConfig
from molgen.utils.errors import InputError
from molgen.utils.parallel import chunked, parallel_map, resolve_n_jobs

__all__ = [
    "OBJECTIVE_KEY",
    "OBJECTIVE_VERSION_KEY",
    "OUTPUT_COLUMNS",
    "OUTPUT_SUFFIXES",
    "Scorer",
    "component_columns",
    "property_table",
    "score_file",
    "score_smiles",
    "to_arrow",
    "write_scores",
]

logger = logging.getLogger(__name__)

_DTYPES = DTYPES
KNOWN_PROPERTIES = tuple(name for name in COMPONENT_PROPERTIES if name != "novel")
"""Property columns a component of the same type reuses instead of computing again."""
OBJECTIVE_KEY = "molgen.objective"
OBJECTIVE_VERSION_KEY = "molgen.objective_version"
MIN_CHUNK = 250  # below this, per-chunk overhead of the alert screen starts to show
OUTPUT_SUFFIXES = (".csv", ".parquet")


def _chunk_size(n: int, n_jobs: int, max_size: int) -> int:
    """At most ``max_size``; with several workers, small enough for ~4 chunks per worker
    (so they finish together) but not below :data:`MIN_CHUNK`."""
    if n_jobs <= 1:
        return max_size
    return max(1, min(max_size, max(MIN_CHUNK, math.ceil(n / (4 * n_jobs)))))


def component_columns(objective: ObjectiveConfig) -> list[str]:
    """The per-component columns a scored table has after :data:`OUTPUT_COLUMNS`:
    ``<name>_raw`` and ``<name>_desirability`` per component, in the objective's order."""
    return [f"{c.name}_{kind}" for c in objective.components for kind in ("raw", "desirability")]


def _as_float(column: pd.Series) -> np.ndarray:
    """A property column as floats: booleans as 0/1, None/NA as NaN."""
    return column.astype("Float64").to_numpy(dtype=float, na_value=np.nan)


class Scorer:
    """Maps a batch of SMILES to objective totals in [0, 1] (invalid SMILES score 0).

    Usable as the reward of a reinforcement-learning loop: ``scorer(smiles)`` returns one
    float per input, computing only the objective's components (see
    :class:`~molgen.scoring.objective.Objective`; large batches go to a worker pool that
    lives until :meth:`close`). :meth:`table` computes every property as well.

    Args:
        config: the objective and parallelism.
        train_smiles: canonical SMILES of the training set (as stored by curate); when
            given, ``novel`` is True for molecules whose canonical SMILES is not among them.

    Raises:
        ConfigError: a component needs a training set (``novelty``) and none is given.
    """

    def __init__(self, config: ScoreConfig, train_smiles: Collection[str] | None = None) -> None:
        self.config = config
        self.train = frozenset(train_smiles) if train_smiles is not None else None
        self.objective = Objective(config.objective, self.train, n_jobs=config.n_jobs)

    def __call__(self, smiles: Sequence[str | None]) -> np.ndarray:
        """Objective totals of ``smiles``, one float per input, in order."""
        return self.objective(smiles)

    def __enter__(self) -> Scorer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the objective's worker pool, if one was started."""
        self.objective.close()

    def table(self, smiles: Sequence[str | None], progress: bool = False) -> pd.DataFrame:
        """The full scored table, one row per input, in order: :data:`OUTPUT_COLUMNS`,
        then :func:`component_columns`.

        Invalid inputs keep their row with ``valid`` False, their raw input as ``smiles``,
        missing properties and raw values, desirabilities 0 and score 0. ``novel`` is NA
        without a training set.
        """
        n_jobs = resolve_n_jobs(self.config.n_jobs)
        found = property_table(smiles, n_jobs, self.config.chunk_size, progress)
        return self.complete(found)

    def complete(self, properties: pd.DataFrame) -> pd.DataFrame:
        """Add ``novel``, ``score`` and the component columns to a :func:`property_table`
        (row-wise, so it may be applied chunk by chunk). Property values the table already
        holds are not computed again."""
        frame = properties.copy()
        frame["novel"] = self._novelty(frame)
        known = {name: _as_float(frame[name]) for name in KNOWN_PROPERTIES}
        valid = frame["valid"].to_numpy(dtype=bool)
        batch = MolBatch.from_canonical(frame["smiles"].tolist(), valid, known)
        result = self.objective.evaluate_batch(batch)
        frame["score"] = result.total
        columns = {}
        for name in result.raw:
            columns[f"{name}_raw"] = result.raw[name]
            columns[f"{name}_desirability"] = result.desirability[name]
        extra = pd.DataFrame(columns, index=frame.index, dtype="float64")
        out = pd.concat([frame.loc[:, list(OUTPUT_COLUMNS)], extra], axis=1)
        out.attrs[OBJECTIVE_KEY] = self.config.objective.name
        out.attrs[OBJECTIVE_VERSION_KEY] = self.config.objective.version
        return out

    def _novelty(self, frame: pd.DataFrame) -> pd.Series:
        if self.train is None:
            return pd.Series(pd.NA, index=frame.index, dtype="boolean")
        novel = [s not in self.train for s in frame["smiles"]]
        return pd.Series(novel, index=frame.index, dtype="boolean").where(frame["valid"])


def property_table(
    smiles: Sequence[str | None], n_jobs: int = 1, chunk_size: int = 2_000, progress: bool = False
) -> pd.DataFrame:
    """RDKit properties of each input, one row per input in order (no novelty or score).

    Each unique SMILES is computed once, over chunks in ``n_jobs`` worker processes.

    Args:
        smiles: SMILES strings; None, empty or unparsable ones give invalid rows.
        n_jobs: worker processes (1 = this process).
        chunk_size: largest number of unique SMILES per worker call.
        progress: show a progress bar over chunks.
    """
    unique = list(dict.fromkeys(s for s in smiles if isinstance(s, str)))
    found = _unique_properties(unique, n_jobs, chunk_size, progress)
    position = {s: i for i, s in enumerate(unique)}
    rows = [position[s] if isinstance(s, str) else len(unique) for s in smiles]
    return found.iloc[rows].reset_index(drop=True)


def _unique_properties(
    unique: list[str], n_jobs: int, chunk_size: int, progress: bool
) -> pd.DataFrame:
    """Properties of unique SMILES over chunks in worker processes, plus one last row
    that is invalid and all missing (it stands for every non-string input)."""
    chunks = chunked(unique, _chunk_size(len(unique), n_jobs, chunk_size))
    n_jobs = max(1, min(n_jobs, len(chunks)))
    if n_jobs > 1:
        prepare()  # forked workers inherit the loaded SA scores and alert screen
    results = parallel_map(
        batch_properties, chunks, n_jobs=n_jobs, progress=progress, desc="score",
        total=len(chunks),
    )  # fmt: skip
    columns: dict[str, list] = {name: [] for name in _DTYPES}
    for result in results:
        for name, values in columns.items():
            values.extend(result[name])
    for name, values in columns.items():
        values.append(False if name == "valid" else None)
    return pd.DataFrame({n: pd.Series(v, dtype=_DTYPES[n]) for n, v in columns.items()})


def score_smiles(
    smiles: Sequence[str | None],
    config: ScoreConfig,
    train_smiles: Collection[str] | None = None,
    progress: bool = False,
) -> pd.DataFrame:
    """Score SMILES: see :meth:`Scorer.table`.

    Args:
        smiles: SMILES strings; None, empty or unparsable ones give invalid rows.
        config: the objective and parallelism.
        train_smiles: canonical training SMILES, for ``novel``.
        progress: show a progress bar over chunks.
    """
    return Scorer(config, train_smiles).table(smiles, progress=progress)


def to_arrow(frame: pd.DataFrame, schema: pa.Schema | None = None) -> pa.Table:
    """A scored table as an Arrow table whose schema metadata carries the objective's name
    and version (:data:`OBJECTIVE_KEY`, :data:`OBJECTIVE_VERSION_KEY`, from
    ``frame.attrs``), so that ``pd.read_parquet`` restores them in ``attrs`` too."""
    table = pa.Table.from_pandas(frame, schema=schema, preserve_index=False)
    attrs = {
        k: str(v) for k, v in frame.attrs.items() if k in (OBJECTIVE_KEY, OBJECTIVE_VERSION_KEY)
    }
    metadata = dict(table.schema.metadata or {})
    metadata.update({k.encode(): v.encode() for k, v in attrs.items()})
    if attrs:
        metadata[b"PANDAS_ATTRS"] = json.dumps(attrs).encode()
    return table.replace_schema_metadata(metadata)


def write_scores(frame: pd.DataFrame, out_path: str | Path) -> None:
    """Write a scored table as CSV or Parquet (by extension), replacing it atomically;
    Parquet keeps the objective's name and version (see :func:`to_arrow`).

    Raises:
        InputError: the extension is neither ``.csv`` nor ``.parquet``, or writing fails.
    """
    out = Path(out_path)
    suffix = out.suffix.lower()
    if suffix not in OUTPUT_SUFFIXES:
        raise InputError(out, "output must end in .csv or .parquet")
    partial = out.with_name(f".{out.name}.partial")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        if suffix == ".csv":
            frame.to_csv(partial, index=False)
        else:
            pq.write_table(to_arrow(frame), partial)
        partial.replace(out)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise InputError(out, f"cannot write output ({exc.strerror or exc})") from None


def score_file(
    path: str | Path,
    out_path: str | Path,
    config: ScoreConfig,
    train_smiles: Collection[str] | None = None,
    smiles_column: str = "smiles",
) -> pd.DataFrame:
    """Score every row of a SMILES/CSV/TSV/SDF/Parquet file and write the table.

    Args:
        path: input file, read with :func:`molgen.data.readers.read_source`.
        out_path: ``.csv`` or ``.parquet`` output; one row per input row, same order.
        config: the objective and parallelism.
        train_smiles: canonical training SMILES, for ``novel``.
        smiles_column: SMILES column of tabular inputs.

    Returns:
        The scored table that was written.

    Raises:
        InputError: bad output extension, or a problem with the input file.
    """
    if Path(out_path).suffix.lower() not in OUTPUT_SUFFIXES:
        raise InputError(out_path, "output must end in .csv or .parquet")
    source = read_source(path, smiles_column)
    frame = score_smiles(source["input"].tolist(), config, train_smiles)
    write_scores(frame, out_path)
    logger.info("scored %d rows of %s (%d valid)", len(frame), path, int(frame["valid"].sum()))
    return frame
