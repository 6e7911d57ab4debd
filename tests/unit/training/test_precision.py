"""Training precision: resolving the switch, and training a tiny CharRNN under bf16.

bf16 support is patched in where a test needs it. The bf16 training tests use a tiny
transformer: CPU autocast to bf16 runs its linear layers (emulated, more slowly) on any CPU,
whereas oneDNN has no bf16 LSTM kernel on a CPU without AVX-512 (the CharRNN under forced bf16
fails there with "could not create a primitive descriptor"; in use, ``resolve_precision``
never picks bf16 on such a CPU). The trainer's precision handling is the same for every
family, so these tests check it on every machine.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import torch

from molgen.data.tokenizer import Vocabulary
from molgen.models.char_rnn import CharRNNConfig, CharRNNGenerator
from molgen.models.checkpoint import read_checkpoint, write_checkpoint
from molgen.models.transformer import TransformerConfig, TransformerGenerator
from molgen.training import precision as precision_module
from molgen.training.config import TrainConfig
from molgen.training.precision import autocast, precision_name, resolve_precision
from molgen.training.trainer import Trainer

CPU = torch.device("cpu")
TINY = CharRNNConfig(embedding_dim=16, hidden_size=32, num_layers=2, dropout=0.0)


@pytest.fixture(scope="module")
def smiles(data_dir: Path) -> list[str]:
    return pd.read_csv(data_dir / "moses_300.csv")["smiles"].tolist()


@pytest.fixture
def bf16_cpu(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pretend the CPU computes in bf16 natively."""
    monkeypatch.setattr(precision_module, "bf16_supported", lambda device: True)


@pytest.fixture
def no_bf16(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pretend no device supports bf16."""
    monkeypatch.setattr(precision_module, "bf16_supported", lambda device: False)


def make(smiles: list[str]) -> CharRNNGenerator:
    torch.manual_seed(0)
    return CharRNNGenerator(TINY, Vocabulary.build(smiles).to_list(), device="cpu")


def make_transformer(smiles: list[str]) -> TransformerGenerator:
    torch.manual_seed(0)
    config = TransformerConfig(d_model=32, n_layers=2, n_heads=4, dropout=0.0)
    return TransformerGenerator(config, Vocabulary.build(smiles).to_list(), device="cpu")


def trainer(**overrides) -> Trainer:
    values = {"batch_size": 16, "lr": 5e-3, "warmup_steps": 2, "max_epochs": 1}
    return Trainer(TrainConfig(**{"progress_bar": False, **values, **overrides}))


def test_fp32_never_autocasts(bf16_cpu: None) -> None:
    assert resolve_precision("fp32", CPU, CharRNNGenerator) is None
    assert precision_name(None) == "fp32"


def test_auto_follows_support_and_the_family(bf16_cpu: None) -> None:
    assert resolve_precision("auto", CPU, CharRNNGenerator) is torch.bfloat16
    assert resolve_precision("auto", CPU, TransformerGenerator) is None  # not faster
    assert resolve_precision("auto", CPU, None) is None
    assert precision_name(torch.bfloat16) == "bf16"


def test_auto_falls_back_to_fp32_without_support(no_bf16: None) -> None:
    assert resolve_precision("auto", CPU, CharRNNGenerator) is None


def test_explicit_bf16_without_support_fails_in_one_line(no_bf16: None) -> None:
    with pytest.raises(ValueError, match="no bf16 support") as error:
        resolve_precision("bf16", CPU, None)
    assert "\n" not in str(error.value)


def test_explicit_bf16_applies_to_any_family(bf16_cpu: None) -> None:
    assert resolve_precision("bf16", CPU, TransformerGenerator) is torch.bfloat16


def test_the_old_mixed_precision_switch_still_reads() -> None:
    with pytest.warns(DeprecationWarning, match="mixed_precision"):
        assert TrainConfig.model_validate({"mixed_precision": False}).precision == "fp32"
    with pytest.warns(DeprecationWarning):
        assert TrainConfig.model_validate({"mixed_precision": True}).precision == "auto"
    assert TrainConfig().precision == "auto"
    with pytest.raises(ValueError):
        TrainConfig(precision="fp16")  # type: ignore[arg-type]


def test_bf16_loss_is_close_to_fp32_on_the_same_batch(smiles: list[str]) -> None:
    generator = make_transformer(smiles)
    batch = generator.collate(generator.prepare(smiles[:32]))
    with torch.no_grad():
        fp32, _ = generator.training_loss(batch)
        with autocast(CPU, torch.bfloat16):
            bf16, _ = generator.training_loss(batch)
    assert bf16.dtype == torch.float32  # the loss is reduced in fp32
    assert bf16.item() == pytest.approx(fp32.item(), rel=0.02)


def test_a_few_bf16_steps_keep_fp32_weights_and_a_finite_loss(
    smiles: list[str], tmp_path: Path, bf16_cpu: None
) -> None:
    generator = make_transformer(smiles)
    losses: list[float] = []
    result = generator.fit(
        smiles[:96],
        smiles[96:128],
        trainer(precision="bf16", log_every_steps=1),
        tmp_path,
        log_metrics=lambda metrics, step: losses.extend(
            v for k, v in metrics.items() if k in ("train_loss", "val_loss")
        ),
    )
    assert result.precision == "bf16" and result.steps == 6
    assert losses and all(torch.isfinite(torch.tensor(losses)))
    assert all(p.dtype == torch.float32 for p in generator.module.parameters())
    last = read_checkpoint(tmp_path / "last.pt")
    assert last["precision"] == "bf16" == last["trainer_state"]["precision"]
    assert last["trainer_state"]["train_config"]["precision"] == "bf16"
    assert read_checkpoint(tmp_path / "best.pt")["precision"] == "bf16"


def test_a_checkpoint_from_before_the_switch_resumes(
    smiles: list[str], tmp_path: Path, no_bf16: None
) -> None:
    train, valid = smiles[:64], smiles[64:96]
    make(smiles).fit(train, valid, trainer(), tmp_path)
    old = read_checkpoint(tmp_path / "last.pt")
    del old["precision"], old["trainer_state"]["precision"]
    config = old["trainer_state"]["train_config"]
    del config["precision"]
    config["mixed_precision"] = True
    write_checkpoint(old, tmp_path / "last.pt")
    result = make(smiles).fit(train, valid, trainer(max_epochs=2), tmp_path, resume=True)
    assert (result.epochs, result.precision) == (2, "fp32")
