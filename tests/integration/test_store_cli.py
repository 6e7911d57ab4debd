"""``molgen store import|stats|upgrade`` through ``main()`` on real SQLite stores."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from molgen.cli.main import main
from molgen.store.schema import SCHEMA_VERSION
from tests.unit.store.ingest_data import scored_moses


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "store.db")


def _stats(db: str, capsys: pytest.CaptureFixture[str]) -> dict:
    capsys.readouterr()
    assert main(["store", "stats", "--db", db, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_import_a_scored_file_twice(db: str, tmp_path: Path, capsys) -> None:
    path = tmp_path / "scores.csv"
    table = scored_moses(20)
    table.loc[3, "valid"] = False
    table.to_csv(path, index=False)
    args = ["store", "import", str(path), "--db", db, "--family", "rnn", "--run-name", "s1"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "19 new candidates" in out and "1 rejected" in out
    assert "rejected row 4: invalid SMILES (RDKit)" in out
    assert main(args) == 0
    assert "0 new candidates" in capsys.readouterr().out
    stats = _stats(db, capsys)
    assert (stats["molecules"], stats["candidates"], stats["runs"]) == (19, 19, 1)
    assert stats["families"] == {"rnn": 19} and stats["per_run"][0]["name"] == "s1"


def test_import_a_run_directory_family(db: str, tmp_path: Path, capsys) -> None:
    run_dir = tmp_path / "run"
    for label, n in (("char_rnn", 8), ("vae", 5)):
        (run_dir / label).mkdir(parents=True)
        scored_moses(n).to_parquet(run_dir / label / "scores.parquet")
    families = {label: {"model": label, "mlflow_run_id": None} for label in ("char_rnn", "vae")}
    summary = {"mlflow_run_id": "p1", "mlflow_tracking_uri": None, "families": families}
    (run_dir / "summary.json").write_text(json.dumps(summary))
    assert main(["store", "import", str(run_dir), "--db", db, "--family", "vae"]) == 0
    assert _stats(db, capsys)["families"] == {"vae": 5}
    assert main(["store", "import", str(run_dir), "--db", db]) == 0
    assert _stats(db, capsys)["families"] == {"char_rnn": 8, "vae": 5}
    assert main(["store", "import", str(run_dir), "--db", db, "--family", "gan"]) == 2
    assert "no family 'gan' (has: char_rnn, vae)" in capsys.readouterr().err


def test_bad_input_is_one_line(db: str, tmp_path: Path, capsys) -> None:
    assert main(["store", "import", str(tmp_path / "nope.csv"), "--db", db]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("molgen store: error:") and "nope.csv" in err
    assert len(err.splitlines()) == 1
    bad = tmp_path / "bad.csv"
    bad.write_text("name\nx\n")
    assert main(["store", "import", str(bad), "--db", db]) == 2
    err = capsys.readouterr().err.strip()
    assert "bad.csv" in err and len(err.splitlines()) == 1
    assert main(["store", "stats", "--db", str(tmp_path / "missing.db")]) == 2
    assert "no candidate store" in capsys.readouterr().err


def test_upgrade_and_table_stats(db: str, capsys) -> None:
    assert main(["store", "upgrade", "--db", db]) == 0
    assert f"is at schema {SCHEMA_VERSION}" in capsys.readouterr().out
    assert main(["store", "stats", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "molecules   0" in out and f"schema {SCHEMA_VERSION}" in out


def test_default_store_is_in_the_working_directory(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MOLGEN_DB_URL", raising=False)
    scored_moses(3).to_parquet(tmp_path / "s.parquet")
    assert main(["store", "import", "s.parquet"]) == 0
    assert (tmp_path / "molgen-store.db").is_file()
    monkeypatch.setenv("MOLGEN_DB_URL", f"sqlite:///{tmp_path / 'env.db'}")
    assert main(["store", "import", "s.parquet"]) == 0
    assert (tmp_path / "env.db").is_file()


def test_create_reader_gives_the_service_a_read_only_role(
    postgres_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    from sqlalchemy.engine import make_url

    from molgen.store.engine import open_store
    from molgen.store.stats import store_stats

    monkeypatch.delenv("MOLGEN_READER_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    assert main(["store", "create-reader", "chemists", "--db", postgres_db]) == 2
    assert "MOLGEN_READER_PASSWORD" in capsys.readouterr().err
    monkeypatch.setenv("MOLGEN_READER_PASSWORD", "pa55'word")
    assert main(["store", "create-reader", "chemists", "--db", postgres_db]) == 0
    out = capsys.readouterr().out
    assert "read-only role chemists" in out and "pa55" not in out
    reader_url = make_url(postgres_db).set(username="chemists", password="pa55'word")
    reader = open_store(reader_url.render_as_string(hide_password=False), read_only=True)
    try:
        assert store_stats(reader).molecules == 0
    finally:
        reader.dispose()
    smiles = tmp_path / "hits.smi"
    smiles.write_text("CCO\n")
    url = reader_url.render_as_string(hide_password=False)
    assert main(["store", "import", str(smiles), "--db", url]) == 1
    err = capsys.readouterr().err.strip()
    assert "cannot execute INSERT in a read-only transaction" in err
    assert len(err.splitlines()) == 1 and "[SQL:" not in err
