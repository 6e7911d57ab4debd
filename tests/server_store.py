"""A small real candidate store for the server's tests: MOSES molecules scored by molgen,
ingested by the store's own ingestion into an SQLite file, as two runs and two families;
and a real uvicorn server for the browser test."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

DATA = Path(__file__).parent / "data"
RUN_A = "0123456789abcdef0123456789abcdef"
RUN_B = "fedcba9876543210fedcba9876543210"
TRACKING_A = "http://mlflow.test:5000"
TRACKING_B = "sqlite:///mlruns.db"
ALERT_SMILES = (
    "O=C(C=Cc1ccc(O)c(O)c1)N",  # catechol (PAINS) and a Michael acceptor (Brenk)
    "c1ccc(N=Nc2ccccc2)cc1",  # azo (PAINS, Brenk)
)


@dataclass(frozen=True)
class StoreFixture:
    """A filled store: its URL, the scored tables per family and a curated train dir."""

    url: str
    scores: dict[str, pd.DataFrame]
    train_dir: Path

    @property
    def candidates(self) -> pd.DataFrame:
        """Every stored candidate (one row per family and molecule)."""
        return pd.concat(self.scores.values(), ignore_index=True)


def with_objective_scores(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with a plugin objective's columns (the scored-table contract): ``fit_raw``
    (a tenth of the molecule's heavy-atom-free MW proxy: ``mw / 100``, rounded) and
    ``fit_desirability`` (QED to two decimals), so stored-score queries have known answers.
    The default objective's component columns go: a plugin objective writes its own."""
    from tests.unit.store.ingest_data import without_default_components

    return without_default_components(table).assign(
        fit_raw=(table["mw"].astype(float) / 100).round(1),
        fit_desirability=table["qed"].astype(float).round(2),
    )


def build_store(folder: Path, n: int = 120, objective: bool = False) -> StoreFixture:
    """Score ``n`` MOSES molecules plus :data:`ALERT_SMILES` and store them in
    ``folder/store.db``: run A (family char_rnn, an MLflow server) holds the first two
    thirds, run B (family vae, a local tracking store) the last half, so some molecules
    come from both. The first 20 molecules form the training set (``folder/train``).
    With ``objective``, the tables carry :func:`with_objective_scores`' extra scores."""
    from molgen.scoring.config import ScoreConfig
    from molgen.scoring.score import score_smiles
    from molgen.store.engine import open_store
    from molgen.store.ingest import ingest_scores
    from molgen.store.runs import RunInfo

    smiles = pd.read_csv(DATA / "moses_300.csv")["smiles"].tolist()[:n]
    train = smiles[:20]
    train_dir = folder / "train"
    train_dir.mkdir(parents=True, exist_ok=True)
    pd.DataFrame({"smiles": train}).to_parquet(train_dir / "train.parquet")
    table = score_smiles([*smiles, *ALERT_SMILES], ScoreConfig(n_jobs=1), train_smiles=train)
    if objective:
        table = with_objective_scores(table)
    split_a, split_b = (2 * n) // 3, n // 2
    scores = {
        "char_rnn": pd.concat([table.iloc[:split_a], table.iloc[n:]], ignore_index=True),
        "vae": table.iloc[split_b:n].reset_index(drop=True),
    }
    url = f"sqlite:///{folder / 'store.db'}"
    engine = open_store(url)
    runs = {
        "char_rnn": RunInfo(
            run_key=RUN_A,
            mlflow_run_id=RUN_A,
            mlflow_tracking_uri=TRACKING_A,
            name="nightly",
            created_at=datetime(2025, 3, 1, tzinfo=UTC),
        ),
        "vae": RunInfo(
            run_key=RUN_B,
            mlflow_run_id=RUN_B,
            mlflow_tracking_uri=TRACKING_B,
            name="weekly",
            created_at=datetime(2025, 3, 8, tzinfo=UTC),
        ),
    }
    for family, frame in scores.items():
        ingest_scores(
            engine,
            frame,
            run=runs[family],
            family=family,
            model_type=family,
            checkpoint=f"runs/x/{family}/model/checkpoint.pt",
            temperature=1.0 if family == "char_rnn" else 0.8,
        )
    engine.dispose()
    return StoreFixture(url=url, scores=scores, train_dir=train_dir)


@contextmanager
def serve_in_thread(app: Any) -> Iterator[str]:
    """Serve ``app`` with uvicorn on a free localhost port in a background thread; yields
    its base URL and stops the server on exit."""
    import uvicorn

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
