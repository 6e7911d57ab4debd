"""``molgen query`` end to end: a scored file imported with ``molgen store import``, then
queried from the command line (table, CSV, SDF) against the real SQLite store."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from rdkit import Chem

from molgen.cli.main import main
from molgen.store.engine import open_store
from molgen.store.query import CandidateQuery
from molgen.store.search import search
from tests.unit.store.search_data import SMILES, scored


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("query_cli")
    scores = folder / "scores.parquet"
    frame = scored().copy()
    frame["novel"] = [i % 2 == 0 for i in range(len(frame))]
    frame.to_parquet(scores, index=False)
    url = f"sqlite:///{folder / 'store.db'}"
    assert main(["store", "import", str(scores), "--db", url, "--family", "vae"]) == 0
    return url


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["query", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_table_of_a_filtered_sorted_page(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--db", db, "--where", "qed>=0.6", "--no-pains", "--novel",
                         "--sort", "qed", "--asc", "--page-size", "4")  # fmt: skip
    assert code == 0, err
    query = CandidateQuery(properties={"qed": {"min": 0.6}}, pains=False, novel=True,
                           sort_by="qed", descending=False, page_size=4)  # fmt: skip
    engine = open_store(db, read_only=True)
    page = search(engine, query)
    engine.dispose()
    lines = out.strip().splitlines()
    assert lines[0].startswith(f"{page.total} candidates; page 1 of ")
    assert "sorted by qed ascending" in lines[0]
    assert [int(line.split()[0]) for line in lines[2:]] == [r.candidate_id for r in page.rows]
    assert [line.split()[-1] for line in lines[2:]] == [r.smiles for r in page.rows]


def test_similarity_top_k_and_substructure(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--db", db, "--similar-to", "CC(=O)Nc1ccc(O)cc1", "--top-k", "3")
    lines = out.strip().splitlines()
    assert code == 0 and "sorted by similarity descending" in lines[0]
    assert " sim " in lines[1] and len(lines) == 2 + 3
    assert lines[2].split()[-1] == "CC(=O)Nc1ccc(O)cc1" and " 1.000 " in lines[2]
    code, out, _ = run(capsys, "--db", db, "--smarts", "S(=O)(=O)N", "--page-size", "50")
    smiles = [line.split()[-1] for line in out.strip().splitlines()[2:]]
    pattern = Chem.MolFromSmarts("S(=O)(=O)N")
    want = {s for s in scored()["smiles"] if Chem.MolFromSmiles(s).HasSubstructMatch(pattern)}
    assert code == 0 and set(smiles) == want and len(smiles) == len(want) > 2


def test_csv_and_sdf_exports(db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_csv = tmp_path / "out" / "hits.csv"
    code, out, _ = run(capsys, "--db", db, "--min", "mw=150", "--max", "mw=300",
                       "--format", "csv", "--out", str(out_csv), "--page-size", "2")  # fmt: skip
    assert code == 0 and out.strip() == f"wrote {out_csv}"
    frame = pd.read_csv(out_csv)
    expected = scored()
    assert len(frame) == ((expected["mw"] >= 150) & (expected["mw"] <= 300)).sum() > 2
    assert frame["mw"].between(150, 300).all() and (frame["family"] == "vae").all()
    code, out, _ = run(capsys, "--db", db, "--brenk", "--format", "sdf", "--limit", "3")
    supplier = Chem.SDMolSupplier()
    supplier.SetData(out)
    mols = list(supplier)
    assert code == 0 and len(mols) == 3 and all(m.GetProp("brenk") == "True" for m in mols)
    code, out, _ = run(capsys, "--db", db, "--format", "csv")
    assert code == 0 and len(pd.read_csv(io.StringIO(out))) == len(SMILES)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--smarts", "C(("], "smarts: invalid SMARTS 'C(('"),
        (["--similar-to", "C1CC"], "similar_to: invalid SMILES 'C1CC'"),
        (["--where", "qed>0.7"], "ranges are inclusive, use >= or <="),
        (["--where", "colour>=3"], "unknown property 'colour'"),
        (["--min", "qed=high"], "--min: 'high' is not a number"),
        (["--page-size", "1000000"], "invalid query: page_size: Input should be less than"),
        (["--top-k", "5"], "min_similarity and top_k need similar_to"),
        (["--smarts", "C" * 501], "invalid query: smarts: String should have at most 500"),
        (["--since", "last week"], "--since: 'last week' is not a date"),
        (["--out", "x.csv"], "--out needs --format csv or sdf"),
        (["--format", "csv", "--limit", "0"], "limit: an export holds 1 to"),
    ],
)
def test_errors_are_one_line(
    db: str, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, out, err = run(capsys, "--db", db, *argv)
    assert code == 2 and out == ""
    assert err.startswith("molgen query: error: ") and message in err
    assert len(err.strip().splitlines()) == 1


def test_a_missing_store_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--db", str(tmp_path / "none.db"))
    assert code == 2 and "no candidate store at" in err and len(err.strip().splitlines()) == 1


@pytest.fixture(scope="module")
def scored_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, pd.DataFrame]:
    """A store whose candidates carry an objective's extra scores (raw and desirability)."""
    folder = tmp_path_factory.mktemp("query_cli_scores")
    frame = scored().copy()
    frame["fit_raw"] = [float(i % 7) for i in range(len(frame))]
    frame["fit_desirability"] = [round(i / len(frame), 4) for i in range(len(frame))]
    frame.to_parquet(folder / "scores.parquet", index=False)
    url = f"sqlite:///{folder / 'store.db'}"
    assert main(["store", "import", str(folder / "scores.parquet"), "--db", url]) == 0
    return url, frame


