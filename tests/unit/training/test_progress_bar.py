"""The training bar runs over the time budget when there is one, and over steps when not."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
import torch
from tqdm import tqdm

from molgen.data.tokenizer import Vocabulary
from molgen.models.char_rnn import CharRNNConfig, CharRNNGenerator
from molgen.training.config import TrainConfig
from molgen.training.progress_bar import TIME_BAR_FORMAT, TrainingBar, bar_position
from molgen.training.trainer import Trainer


def test_a_time_bounded_bar_runs_over_the_budget_in_seconds() -> None:
    # configs/quick.toml: 9 minutes, 100 epochs of 2,969 steps
    with TrainingBar(total_steps=296_900, budget_seconds=540.0) as bar:
        assert (bar.bar.total, bar.bar.unit, bar.bar.n) == (540.0, "s", 0.0)
        bar.show(step=1_000, elapsed_seconds=60.0)  # time binds: 1/9 of the time, 0.3% of steps
        assert bar.bar.n == 60.0


def test_the_time_bar_shows_the_budget_left_as_remaining_time() -> None:
    line = tqdm.format_meter(
        n=60, total=540, elapsed=60, unit="s", prefix="train", bar_format=TIME_BAR_FORMAT, ncols=80
    )
    assert re.fullmatch(r"train:  11%\|.*\| 60/540 s \[01:00<08:00\]", line), line


def test_a_step_bounded_bar_counts_steps() -> None:
    with TrainingBar(total_steps=500, budget_seconds=None, step=20) as bar:
        assert (bar.bar.total, bar.bar.unit, bar.bar.n) == (500, "step", 20)
        bar.show(step=21, elapsed_seconds=999.0)
        assert bar.bar.n == 21


def test_steps_take_over_when_they_run_out_before_the_time() -> None:
    # 1 epoch of 100 steps under a 10-minute budget: half the steps is half the run
    assert bar_position(50, 100, elapsed_seconds=30.0, budget_seconds=600.0) == 300.0
    assert bar_position(100, 100, elapsed_seconds=30.0, budget_seconds=600.0) == 600.0
    assert bar_position(1, 100, elapsed_seconds=900.0, budget_seconds=600.0) == 600.0
    assert bar_position(7, 100, elapsed_seconds=30.0, budget_seconds=None) == 7.0


class _Clock:
    """Every reading 2 ms after the previous one, whatever the machine's load."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        self.now += 0.002
        return self.now


def test_training_under_max_minutes_shows_the_time_bar(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    from molgen.training import trainer as trainer_module

    smiles = pd.read_csv(data_dir / "moses_300.csv")["smiles"].tolist()
    torch.manual_seed(0)
    config = CharRNNConfig(embedding_dim=8, hidden_size=16, num_layers=1)
    model = CharRNNGenerator(config, Vocabulary.build(smiles).to_list(), device="cpu")
    monkeypatch.setattr(trainer_module, "clock", _Clock())
    settings = TrainConfig(batch_size=16, max_epochs=10_000, max_minutes=0.05, progress_bar=True)
    result = Trainer(settings).fit(model, smiles[:100], smiles[100:150], tmp_path)
    assert result.stopped_because == "max_minutes"
    bar = capsys.readouterr().err.split("\r")[-1]
    assert re.search(r"train: +\d+%\|.*\| [23]/3 s \[", bar), bar  # not 0/70000 steps
