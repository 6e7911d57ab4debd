"""Writing scored molecules into the store, idempotently and safely in parallel.

Rows go in batches of :data:`BATCH_SIZE`, one transaction each: molecules, then candidates,
both ``INSERT ... ON CONFLICT DO NOTHING`` on their unique keys (InChIKey; run, family and
molecule). Ingesting the same table twice, or from two processes at once, stores every
candidate exactly once. Rows are written in key order, so concurrent PostgreSQL writers
wait for each other instead of deadlocking; on SQLite writers queue for the lock
(``BEGIN IMMEDIATE``). Rows that cannot be stored are reported with a reason, never
dropped silently.

A table's extra scores (:func:`molgen.store.scored.extra_score_columns`) go into ``scores``
in the same transaction as their candidates, ``ON CONFLICT DO NOTHING`` on
``(candidate_id, name)``: re-ingesting stores nothing twice, and adds the scores a
candidate stored earlier did not have yet.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Iterator, Sequence
from datetime import datetime
from functools import partial
from operator import itemgetter
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Connection, Engine, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError

from molgen.chem.fingerprints import fingerprint, pack, pattern_fingerprint, popcount
from molgen.chem.mol import mol_from_smiles
from molgen.scoring import ScoreConfig
from molgen.store.bulk import ids_by, insert_new
from molgen.store.engine import dialect, has_rdkit_cartridge, write_engine
from molgen.store.runs import FamilyOutput, RunInfo, file_run, read_run_dir
from molgen.store.schema import (
    PATTERN_FP_BITS,
    STORE_FINGERPRINT,
    Candidate,
    Molecule,
    Objective,
    Run,
    Score,
)
from molgen.store.scored import Rejected, clean_scores, objective_of, read_scored_file
from molgen.utils.errors import first_line
from molgen.utils.parallel import chunked, parallel_map

__all__ = [
    "BATCH_SIZE",
    "IngestReport",
    "Rejected",
    "RunInfo",
    "ensure_objective",
    "ensure_run",
    "ingest_family",
    "ingest_file",
    "ingest_run_dir",
    "ingest_scores",
    "read_scored_file",
]

logger = logging.getLogger(__name__)

BATCH_SIZE = 20_000
"""Rows per transaction. Each SQLite commit rewrites the index pages it touched, whatever
their number of rows, so larger batches ingest large tables faster; a batch still holds the
write lock for only a second or two."""
_FP_CHUNK = 5_000  # rows per fingerprint work item (workers run ahead of the writer)
_PARALLEL_MIN_ROWS = 20_000  # below this, worker start-up costs more than it saves
_RETRIES = 5
_MOLECULES = Molecule.__table__
_CANDIDATES = Candidate.__table__
_RUNS = Run.__table__
_SCORES = Score.__table__
_OBJECTIVES = Objective.__table__


class IngestReport(BaseModel):
    """What one ingestion did. ``rows_read`` = candidates inserted + duplicates skipped +
    rejected rows."""

    model_config = ConfigDict(extra="forbid")

    source: str
    run_key: str
    family: str
    rows_read: int = 0
    molecules_inserted: int = 0
    candidates_inserted: int = 0
    duplicates_skipped: int = 0
    scores_inserted: int = 0
    rejected: list[Rejected] = Field(default_factory=list)
    seconds: float = 0.0

    @property
    def rows_per_second(self) -> float:
        """Rows read per second of ingestion."""
        return self.rows_read / self.seconds if self.seconds else 0.0

    def summary(self) -> str:
        """One line for logs and the CLI."""
        scores = f"{self.scores_inserted} new scores, " if self.scores_inserted else ""
        return (
            f"{self.source} [{self.family}]: {self.rows_read} rows, "
            f"{self.candidates_inserted} new candidates, {self.molecules_inserted} new "
            f"molecules, {scores}{self.duplicates_skipped} duplicates skipped, "
            f"{len(self.rejected)} rejected ({self.seconds:.1f} s)"
        )


def _insert(engine: Engine) -> Any:
    return postgresql.insert if dialect(engine) == "postgresql" else sqlite.insert


def _retrying(engine: Engine, work: Any) -> Any:
    """Run ``work(conn)`` in a write transaction, retrying deadlocks and lock timeouts."""
    for attempt in range(1, _RETRIES + 1):
        try:
            with write_engine(engine).begin() as conn:
                return work(conn)
        except DBAPIError as exc:
            text = str(exc.orig).lower()
            transient = "deadlock" in text or "locked" in text or "serializ" in text
            if not transient or attempt == _RETRIES:
                raise
            logger.warning("retrying a store write (%s)", first_line(exc))
            time.sleep(0.2 * attempt)
    raise AssertionError("unreachable")


def ensure_run(engine: Engine, run: RunInfo) -> tuple[int, datetime]:
    """The id and creation time of ``run`` in the store, inserting it if it is new."""
    insert = _insert(engine)

    def work(conn: Connection) -> tuple[int, datetime]:
        conn.execute(
            insert(_RUNS)
            .values(**run.model_dump())
            .on_conflict_do_nothing(index_elements=["run_key"])
        )
        row = conn.execute(
            select(_RUNS.c.id, _RUNS.c.created_at).where(_RUNS.c.run_key == run.run_key)
        ).one()
        return row.id, row.created_at

    return _retrying(engine, work)


def ensure_objective(engine: Engine, name: str, version: str) -> int:
    """The id of objective ``name`` at ``version`` in the store, inserting it if it is new."""
    insert = _insert(engine)
    where = (_OBJECTIVES.c.name == name) & (_OBJECTIVES.c.version == version)

    def work(conn: Connection) -> int:
        conn.execute(
            insert(_OBJECTIVES)
            .values(name=name, version=version)
            .on_conflict_do_nothing(index_elements=["name", "version"])
        )
        return conn.execute(select(_OBJECTIVES.c.id).where(where)).scalar_one()

    return _retrying(engine, work)


def _candidate_ids(
    conn: Connection, candidate: dict[str, Any], molecule_ids: Sequence[int]
) -> dict[int, int]:
    """Candidate ids of the run and family's candidates of ``molecule_ids``, by molecule."""
    where = {"run_id": candidate["run_id"], "family": candidate["family"]}
    return ids_by(conn, _CANDIDATES, "molecule_id", molecule_ids, where)


