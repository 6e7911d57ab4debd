"""Extra scores (an objective's ``<name>_raw``/``<name>_desirability`` columns and any other
undeclared numeric column) go into the store's ``scores`` table, idempotently, on both
backends; the objective comes from the Parquet schema metadata."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa

from molgen.store.engine import open_store
from molgen.store.ingest import RunInfo, ingest_file, ingest_run_dir, ingest_scores
from molgen.store.schema import Candidate, Molecule, Objective, Score
from molgen.store.scored import (
    OBJECTIVE_KEY,
    OBJECTIVE_VERSION_KEY,
    extra_score_columns,
    objective_of,
    read_scored_file,
)
from tests.store_fixtures import fresh_database
from tests.unit.store.ingest_data import scored_moses, without_default_components

RUN = RunInfo(run_key="run-s", mlflow_run_id="s1", name="scores", created_at=datetime(2025, 2, 3))


def with_objective_columns(n: int) -> pd.DataFrame:
    """A scored table as a plugin objective writes it: per component raw and desirability
    (its own components in place of the default objective's). Its ``qed_raw`` repeats the
    ``qed`` property, so the store keeps three of its columns per candidate."""
    table = without_default_components(scored_moses(n))
    table["qed_raw"] = table["qed"]
    table["qed_desirability"] = np.linspace(0.0, 1.0, n)
    table["dock_raw"] = -np.arange(n, dtype=float)
    table.loc[3, "dock_raw"] = np.nan  # a component that failed for one molecule
    table["dock_desirability"] = "0.5"  # text, as in a CSV or SDF: coerced (it is a component)
    table["comment"] = "not a score"
    return table


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path):
    if request.param == "sqlite":
        store = open_store(str(tmp_path / "store.db"))
        yield store
        store.dispose()
        return
    server = request.getfixturevalue("postgres_url")
    with fresh_database(server) as url:
        store = open_store(url)
        yield store
        store.dispose()


def _scores(engine: sa.Engine) -> dict[tuple[str, str], float | None]:
    """Stored scores by (InChIKey, name)."""
    stmt = (
        sa.select(Molecule.inchikey, Score.name, Score.value)
        .join(Candidate, Candidate.id == Score.candidate_id)
        .join(Molecule, Molecule.id == Candidate.molecule_id)
    )
    with engine.connect() as conn:
        return {(key, name): value for key, name, value in conn.execute(stmt)}


def test_the_extra_score_rule() -> None:
    table = with_objective_columns(5)
    table["activity"] = np.arange(5)  # any undeclared numeric column is a score too
    table["flag"] = True  # a boolean is not
    names = extra_score_columns(table.assign(row=1, fingerprint=b"x", src_id=1.0))
    # qed_raw only repeats the stored qed property: not a score of its own.
    assert names == ["qed_desirability", "dock_raw", "dock_desirability", "activity"]
    assert extra_score_columns(table.assign(qed_raw=table["qed"] + 0.1))[0] == "qed_raw"
    # The default objective's table: its desirabilities; each <prop>_raw repeats <prop>.
    default = scored_moses(5)
    raw = [c for c in default.columns if c.endswith("_raw")]
    assert raw and all(default[c].astype(float).equals(default[c[:-4]].astype(float)) for c in raw)
    assert extra_score_columns(default) == [
        c for c in default.columns if c.endswith("_desirability")
    ]


def test_extra_scores_are_stored_once(engine: sa.Engine) -> None:
    table = with_objective_columns(30)
    per_row = len(extra_score_columns(table))
    assert per_row == 3  # qed_desirability, dock_raw, dock_desirability
    first = ingest_scores(engine, table, run=RUN, family="vae", batch_size=11,
                          objective=("docking", "2.1"))  # fmt: skip
    assert (first.candidates_inserted, first.scores_inserted) == (30, 30 * per_row)
    assert f"{30 * per_row} new scores" in first.summary()
    stored = _scores(engine)
    assert len(stored) == 30 * per_row
    for i, key in enumerate(table["inchikey"]):
        assert (key, "qed_raw") not in stored  # the qed property already holds it
        assert stored[(key, "qed_desirability")] == pytest.approx(table["qed_desirability"][i])
        assert stored[(key, "dock_desirability")] == 0.5
    assert stored[(table["inchikey"][3], "dock_raw")] is None
    again = ingest_scores(engine, table, run=RUN, family="vae", objective=("docking", "2.1"))
    assert (again.candidates_inserted, again.scores_inserted) == (0, 0)
    assert again.summary() == again.summary().replace("new scores", "")  # none: not mentioned
    with engine.connect() as conn:
        objectives = conn.execute(sa.select(Objective.name, Objective.version)).all()
        used = set(conn.execute(sa.select(Score.objective_id)).scalars())
    assert objectives == [("docking", "2.1")] and len(used) == 1 and None not in used
    # Another family of the same run gets its own candidates, hence its own scores.
    other = ingest_scores(engine, table.head(10), run=RUN, family="rnn")
    assert other.scores_inserted == 10 * per_row
    with engine.connect() as conn:
        count = conn.execute(sa.select(sa.func.count()).select_from(Score)).scalar_one()
    assert count == 40 * per_row


def test_scores_missing_from_an_earlier_ingestion_are_added(engine: sa.Engine) -> None:
    table = with_objective_columns(12)
    ingest_scores(engine, table.drop(columns=["dock_raw", "dock_desirability"]), run=RUN,
                  family="vae")  # fmt: skip
    later = ingest_scores(engine, table, run=RUN, family="vae")
    assert (later.candidates_inserted, later.duplicates_skipped) == (0, 12)
    assert later.scores_inserted == 12 * 2  # only the dock columns were new
    assert len(_scores(engine)) == 12 * len(extra_score_columns(table))


def test_a_non_number_in_a_component_column_rejects_the_row(tmp_path: Path) -> None:
    engine = open_store(str(tmp_path / "store.db"))
    table = with_objective_columns(6).astype({"dock_raw": object})
    table.loc[2, "dock_raw"] = "n/a"
    report = ingest_scores(engine, table, run=RUN, family="vae")
    assert [(r.row, r.reason) for r in report.rejected] == [(3, "dock_raw n/a is not a number")]
    assert report.scores_inserted == 5 * len(extra_score_columns(table))
    engine.dispose()


def _write_parquet(frame: pd.DataFrame, path: Path, metadata: dict[str, str]) -> None:
    table = pa.Table.from_pandas(frame, preserve_index=False)
    merged = {
        **(table.schema.metadata or {}),
        **{k.encode(): v.encode() for k, v in metadata.items()},
    }
    pq.write_table(table.replace_schema_metadata(merged), path)


def test_the_objective_comes_from_the_parquet_metadata(tmp_path: Path) -> None:
    engine = open_store(str(tmp_path / "store.db"))
    named = tmp_path / "named.parquet"
    meta = {OBJECTIVE_KEY: "kinase-mpo", OBJECTIVE_VERSION_KEY: "3"}
    _write_parquet(with_objective_columns(8), named, meta)
    per_row = len(extra_score_columns(with_objective_columns(8)))
    assert objective_of(read_scored_file(named)) == ("kinase-mpo", "3")
    unnamed = tmp_path / "unnamed.csv"
    with_objective_columns(8).tail(4).to_csv(unnamed, index=False)
    assert objective_of(read_scored_file(unnamed)) is None
    assert ingest_file(engine, named).scores_inserted == 8 * per_row
    assert ingest_file(engine, unnamed).scores_inserted == 4 * per_row
    stmt = (
        sa.select(Objective.name, Objective.version, sa.func.count())
        .select_from(Score)
        .outerjoin(Objective, Objective.id == Score.objective_id)
        .group_by(Objective.name, Objective.version)
    )
    with engine.connect() as conn:
        counts = set(conn.execute(stmt).all())
    assert counts == {("kinase-mpo", "3", 8 * per_row), (None, None, 4 * per_row)}
    engine.dispose()


def test_run_dir_import_keeps_the_extra_scores(tmp_path: Path) -> None:
    engine = open_store(str(tmp_path / "store.db"))
    run_dir = tmp_path / "run"
    (run_dir / "vae").mkdir(parents=True)
    meta = {OBJECTIVE_KEY: "default"}  # no version: recorded as "1"
    _write_parquet(with_objective_columns(10), run_dir / "vae" / "scores.parquet", meta)
    summary = {"mlflow_run_id": "p1", "families": {"vae": {"model": "vae"}}}
    (run_dir / "summary.json").write_text(json.dumps(summary))
    (report,) = ingest_run_dir(engine, run_dir)
    assert report.scores_inserted == 10 * len(extra_score_columns(with_objective_columns(10)))
    assert ingest_run_dir(engine, run_dir)[0].scores_inserted == 0
    with engine.connect() as conn:
        assert conn.execute(sa.select(Objective.name, Objective.version)).all() == [
            ("default", "1")
        ]
    engine.dispose()


def test_a_default_objective_table_stores_its_desirabilities_only(engine: sa.Engine) -> None:
    """``score_smiles`` with the default objective writes ``<component>_raw`` and
    ``<component>_desirability`` per component; each raw column repeats a stored property,
    so the store keeps exactly the five desirabilities per candidate."""
    table = scored_moses(8)
    desirabilities = [c for c in table.columns if c.endswith("_desirability")]
    assert len(desirabilities) == 5
    assert table.attrs.get(OBJECTIVE_KEY) == "default"
    report = ingest_scores(engine, table, run=RUN, family="vae", objective=objective_of(table))
    assert (report.candidates_inserted, report.scores_inserted) == (8, 8 * 5)
    stored = _scores(engine)
    assert {name for _, name in stored} == set(desirabilities)
    for i, key in enumerate(table["inchikey"]):
        for name in desirabilities:
            assert stored[(key, name)] == pytest.approx(table[name][i])
    with engine.connect() as conn:
        objectives = conn.execute(sa.select(Objective.name, Objective.version)).all()
    assert objectives == [("default", "1")]


def test_raw_columns_repeating_text_properties_are_recognised(tmp_path: Path) -> None:
    """Read back from a CSV file, the default objective's table holds its flags as text
    ("False") and may hold a property that is not a number (its row is rejected): its *_raw
    columns still repeat the properties (this used to raise instead)."""
    table = scored_moses(6)
    path = tmp_path / "scores.csv"
    table.to_csv(path, index=False)
    frame = read_scored_file(path).astype({"pains": str, "mw": object})
    frame.loc[2, "mw"] = "heavy"
    desirabilities = [c for c in table.columns if c.endswith("_desirability")]
    assert extra_score_columns(frame) == desirabilities
    engine = open_store(str(tmp_path / "store.db"))
    report = ingest_scores(engine, frame, run=RUN, family="vae")
    assert [(r.row, r.reason) for r in report.rejected] == [(3, "mw heavy is not a number")]
    assert report.scores_inserted == 5 * len(desirabilities)
    engine.dispose()
