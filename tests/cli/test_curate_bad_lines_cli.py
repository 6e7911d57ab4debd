"""``molgen curate`` on a file with one line that is not UTF-8: the line is a reject with
its reason, every other line is kept, and the command succeeds."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from molgen.cli.main import main

pytestmark = pytest.mark.slow

CONFIG = "[curate]\nn_jobs = 1\nchunk_size = 2\n"


def test_curate_keeps_a_file_with_one_latin1_line(workdir: Path, prefect_harness, capsys):
    source = workdir / "mixed.smi"
    source.write_bytes(b"CCO ethanol\nc1ccccc1 benzene\nCCN caf\xe9\nCC(=O)O acetic acid\n")
    config = workdir / "curate.toml"
    config.write_text(CONFIG)
    out = workdir / "curated"
    assert main(["curate", str(source), "--out", str(out), "--config", str(config)]) == 0
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert (result["input"], result["kept"], result["rejected"]) == (4, 3, 1)
    rejects = pd.read_parquet(out / "rejects.parquet")
    assert rejects.to_dict("records") == [
        {"source": str(source), "row": 3, "input": r"b'CCN caf\xe9'", "reason": "not UTF-8 text"}
    ]
    kept = pd.concat(pd.read_parquet(out / f"{s}.parquet") for s in ("train", "valid", "test"))
    assert sorted(kept["row"]) == [1, 2, 4]
