"""Ingestion into real stores: counts, idempotency, rejected rows, provenance, concurrency."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from rdkit import Chem, DataStructs
from rdkit.Chem import rdFingerprintGenerator
from sqlalchemy.orm import Session

from molgen.store.engine import open_store
from molgen.store.ingest import RunInfo, ingest_file, ingest_run_dir, ingest_scores
from molgen.store.query import CandidateQuery
from molgen.store.schema import FP_BYTES, Candidate, Molecule, Run
from molgen.store.scored import read_scored_file
from molgen.store.search import search
from molgen.utils.errors import InputError
from tests.unit.store.ingest_data import moses_smiles, scored_moses

ROOT = Path(__file__).resolve().parents[3]
RUN = RunInfo(run_key="run-1", mlflow_run_id="abc", name="first", created_at=datetime(2025, 1, 2))
MORGAN_2048 = rdFingerprintGenerator.GetMorganGenerator(radius=2, fpSize=2048)


def rdkit_stored_fingerprints(smiles: str) -> tuple[bytes, int, bytes]:
    """What a stored molecule holds, computed with plain RDKit: Morgan r=2 2048 bits packed
    as the cartridge reads them, its bit count, and the 2048-bit pattern fingerprint. Rows
    of existing databases hold exactly these bytes."""
    mol = Chem.MolFromSmiles(smiles)
    morgan = MORGAN_2048.GetFingerprint(mol)
    pattern = Chem.PatternFingerprint(mol, fpSize=2048)
    packed = DataStructs.BitVectToBinaryText
    return packed(morgan), morgan.GetNumOnBits(), packed(pattern)


@pytest.fixture
def store(tmp_path: Path) -> sa.Engine:
    engine = open_store(str(tmp_path / "store.db"))
    yield engine
    engine.dispose()


def _count(engine: sa.Engine, table: type) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()


def _balanced(report) -> bool:
    stored = report.candidates_inserted + report.duplicates_skipped + len(report.rejected)
    return report.rows_read == stored


def test_ingest_is_idempotent(store: sa.Engine) -> None:
    table = scored_moses(40)
    first = ingest_scores(store, table, run=RUN, family="char_rnn", batch_size=15)
    assert (first.rows_read, first.candidates_inserted, first.molecules_inserted) == (40, 40, 40)
    assert first.duplicates_skipped == 0 and first.rejected == [] and _balanced(first)
    again = ingest_scores(store, table, run=RUN, family="char_rnn", batch_size=15)
    assert (again.candidates_inserted, again.molecules_inserted, again.duplicates_skipped) == (
        0, 0, 40,
    )  # fmt: skip
    assert (_count(store, Molecule), _count(store, Candidate), _count(store, Run)) == (40, 40, 1)


def test_same_molecules_in_another_family_and_run_share_molecule_rows(store: sa.Engine) -> None:
    table = scored_moses(20)
    ingest_scores(store, table, run=RUN, family="a")
    other = ingest_scores(store, table, run=RUN, family="b")
    third = ingest_scores(store, table, run=RUN.model_copy(update={"run_key": "run-2"}), family="a")
    assert other.candidates_inserted == third.candidates_inserted == 20
    assert other.molecules_inserted == third.molecules_inserted == 0
    assert (_count(store, Molecule), _count(store, Candidate), _count(store, Run)) == (20, 60, 2)


def test_stored_values_and_provenance(store: sa.Engine) -> None:
    table = scored_moses(10)
    ingest_scores(
        store, table, run=RUN, family="vae", model_type="vae", checkpoint="runs:/x/model",
        temperature=0.8,
    )  # fmt: skip
    with Session(store) as session:
        rows = session.execute(
            sa.select(Molecule, Candidate, Run)
            .select_from(Candidate)
            .join(Molecule, Candidate.molecule_id == Molecule.id)
            .join(Run, Candidate.run_id == Run.id)
            .order_by(Molecule.id)
        ).all()
    source = table.set_index("inchikey")
    for molecule, candidate, run in rows:
        expected = source.loc[molecule.inchikey]
        assert molecule.smiles == expected["smiles"]
        assert molecule.qed == pytest.approx(expected["qed"])
        assert molecule.hbd == expected["hbd"] and isinstance(molecule.hbd, int)
        assert molecule.pains == bool(expected["pains"])
        assert molecule.alerts == ";".join(a.strip() for a in expected["alerts"].split(";") if a)
        stored = (molecule.fingerprint, molecule.fp_popcount, molecule.pattern_fp)
        assert stored == rdkit_stored_fingerprints(molecule.smiles)
        assert len(molecule.fingerprint) == len(molecule.pattern_fp) == FP_BYTES == 256
        assert candidate.score == pytest.approx(expected["score"])
        assert (candidate.model_type, candidate.checkpoint, candidate.temperature) == (
            "vae", "runs:/x/model", 0.8,
        )  # fmt: skip
        assert candidate.created_at.replace(tzinfo=None) == datetime(2025, 1, 2)
        assert (run.mlflow_run_id, run.name) == ("abc", "first")


def test_rows_that_cannot_be_stored_are_rejected_with_a_reason(store: sa.Engine) -> None:
    table = scored_moses(6)
    table.loc[1, "valid"] = False
    table.loc[2, "smiles"] = None
    table.loc[3, "inchikey"] = "NOT-A-KEY"
    table["mw"] = table["mw"].astype(object)
    table.loc[4, "mw"] = "heavy"
    table = pd.concat([table, table.iloc[[0]]], ignore_index=True)  # a repeated row
    report = ingest_scores(store, table, run=RUN, family="f")
    reasons = {r.row: r.reason for r in report.rejected}
    assert reasons == {
        2: "invalid SMILES (RDKit)",
        3: "empty SMILES",
        4: "malformed InChIKey NOT-A-KEY",
        5: "mw heavy is not a number",
    }
    assert (report.candidates_inserted, report.duplicates_skipped) == (2, 1)
    # mw_raw still repeats mw on the rows that can be stored: only the desirabilities are kept.
    desirabilities = [c for c in table.columns if c.endswith("_desirability")]
    assert report.scores_inserted == 2 * len(desirabilities) > 0
    assert _balanced(report)


def test_unparsable_smiles_with_properties_is_rejected(store: sa.Engine) -> None:
    table = scored_moses(3)
    table.loc[0, "smiles"] = "C1CC(not smiles"
    report = ingest_scores(store, table, run=RUN, family="f")
    assert [(r.row, r.reason) for r in report.rejected] == [(1, "SMILES does not parse (RDKit)")]
    assert report.candidates_inserted == 2


def test_a_given_fingerprint_column_is_used(store: sa.Engine) -> None:
    table = scored_moses(2)
    table["fingerprint"] = [b"\x01" * FP_BYTES, b"\x00" * FP_BYTES]
    ingest_scores(store, table, run=RUN, family="f")
    with store.connect() as conn:
        stored = conn.execute(sa.select(Molecule.fingerprint, Molecule.fp_popcount)).all()
    assert sorted(stored) == [(b"\x00" * FP_BYTES, 0), (b"\x01" * FP_BYTES, FP_BYTES)]


def test_plain_smiles_file_gets_scorings_properties(store: sa.Engine, tmp_path: Path) -> None:
    path = tmp_path / "hits.smi"
    path.write_text("CC(=O)Nc1ccc(O)cc1\nnot_a_smiles\nOC(=O)c1ccccc1O\n")
    report = ingest_file(store, path, family="hits", run_name="screen")
    assert report.candidates_inserted == 2
    assert [(r.row, r.reason) for r in report.rejected] == [(2, "invalid SMILES (RDKit)")]
    with store.connect() as conn:
        qed = conn.execute(
            sa.select(Molecule.qed).where(Molecule.smiles == "CC(=O)Nc1ccc(O)cc1")
        ).scalar_one()
        run = conn.execute(sa.select(Run.__table__)).one()
    from molgen.scoring import ScoreConfig, score_smiles

    assert qed == pytest.approx(score_smiles(["CC(=O)Nc1ccc(O)cc1"], ScoreConfig())["qed"][0])
    assert run.name == "screen" and run.run_key.startswith("file:")
    assert ingest_file(store, path, family="hits").candidates_inserted == 0  # same content


def test_read_scored_file_errors_name_the_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"missing\.csv: file not found"):
        read_scored_file(tmp_path / "missing.csv")
    bad = tmp_path / "bad.csv"
    bad.write_text("name,weight\nx,1\n")
    with pytest.raises(InputError, match=r"bad\.csv.*smiles"):
        read_scored_file(bad)
    scored_moses(3).to_csv(tmp_path / "ok.csv", index=False)
    frame = read_scored_file(tmp_path / "ok.csv")
    assert frame["row"].tolist() == [1, 2, 3] and "inchikey" in frame.columns


def _run_dir(tmp_path: Path) -> Path:
    run_dir = tmp_path / "runs" / "today"
    (run_dir / "char_rnn").mkdir(parents=True)
    scored_moses(12).to_parquet(run_dir / "char_rnn" / "scores.parquet")
    summary = {
        "mlflow_run_id": "parent123",
        "mlflow_tracking_uri": None,
        "families": {
            "char_rnn": {"model": "char_rnn", "model_uri": "runs:/m1/model", "mlflow_run_id": "f1"}
        },
        "store": {"provenance": {"char_rnn": {"temperature": 0.7, "checkpoint": None}}},
    }
    (run_dir / "summary.json").write_text(json.dumps(summary))
    return run_dir


def test_ingest_run_dir(store: sa.Engine, tmp_path: Path) -> None:
    run_dir = _run_dir(tmp_path)
    (report,) = ingest_run_dir(store, run_dir)
    assert (report.family, report.candidates_inserted, report.run_key) == (
        "char_rnn",
        12,
        "parent123",
    )
    with store.connect() as conn:
        run = conn.execute(sa.select(Run.__table__)).one()
        provenance = set(
            conn.execute(
                sa.select(Candidate.model_type, Candidate.checkpoint, Candidate.temperature)
            )
        )
    assert (run.mlflow_run_id, run.name, run.source) == ("parent123", "today", str(run_dir))
    assert provenance == {("char_rnn", "runs:/m1/model", 0.7)}
    assert ingest_run_dir(store, run_dir)[0].candidates_inserted == 0
    (run_dir / "char_rnn" / "scores.parquet").unlink()
    with pytest.raises(InputError, match="has no scores file"):
        ingest_run_dir(store, run_dir)
    with pytest.raises(InputError, match=r"no summary\.json"):
        ingest_run_dir(store, tmp_path)


_WORKER = """
import sys, time, pathlib
import pandas as pd
from molgen.store.engine import open_store
from molgen.store.ingest import RunInfo, ingest_scores
url, table, go = sys.argv[1:4]
frame = pd.read_parquet(table)
while not pathlib.Path(go).exists():
    time.sleep(0.01)