_SCORE_COLUMNS = ("candidate_id", "name", "value", "objective_id")


def _score_rows(
    conn: Connection, candidate: dict[str, Any], scored: list[tuple[int, dict[str, float | None]]]
) -> list[tuple[Any, ...]]:
    """``scores`` rows (:data:`_SCORE_COLUMNS`) of (molecule id, {name: value}) pairs, in
    key order."""
    ids = _candidate_ids(conn, candidate, [molecule for molecule, _ in scored])
    objective = candidate["objective_id"]
    rows = [
        (ids[molecule], name, value, objective)
        for molecule, values in scored
        for name, value in values.items()
    ]
    return sorted(rows, key=lambda r: (r[0], r[1]))


def _ids_of(conn: Connection, keys: Sequence[str]) -> dict[str, int]:
    """Molecule ids of those of ``keys`` (InChIKeys) already stored."""
    return ids_by(conn, _MOLECULES, "inchikey", keys)


def _known_ids(engine: Engine, keys: Sequence[str]) -> dict[str, int]:
    """Molecule ids of the InChIKeys already stored (read outside any write transaction)."""
    with engine.connect() as conn:
        return _ids_of(conn, keys)


StoredFingerprints = tuple[bytes, int, bytes | None]
"""What ingestion stores for a new molecule: its packed :data:`STORE_FINGERPRINT`, that
fingerprint's popcount, and its packed pattern fingerprint (None on a cartridge store)."""


def _store_fingerprints(
    smiles: Sequence[str | None], patterns: bool = True
) -> list[StoredFingerprints | None]:
    """The :data:`StoredFingerprints` of each SMILES, in order (None for SMILES that do not
    parse): one worker's chunk. Without ``patterns`` the pattern fingerprint is ``None``."""
    found: list[StoredFingerprints | None] = []
    for text in smiles:
        mol = mol_from_smiles(text)
        if mol is None:
            found.append(None)
            continue
        data = pack(fingerprint(mol, STORE_FINGERPRINT))
        pattern = pack(pattern_fingerprint(mol, PATTERN_FP_BITS)) if patterns else None
        found.append((data, popcount(data), pattern))
    return found