def test_query_by_a_stored_score(scored_db, capsys: pytest.CaptureFixture[str]) -> None:
    url, frame = scored_db
    code, out, err = run(capsys, "--db", url, "--min-score", "fit_desirability=0.5",
                         "--where", "score:fit_raw<=4", "--sort", "score:fit_raw", "--asc",
                         "--page-size", "100")  # fmt: skip
    assert code == 0, err
    lines = out.strip().splitlines()
    want = frame[(frame["fit_desirability"] >= 0.5) & (frame["fit_raw"] <= 4)]
    assert lines[0].startswith(f"{len(want)} candidates;") and len(want) > 3
    assert "sorted by score:fit_raw ascending" in lines[0]
    assert "fit_raw" in lines[1] and "fit_desira" in lines[1]
    raw = [float(line.split()[6]) for line in lines[2:]]  # id score qed mw logp sa fit_raw
    assert raw == sorted(want["fit_raw"].tolist())
    assert {line.split()[-1] for line in lines[2:]} == set(want["smiles"])
    code, out, _ = run(capsys, "--db", url, "--max-score", "fit_raw=0", "--format", "csv")
    exported = pd.read_csv(io.StringIO(out))
    assert code == 0 and len(exported) == (frame["fit_raw"] == 0).sum()
    assert (exported["fit_raw"] == 0).all() and "fit_desirability" in exported.columns


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--sort", "score:nope"], "unknown score 'nope'; stored: fit_desirability, fit_raw"),
        (["--min-score", "nope=1"], "unknown score 'nope'; stored: fit_desirability, fit_raw"),
        (["--min-score", "fit_raw"], "--min-score: 'fit_raw' is not NAME=VALUE"),
        (["--max-score", "fit_raw=big"], "--max-score: 'big' is not a number"),
        (["--sort", "colour"], "sort_by: 'colour' is not one of score, similarity"),
    ],
)
def test_score_errors_are_one_line(
    scored_db, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, out, err = run(capsys, "--db", scored_db[0], *argv)
    assert code == 2 and out == ""
    assert err.startswith("molgen query: error: ") and message in err
    assert len(err.strip().splitlines()) == 1