engine = open_store(url)
report = ingest_scores(engine, frame, run=RunInfo(run_key="shared"), family="f", batch_size=7)
print(report.model_dump_json())
"""


def _ingest_in_two_processes(url: str, tmp_path: Path) -> list[dict]:
    """Two processes ingest overlapping halves of 80 molecules into one run at once."""
    table = scored_moses(80)
    halves = [table.iloc[:50], table.iloc[30:].iloc[::-1]]
    paths = []
    for i, half in enumerate(halves):
        paths.append(tmp_path / f"half{i}.parquet")
        half.to_parquet(paths[-1])
    go = tmp_path / "go"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", _WORKER, url, str(path), str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for path in paths
    ]
    time.sleep(0.5)
    go.touch()
    reports = []
    for worker in workers:
        out, err = worker.communicate(timeout=300)
        assert worker.returncode == 0, err
        reports.append(json.loads(out.strip().splitlines()[-1]))
    return reports


def _assert_nothing_lost_or_doubled(engine: sa.Engine, reports: list[dict]) -> None:
    assert sum(r["candidates_inserted"] for r in reports) == 80
    assert sum(r["molecules_inserted"] for r in reports) == 80
    assert sum(r["duplicates_skipped"] for r in reports) == 20  # the overlap, once
    with engine.connect() as conn:
        keys = conn.execute(sa.select(Molecule.inchikey)).scalars().all()
        assert conn.execute(sa.select(sa.func.count()).select_from(Candidate)).scalar_one() == 80
    assert sorted(keys) == sorted(scored_moses(80)["inchikey"])


def test_two_processes_ingesting_at_once_on_sqlite(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"  # both processes also create the schema
    reports = _ingest_in_two_processes(url, tmp_path)
    engine = open_store(url)
    _assert_nothing_lost_or_doubled(engine, reports)
    engine.dispose()


def test_two_processes_ingesting_at_once_on_postgresql(postgres_db: str, tmp_path: Path) -> None:
    reports = _ingest_in_two_processes(postgres_db, tmp_path)
    engine = open_store(postgres_db)
    _assert_nothing_lost_or_doubled(engine, reports)
    with engine.connect() as conn:
        same = conn.execute(
            sa.text("SELECT bool_and(bfp_to_binary_text(bfp) = fingerprint AND mol IS NOT NULL) "
                    "FROM molecules")
        ).scalar_one()  # fmt: skip
    assert same
    engine.dispose()


def test_a_cartridge_store_gets_no_pattern_fingerprint_and_still_finds_substructures(
    postgres_db: str,
) -> None:
    """The cartridge's own index answers substructure searches, so ingestion skips RDKit's
    pattern fingerprint there (its largest cost); the Morgan fingerprint is still stored."""
    engine = open_store(postgres_db)
    table = scored_moses(30)
    ingest_scores(engine, table, run=RUN, family="f")
    with engine.connect() as conn:
        rows = conn.execute(sa.select(Molecule.smiles, Molecule.fingerprint, Molecule.pattern_fp))
        stored = rows.all()
    assert len(stored) == 30
    for smiles, fingerprint, pattern in stored:
        assert pattern is None
        assert fingerprint == rdkit_stored_fingerprints(smiles)[0]
    ring = Chem.MolFromSmarts("c1ccccc1")
    expected = sum(Chem.MolFromSmiles(s).HasSubstructMatch(ring) for s in table["smiles"])
    assert 0 < expected < 30
    found = search(engine, CandidateQuery(smarts="c1ccccc1", page_size=100))
    assert found.total == expected
    engine.dispose()


def test_moses_smiles_are_distinct_molecules() -> None:
    """The concurrency tests count on 80 distinct InChIKeys."""
    assert scored_moses(80)["inchikey"].nunique() == 80 == len(moses_smiles()[:80])
    assert RunInfo(run_key="k", created_at=datetime(2025, 1, 1)).created_at.tzinfo is UTC