def _fingerprinted(
    engine: Engine, batches: Sequence[list[dict[str, Any]]], n_jobs: int
) -> Iterator[tuple[list[dict[str, Any]], dict[str, int], list[Rejected]]]:
    """Each batch, the ids of its molecules already stored, and the rows whose SMILES do not
    parse. New molecules get ``fingerprint``, ``fp_popcount`` and ``pattern_fp`` (computed
    over ``n_jobs`` processes, while this one writes, unless the row brings its own
    fingerprint: then ``pattern_fp`` stays empty and searches check that row with RDKit).

    On a store with the RDKit cartridge ``pattern_fp`` stays empty too: its substructure
    searches use the cartridge's own index and never read it, and RDKit's pattern
    fingerprint was the largest cost of the client's ingestion there (skipping it halves
    the client's CPU time per molecule). Should the cartridge ever go, such rows are still
    found: a search checks every row without a pattern fingerprint with RDKit."""
    work = partial(_store_fingerprints, patterns=not has_rdkit_cartridge(engine))
    pending: deque[tuple[list[dict[str, Any]], dict[str, int]]] = deque()

    def todo() -> Iterator[list[str]]:
        for batch in batches:
            known = _known_ids(engine, [row["inchikey"] for row in batch])
            pending.append((batch, known))
            yield [
                r["smiles"] for r in batch if r["inchikey"] not in known and "fingerprint" not in r
            ]

    jobs = n_jobs if sum(map(len, batches)) >= _PARALLEL_MIN_ROWS else 1
    for fingerprints in parallel_map(work, todo(), n_jobs=jobs):
        batch, known = pending.popleft()
        found = iter(fingerprints)
        rows, rejected = [], []
        for row in batch:
            if row["inchikey"] in known:
                rows.append(row)
            elif "fingerprint" in row:
                count = popcount(row["fingerprint"])
                rows.append({**row, "fp_popcount": count, "pattern_fp": row.get("pattern_fp")})
            elif (fp := next(found)) is None:
                reason = "SMILES does not parse (RDKit)"
                rejected.append(Rejected(row=row["row"], smiles=row["smiles"], reason=reason))
            else:
                rows.append(
                    {**row, "fingerprint": fp[0], "fp_popcount": fp[1], "pattern_fp": fp[2]}
                )
        yield rows, known, rejected


_MOLECULE_COLUMNS = tuple(c.name for c in _MOLECULES.columns if c.name != "id")
_CANDIDATE_COLUMNS = (
    "run_id", "family", "model_type", "checkpoint", "temperature", "created_at",
    "molecule_id", "score", "novel",
)  # fmt: skip


def _write_batch(
    engine: Engine, rows: list[dict[str, Any]], known: dict[str, int], candidate: dict[str, Any]
) -> tuple[int, int, int]:
    """Insert a batch's new molecules, its candidates and their extra scores (with
    ``candidate["objective_id"]``); returns how many of each were new."""
    new = sorted((r for r in rows if r["inchikey"] not in known), key=lambda r: r["inchikey"])
    molecule_values = itemgetter(*_MOLECULE_COLUMNS)
    molecules = [molecule_values(row) for row in new]
    provenance = tuple(candidate[name] for name in _CANDIDATE_COLUMNS[:6])

    def work(conn: Connection) -> tuple[int, int, int]:
        ids, added, scores = dict(known), 0, 0
        if molecules:
            added = insert_new(conn, _MOLECULES, _MOLECULE_COLUMNS, molecules, ["inchikey"])
            ids.update(_ids_of(conn, [row["inchikey"] for row in new]))
        candidates = sorted(
            ((*provenance, ids[row["inchikey"]], row["score"], row["novel"]) for row in rows),
            key=itemgetter(6),
        )
        key = ["run_id", "family", "molecule_id"]
        inserted = insert_new(conn, _CANDIDATES, _CANDIDATE_COLUMNS, candidates, key)
        scored = [(ids[row["inchikey"]], row["scores"]) for row in rows if row.get("scores")]
        if scored:
            values = _score_rows(conn, candidate, scored)
            key = ["candidate_id", "name"]
            scores = insert_new(conn, _SCORES, _SCORE_COLUMNS, values, key)
        return added, inserted, scores

    return _retrying(engine, work)


