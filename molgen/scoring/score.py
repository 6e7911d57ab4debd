"""Score batches of SMILES: RDKit properties, novelty and the composite desirability.

:class:`Scorer` is the scoring function of the pipeline and of a reinforcement-learning
loop alike (``Scorer(config, train_smiles)(smiles) -> np.ndarray``). Properties are
computed in worker processes over chunks of unique SMILES; novelty and the composite score
are computed here, so the training set never leaves this process.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Collection, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from molgen.chem.columns import DTYPES, OUTPUT_COLUMNS
from molgen.chem.properties import batch_properties, prepare
from molgen.data.readers import read_source
from molgen.scoring.config import ScoreConfig
from molgen.scoring.desirability import composite_score
from molgen.utils.errors import ConfigError, InputError
from molgen.utils.parallel import chunked, parallel_map, resolve_n_jobs

__all__ = [
    "OUTPUT_COLUMNS",
    "OUTPUT_SUFFIXES",
    "Scorer",
    "property_table",
    "score_file",
    "score_smiles",
    "write_scores",
]

logger = logging.getLogger(__name__)

_DTYPES = DTYPES
MIN_CHUNK = 250  # below this, per-chunk overhead of the alert screen starts to show
OUTPUT_SUFFIXES = (".csv", ".parquet")


def _chunk_size(n: int, n_jobs: int, max_size: int) -> int:
    """At most ``max_size``; with several workers, small enough for ~4 chunks per worker
    (so they finish together) but not below :data:`MIN_CHUNK`."""
    if n_jobs <= 1:
        return max_size
    return max(1, min(max_size, max(MIN_CHUNK, math.ceil(n / (4 * n_jobs)))))


class Scorer:
    """Maps a batch of SMILES to composite scores in [0, 1] (invalid SMILES score 0).

    Usable as the reward of a reinforcement-learning loop: ``scorer(smiles)`` returns one
    float per input. A batch that fits in one chunk is scored in this process, so frequent
    small calls pay no process start-up; larger ones are split over ``config.n_jobs``.

    Args:
        config: the composite score (``components``) and parallelism.
        train_smiles: canonical SMILES of the training set (as stored by curate); when
            given, ``novel`` is True for molecules whose canonical SMILES is not among them.

    Raises:
        ConfigError: a component uses ``novel`` but no training set is given.
    """

    def __init__(self, config: ScoreConfig, train_smiles: Collection[str] | None = None) -> None:
        self.config = config
        self.train = frozenset(train_smiles) if train_smiles is not None else None
        if self.train is None and any(c.property == "novel" for c in config.components):
            raise ConfigError("score.components: property 'novel' needs a training set")

    def __call__(self, smiles: Sequence[str | None]) -> np.ndarray:
        """Composite scores of ``smiles``, one float per input, in order."""
        return self.table(smiles)["score"].to_numpy(dtype=float)

    def table(self, smiles: Sequence[str | None], progress: bool = False) -> pd.DataFrame:
        """The full scored table: :data:`OUTPUT_COLUMNS`, one row per input, in order.

        Invalid inputs keep their row with ``valid`` False, their raw input as ``smiles``,
        missing properties and score 0. ``novel`` is NA without a training set.
        """
        n_jobs = resolve_n_jobs(self.config.n_jobs)
        found = property_table(smiles, n_jobs, self.config.chunk_size, progress)
        return self.complete(found)

    def complete(self, properties: pd.DataFrame) -> pd.DataFrame:
        """Add ``novel`` and ``score`` to a :func:`property_table` and order the columns
        as :data:`OUTPUT_COLUMNS` (row-wise, so it may be applied chunk by chunk)."""
        frame = properties.copy()
        frame["novel"] = self._novelty(frame)
        frame["score"] = composite_score(frame, self.config.components)
        return frame.loc[:, list(OUTPUT_COLUMNS)]

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
        config: the composite score and parallelism.
        train_smiles: canonical training SMILES, for ``novel``.
        progress: show a progress bar over chunks.
    """
    return Scorer(config, train_smiles).table(smiles, progress=progress)


def write_scores(frame: pd.DataFrame, out_path: str | Path) -> None:
    """Write a scored table as CSV or Parquet (by extension), replacing it atomically.

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
            frame.to_parquet(partial, index=False)
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
        config: the composite score and parallelism.
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
