from __future__ import annotations

import pandas as pd
import pytest

from molgen.scoring.config import ScoreConfig
from molgen.scoring.run import score_to_file, summarize_scores
from molgen.utils.errors import InputError
from molgen.utils.tables import write_table


def test_summary_counts_only_valid_rows():
    frame = pd.DataFrame(
        {
            "valid": [True, True, False],
            "mw": [100.0, 300.0, None],
            "logp": [1.0, 3.0, None],
            "tpsa": [10.0, 30.0, None],
            "qed": [0.5, 0.7, None],
            "sa": [2.0, 4.0, None],
            "score": [0.2, 0.6, 0.0],
            "pains": [True, False, None],
            "brenk": [False, False, None],
            "novel": [True, True, None],
        }
    )
    summary = summarize_scores(frame)
    assert summary["n"] == 3 and summary["n_valid"] == 2
    assert summary["mw_mean"] == 200.0 and summary["score_mean"] == pytest.approx(0.4)
    assert summary["pains_rate"] == 0.5 and summary["novel_rate"] == 1.0


def test_score_to_file_keeps_every_row(tmp_path):
    source = tmp_path / "in.csv"
    pd.DataFrame({"smiles": ["CCO", "not a smiles", "c1ccccc1O"]}).to_csv(source, index=False)
    out = tmp_path / "scores.csv"
    summary = score_to_file(source, out, ScoreConfig(n_jobs=1))
    written = pd.read_csv(out)
    assert len(written) == 3 and written["valid"].tolist() == [True, False, True]
    assert summary["n"] == 3 and summary["n_valid"] == 2 and summary["seconds"] >= 0


def test_write_table_rejects_unknown_suffix(tmp_path):
    with pytest.raises(InputError, match=r"\.csv or \.parquet"):
        write_table(pd.DataFrame({"a": [1]}), tmp_path / "x.txt")
