"""The shared trainer, driven through the CharRNN family on ~100 molecules."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import torch

from molgen.data.tokenizer import Vocabulary
from molgen.models.char_rnn import CharRNNConfig, CharRNNGenerator
from molgen.models.checkpoint import read_checkpoint
from molgen.training.config import TrainConfig
from molgen.training.trainer import Trainer
from molgen.utils.errors import InputError

SMALL = CharRNNConfig(embedding_dim=16, hidden_size=48, num_layers=2, dropout=0.1)


@pytest.fixture(scope="module")
def smiles(data_dir: Path) -> list[str]:
    return pd.read_csv(data_dir / "moses_300.csv")["smiles"].tolist()


def make(smiles: list[str], config: CharRNNConfig = SMALL, device: str = "cpu"):
    torch.manual_seed(0)
    return CharRNNGenerator(config, Vocabulary.build(smiles).to_list(), device=device)


def trainer(**overrides) -> Trainer:
    """The shared trainer with small settings, ``overrides`` replacing some of them."""
    values = {
        "batch_size": 16,
        "lr": 5e-3,
        "warmup_steps": 2,
        "max_epochs": 2,
        "progress_bar": False,
        "log_every_steps": 2,
    }
    return Trainer(TrainConfig(**{**values, **overrides}))


class Recorder:
    """A log_metrics callback that keeps every call."""

    def __init__(self, stop_at_step: int | None = None) -> None:
        self.calls: list[tuple[dict[str, float], int]] = []
        self.stop_at_step = stop_at_step

    def __call__(self, metrics: dict[str, float], step: int) -> None:
        if self.stop_at_step is not None and step >= self.stop_at_step:
            raise KeyboardInterrupt  # stands for the process being killed
        self.calls.append((metrics, step))

    def values(self, key: str) -> list[float]:
        return [m[key] for m, _ in self.calls if key in m]


def test_loss_falls_and_metrics_are_logged(smiles: list[str], tmp_path: Path, device: str) -> None:
    log = Recorder()
    loop = trainer(max_epochs=4, device=device)
    result = make(smiles).fit(smiles[:100], smiles[100:150], loop, tmp_path, log_metrics=log)
    assert result.stopped_because == "max_epochs"
    assert result.epochs == 4 and result.steps == 4 * 7
    assert result.tokens_per_second > 0
    val = log.values("val_loss")
    assert len(val) == 4 and val[-1] < val[0] - 0.3
    step_losses = log.values("train_loss")
    assert step_losses[-1] < step_losses[0]
    steps = [step for m, step in log.calls if "train_loss" in m]
    assert steps == list(range(2, 29, 2))
    epoch_steps = [step for m, step in log.calls if "epoch_train_loss" in m]
    assert epoch_steps == [7, 14, 21, 28]
    assert result.best_val_loss == pytest.approx(min(val))
    assert Path(result.checkpoint).is_file() and Path(result.best_checkpoint).is_file()


def test_early_stopping_keeps_the_best_weights(smiles: list[str], tmp_path: Path) -> None:
    loop = trainer(batch_size=8, lr=2e-2, max_epochs=40, lr_schedule="constant", patience=2)
    model = make(smiles, CharRNNConfig(embedding_dim=16, hidden_size=64, num_layers=1))
    log = Recorder()
    result = model.fit(smiles[:24], smiles[100:124], loop, tmp_path, log_metrics=log)
    assert result.stopped_because == "early_stopping"
    val = log.values("val_loss")
    assert result.epochs == len(val) < 40
    assert min(val) < val[-2] and min(val) < val[-1]  # the last two epochs did not improve
    best = read_checkpoint(result.best_checkpoint)
    last = read_checkpoint(result.checkpoint)
    assert best["trainer_state"] is None and last["trainer_state"] is not None
    assert not torch.equal(best["state_dict"]["head.weight"], last["state_dict"]["head.weight"])


class SteppingClock:
    """A controllable clock: every reading is ``tick`` seconds after the previous one, so
    the budget test does not depend on how fast (or how loaded) the machine is."""

    def __init__(self, tick: float = 0.002) -> None:
        self.now = 0.0
        self.tick = tick

    def __call__(self) -> float:
        self.now += self.tick
        return self.now


def test_wall_clock_budget_is_respected(
    smiles: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from molgen.training import trainer as trainer_module

    monkeypatch.setattr(trainer_module, "clock", SteppingClock())
    loop = trainer(max_epochs=10_000, max_minutes=0.02)
    result = make(smiles).fit(smiles[:100], smiles[100:150], loop, tmp_path)
    assert result.stopped_because == "max_minutes"
    assert 1.2 <= result.seconds < 1.5  # the budget, plus at most one step's readings
    assert 1 < result.epochs < 10_000
    assert read_checkpoint(result.checkpoint)["trainer_state"]["progress"]["global_step"] == (
        result.steps
    )
    again = make(smiles).fit(smiles[:100], smiles[100:150], loop, tmp_path, resume=True)
    assert (again.steps, again.stopped_because) == (result.steps, "max_minutes")
    longer = trainer(max_epochs=10_000, max_minutes=0.03)
    extended = make(smiles).fit(smiles[:100], smiles[100:150], longer, tmp_path, resume=True)
    assert extended.steps > result.steps and 1.8 <= extended.seconds < 2.1


def test_resume_after_a_kill_matches_an_uninterrupted_run(
    smiles: list[str], tmp_path: Path
) -> None:
    loop = trainer(max_epochs=3, lr_schedule="constant", log_every_steps=1)
    train, valid = smiles[:100], smiles[100:150]
    straight = make(smiles)
    reference = straight.fit(train, valid, loop, tmp_path / "a")

    killed = make(smiles)
    with pytest.raises(KeyboardInterrupt):  # dies during epoch 3, after epoch 2's checkpoint
        killed.fit(train, valid, loop, tmp_path / "b", log_metrics=Recorder(stop_at_step=17))
    resumed_model = make(smiles)
    log = Recorder()
    resumed = resumed_model.fit(train, valid, loop, tmp_path / "b", resume=True, log_metrics=log)
    assert log.calls[0][1] == 15  # continues at epoch 3's first step
    assert (resumed.epochs, resumed.steps) == (reference.epochs, reference.steps) == (3, 21)
    assert resumed.best_val_loss == pytest.approx(reference.best_val_loss, abs=1e-6)
    for key, value in straight.module.state_dict().items():
        assert torch.allclose(value, resumed_model.module.state_dict()[key], atol=1e-6), key


def test_resume_extends_a_finished_run(smiles: list[str], tmp_path: Path) -> None:
    train, valid = smiles[:100], smiles[100:150]
    first = make(smiles).fit(train, valid, trainer(max_epochs=1), tmp_path)
    assert (first.epochs, first.steps) == (1, 7)
    again = make(smiles).fit(train, valid, trainer(max_epochs=1), tmp_path, resume=True)
    assert (again.epochs, again.steps, again.stopped_because) == (1, 7, "max_epochs")
    more = make(smiles).fit(train, valid, trainer(max_epochs=2), tmp_path, resume=True)
    assert (more.epochs, more.steps) == (2, 14)
    assert more.seconds > first.seconds


def test_resume_refuses_another_model_or_data(smiles: list[str], tmp_path: Path) -> None:
    train, valid = smiles[:100], smiles[100:150]
    make(smiles).fit(train, valid, trainer(max_epochs=1), tmp_path, data_hash="h1")
    bigger = make(smiles, CharRNNConfig(embedding_dim=16, hidden_size=64, num_layers=2))
    with pytest.raises(InputError, match="different model config"):
        bigger.fit(train, valid, trainer(), tmp_path, resume=True, data_hash="h1")
    with pytest.raises(InputError, match="different data"):
        make(smiles).fit(train, valid, trainer(), tmp_path, resume=True, data_hash="h2")


def test_empty_inputs_are_rejected(smiles: list[str], tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at least one"):
        trainer().fit(make(smiles), smiles[:10], [], tmp_path)