def ingest_scores(
    engine: Engine,
    scores: pd.DataFrame,
    *,
    run: RunInfo,
    family: str,
    model_type: str | None = None,
    checkpoint: str | None = None,
    temperature: float | None = None,
    source: str | None = None,
    n_jobs: int = 1,
    batch_size: int = BATCH_SIZE,
    score_config: ScoreConfig | None = None,
    objective: tuple[str, str] | None = None,
) -> IngestReport:
    """Store a scored table's molecules as candidates of ``run`` and ``family``.

    Args:
        engine: an open store (:func:`molgen.store.engine.open_store`).
        scores: a scored table (:data:`molgen.scoring.OUTPUT_COLUMNS`), or any table with
            ``smiles`` (molecule properties are then computed with molgen's scoring). A
            ``fingerprint`` column of packed bytes is used as is.
        run: the run that generated them (inserted if new).
        family: model family label.
        model_type, checkpoint, temperature: provenance of every candidate.
        source: what to call the input in the report (default: the run's source).
        n_jobs: processes computing fingerprints for large tables (0 = all cores).
        batch_size: rows per transaction.
        score_config: how to score a table that has no properties.
        objective: (name, version) of the objective behind the table's extra scores
            (default: :func:`~molgen.store.scored.objective_of` the table; None if unsaid).

    Returns:
        Counts of rows read, molecules and candidates inserted, duplicates skipped, and
        every rejected row with its reason.
    """
    started = time.perf_counter()
    run_id, created_at = ensure_run(engine, run)
    rows, rejected = clean_scores(scores, score_config)
    seen: set[str] = set()
    unique = [r for r in rows if not (r["inchikey"] in seen or seen.add(r["inchikey"]))]
    report = IngestReport(
        source=source or run.source or run.run_key, run_key=run.run_key, family=family,
        rows_read=len(scores), duplicates_skipped=len(rows) - len(unique),
    )  # fmt: skip
    objective = objective or objective_of(scores)
    has_scores = any("scores" in row for row in rows[:1])
    objective_id = ensure_objective(engine, *objective) if objective and has_scores else None
    candidate = {
        "run_id": run_id, "family": family, "model_type": model_type, "checkpoint": checkpoint,
        "temperature": temperature, "created_at": created_at, "objective_id": objective_id,
    }  # fmt: skip
    batch: list[dict[str, Any]] = []
    known: dict[str, int] = {}

    def flush() -> None:
        new_molecules, new_candidates, new_scores = _write_batch(engine, batch, known, candidate)
        report.molecules_inserted += new_molecules
        report.candidates_inserted += new_candidates
        report.scores_inserted += new_scores
        report.duplicates_skipped += len(batch) - new_candidates
        batch.clear()
        known.clear()

    chunks = chunked(unique, min(batch_size, _FP_CHUNK))
    for rows, chunk_known, unparsed in _fingerprinted(engine, chunks, n_jobs):
        rejected.extend(unparsed)
        batch.extend(rows)
        known.update(chunk_known)
        if len(batch) >= batch_size:
            flush()
    if batch:
        flush()
    report.rejected = sorted(rejected, key=lambda r: r.row)
    report.seconds = round(time.perf_counter() - started, 3)
    logger.info("store: %s", report.summary())
    return report


def ingest_file(
    engine: Engine,
    path: str | Path,
    *,
    family: str = "import",
    run_name: str | None = None,
    n_jobs: int = 1,
    **provenance: Any,
) -> IngestReport:
    """Import a scored file (or any molecule file) as one run, keyed by the file's content.

    Raises:
        InputError: the file is missing, unreadable or has no SMILES column.
    """
    frame = read_scored_file(path)
    run = file_run(path, run_name)
    return ingest_scores(
        engine, frame, run=run, family=family, source=str(path), n_jobs=n_jobs, **provenance
    )


def ingest_family(
    engine: Engine, run: RunInfo, family: FamilyOutput, n_jobs: int = 1
) -> IngestReport:
    """Ingest one family's ``scores.parquet`` of a pipeline run."""
    return ingest_scores(
        engine,
        read_scored_file(family.scores),
        run=run,
        family=family.label,
        model_type=family.model_type,
        checkpoint=family.checkpoint,
        temperature=family.temperature,
        source=str(family.scores),
        n_jobs=n_jobs,
    )


def ingest_run_dir(
    engine: Engine, run_dir: str | Path, *, name: str | None = None, n_jobs: int = 1
) -> list[IngestReport]:
    """Ingest every family of a pipeline run directory (``summary.json`` + scores).

    Returns:
        One report per family.

    Raises:
        InputError: not a run directory, or a family's scores are missing or unreadable.
    """
    run, families = read_run_dir(run_dir, name)
    return [ingest_family(engine, run, family, n_jobs) for family in families]
