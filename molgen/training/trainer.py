"""The shared trainer: one optimisation loop for every model family.

A family plugs in through the :class:`Trainable` hooks (encode, collate, loss); the trainer
owns the generic machinery: device, seeding, AdamW, gradient clipping, mixed precision
(bf16 autocast of the forward pass, see :mod:`molgen.training.precision`), the warm-up +
cosine schedule, length-bucketed batches, validation, early stopping, per-epoch
checkpoints, resuming and the wall-clock budget.

A family may also define these optional hooks, which the trainer calls when present:

- ``set_progress(step, done)`` before every optimiser step, with the global step and the
  fraction of the budget used (KL annealing, a GAN's critic/generator alternation);
- ``interval_metrics() -> dict[str, float]`` at every logging interval (e.g. a VAE's
  reconstruction and KL terms, averaged since the last call);
- ``epoch_metrics(val_items) -> dict[str, float]`` after each validation, in eval mode
  without gradients (e.g. active latent units, the uniqueness of periodic samples).

and this optional class attribute:

- ``cpu_autocast: bool``: True when bf16 autocast was measured to speed the family up on
  a bf16-capable CPU, so that ``precision = "auto"`` uses it there.

Under ``torchrun`` (``WORLD_SIZE`` > 1) the same loop trains data-parallel (see
:mod:`molgen.training.distributed`): each process takes its shard of every epoch, DDP
averages the gradients, losses are averaged over processes, rank 0's clock decides the
time budget for all, and only rank 0 logs and writes checkpoints.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import torch

from molgen.data.batching import sorted_batches
from molgen.data.tokenizer import Vocabulary
from molgen.models.base import MetricLogger, ModelConfig, TrainResult
from molgen.models.checkpoint import read_checkpoint
from molgen.training.config import TrainConfig
from molgen.training.distributed import Distributed, TrainingStep, epoch_batches, setup_distributed
from molgen.training.precision import autocast, precision_name, resolve_precision
from molgen.training.progress_bar import TrainingBar
from molgen.training.schedule import lr_factor, progress
from molgen.training.state import RunProgress, capture_rng, restore_rng
from molgen.utils.errors import InputError
from molgen.utils.run_layout import ModelLayout
from molgen.utils.runtime import seed_everything


def clock() -> float:
    """Seconds on a monotonic clock: the trainer's time budget is measured with it (tests
    replace it with a controllable one)."""
    return time.monotonic()


__all__ = ["Trainable", "Trainer"]

logger = logging.getLogger(__name__)

_EVAL_BATCH_FACTOR = 4  # evaluation batches are this many times larger (no backward pass)


class Trainable(Protocol):
    """What a model family offers the trainer (besides ``save`` from the Generator)."""

    config: ModelConfig
    device: torch.device
    module: torch.nn.Module
    vocabulary: Vocabulary

    def to(self, device: str | torch.device) -> Any:
        """Move the network to ``device``."""
        ...

    def prepare(self, smiles: Sequence[str]) -> list[Any]:
        """Encode molecules once; each item must support ``len()`` (its token count)."""
        ...

    def collate(self, items: Sequence[Any]) -> Any:
        """Turn encoded items into one batch on the model's device."""
        ...

    def training_loss(self, batch: Any) -> tuple[torch.Tensor, torch.Tensor]:
        """(scalar loss to minimise, number of tokens it averages over)."""
        ...

    def validation_loss(self, batch: Any) -> tuple[torch.Tensor, torch.Tensor]:
        """(summed token NLL, number of tokens)."""
        ...

    def save(self, path: str | Path, *, extra: dict[str, Any] | None = None) -> None:
        """Write a checkpoint with ``extra`` entries."""
        ...


@dataclass
class _Run:
    """Everything one ``fit`` call works with, shared by its helper methods."""

    model: Trainable
    optimizer: torch.optim.Optimizer
    scaler: torch.amp.GradScaler
    params: list[torch.nn.Parameter]
    amp: torch.dtype | None
    items: list[Any]
    val_items: list[Any]
    state: RunProgress
    budget: float | None
    log: MetricLogger
    world: Distributed = field(default_factory=Distributed)
    forward: Any = None
    steps_per_epoch: int = 0
    total_steps: int = 0
    train_seconds: float = 0.0
    train_tokens: int = 0
    bar: Any = None
    epoch_sum: torch.Tensor | None = None
    epoch_count: torch.Tensor | None = None
    lengths: np.ndarray = field(init=False)
    val_tokens: int = field(init=False)
    started: float = field(init=False, default_factory=lambda: clock())
    start_elapsed: float = field(init=False)

    def __post_init__(self) -> None:
        self.lengths = np.array([len(item) for item in self.items])
        self.val_tokens = sum(len(item) for item in self.val_items)
        self.start_elapsed = self.state.elapsed_seconds

    def elapsed(self) -> float:
        """Wall-clock seconds spent on this run, earlier sessions included."""
        return self.start_elapsed + clock() - self.started

    def train_budget(self) -> float | None:
        """Seconds available for training steps, keeping time for the final validation.

        Before the first validation its duration is estimated from the training speed
        (a forward pass costs about a third of a training step).
        """
        if self.budget is None:
            return None
        reserve = self.state.val_seconds
        if not reserve and self.train_tokens:
            reserve = self.val_tokens * self.train_seconds / (3 * self.train_tokens)
        return self.budget - reserve

    def clock(self) -> tuple[float, float | None]:
        """``(elapsed, train_budget())``, both rank 0's when several processes train, so
        that every process follows the same learning-rate schedule and stops together."""
        elapsed, limit = self.elapsed(), self.train_budget()
        if self.budget is None or not self.world.enabled:
            return elapsed, limit
        elapsed, limit = self.world.from_main([elapsed, limit], self.model.device)
        return elapsed, limit


class Trainer:
    """Trains any :class:`Trainable` under a :class:`TrainConfig`.

    Args:
        config: optimisation, budget, early stopping and logging settings.
    """

    def __init__(self, config: TrainConfig) -> None:
        self.config = config

    def fit(
        self,
        model: Trainable,
        train: Sequence[str],
        valid: Sequence[str],
        out_dir: str | Path,
        *,
        resume: bool = False,
        data_hash: str = "",
        log_metrics: MetricLogger | None = None,
    ) -> TrainResult:
        """Train ``model`` on SMILES, writing ``last.pt`` every epoch and ``best.pt`` on gains.

        Args:
            model: the family's generator.
            train: training SMILES.
            valid: validation SMILES (the first ``val_max_molecules`` are used).
            out_dir: checkpoint directory.
            resume: continue from ``out_dir/last.pt`` when it exists.
            data_hash: hash of the data, stored in checkpoints and checked on resume.
            log_metrics: receives ``(metrics, step)`` for step and epoch losses.

        Raises:
            ValueError: ``train`` or ``valid`` is empty.
            InputError: ``last.pt`` cannot be resumed with this model or data.
        """
        cfg = self.config
        if not train or not valid:
            raise ValueError("training needs at least one training and one validation SMILES")
        out_dir = Path(out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        layout = ModelLayout(out_dir)
        last, best = layout.last, layout.best
        world, device = setup_distributed(cfg.device)
        model.to(device)
        seed_everything(cfg.seed)
        params = [p for p in model.module.parameters() if p.requires_grad]
        optimizer = torch.optim.AdamW(
            params, lr=cfg.lr, betas=cfg.betas, weight_decay=cfg.weight_decay
        )
        amp = resolve_precision(cfg.precision, device, model)
        if world.is_main:
            logger.info("training in %s on %s", precision_name(amp), device)
        scaler = torch.amp.GradScaler(device.type, enabled=amp == torch.float16)
        state = RunProgress()
        if resume and last.is_file():
            state = self._restore(last, model, optimizer, scaler, data_hash)
            logger.info("resuming %s at epoch %d, step %d", last, state.epoch, state.global_step)
        run = _Run(
            model=model,
            optimizer=optimizer,
            scaler=scaler,
            params=params,
            amp=amp,
            items=model.prepare(train),
            val_items=model.prepare(valid[: cfg.val_max_molecules or len(valid)]),
            state=state,
            budget=cfg.max_minutes * 60 if cfg.max_minutes else None,
            log=(log_metrics if world.is_main else None) or (lambda metrics, step: None),
            world=world,
            forward=TrainingStep(model, world, device),
        )
        run.steps_per_epoch = len(epoch_batches(run.lengths, cfg.batch_size, cfg.seed, 0, world))
        run.total_steps = cfg.max_epochs * run.steps_per_epoch
        stopped = self._stop_reason(run)
        show = cfg.progress_bar and world.is_main
        bar = TrainingBar(
            run.total_steps, run.budget, state.global_step, state.elapsed_seconds, enabled=show
        )
        with bar as run.bar:
            model.module.train()
            while not stopped:
                out_of_time = self._train_epoch(run)
                self._end_of_epoch(run)
                stopped = "max_minutes" if out_of_time else self._stop_reason(run)
                state.stopped_because, state.budget_seconds = stopped, run.budget
                if world.is_main:
                    self._checkpoint(run, last, best, data_hash)
        world.barrier()  # rank 0's checkpoints are complete before any process goes on
        if world.is_main:
            logger.info("training stopped (%s) after %d steps", stopped, state.global_step)
        return TrainResult(
            checkpoint=str(last),
            best_checkpoint=str(best),
            epochs=state.epoch,
            steps=state.global_step,
            best_val_loss=state.best_val_loss,
            stopped_because=stopped,
            tokens_per_second=run.train_tokens / run.train_seconds if run.train_seconds else 0.0,
            seconds=state.elapsed_seconds,
            precision=precision_name(run.amp),
        )

    def _train_epoch(self, run: _Run) -> bool:
        """Train through the rest of the current epoch; True if the time budget ran out."""
        cfg, state = self.config, run.state
        batches = epoch_batches(run.lengths, cfg.batch_size, cfg.seed, state.epoch, run.world)
        zero = torch.zeros((), device=run.model.device)
        run.epoch_sum = run.epoch_count = interval_sum = interval_count = zero
        tick = clock()
        for idx in batches[state.batch_in_epoch :]:
            elapsed, limit = run.clock()
            if limit is not None and elapsed >= limit:
                return True
            done = progress(state.global_step, run.total_steps, elapsed, limit)
            lr = cfg.lr * lr_factor(
                state.global_step,
                done,
                warmup_steps=cfg.warmup_steps,
                schedule=cfg.lr_schedule,
                min_lr_ratio=cfg.min_lr_ratio,
            )
            set_progress = getattr(run.model, "set_progress", None)
            if set_progress is not None:
                set_progress(state.global_step, done)
            weighted, count = self._step(run, idx, lr)
            run.epoch_sum, run.epoch_count = run.epoch_sum + weighted, run.epoch_count + count
            interval_sum, interval_count = interval_sum + weighted, interval_count + count
            state.global_step += 1
            state.batch_in_epoch += 1
            run.train_tokens += int(run.lengths[idx].sum())
            run.train_seconds += clock() - tick
            tick = clock()
            run.bar.show(state.global_step, run.elapsed())
            if state.global_step % cfg.log_every_steps == 0:
                tokens = torch.tensor(run.train_tokens, device=run.model.device)
                loss_sum, loss_count, tokens = run.world.sum(interval_sum, interval_count, tokens)
                step_loss = (loss_sum / loss_count).item()  # one sync per interval
                interval_sum = interval_count = zero
                run.bar.set_postfix(loss=f"{step_loss:.3f}")
                speed = tokens.item() / run.train_seconds  # every process's tokens
                metrics = {"train_loss": step_loss, "lr": lr, "tokens_per_second": speed}
                interval_metrics = getattr(run.model, "interval_metrics", None)
                if interval_metrics is not None:
                    metrics.update(interval_metrics())
                run.log(metrics, state.global_step)
                tick = clock()
        state.epoch, state.batch_in_epoch = state.epoch + 1, 0
        return False

    def _step(self, run: _Run, idx: np.ndarray, lr: float) -> tuple[torch.Tensor, torch.Tensor]:
        """One optimiser step on the items ``idx``; returns (loss * tokens, tokens) on device."""
        for group in run.optimizer.param_groups:
            group["lr"] = lr
        batch = run.model.collate([run.items[i] for i in idx])
        with autocast(run.model.device, run.amp):  # the forward pass only
            loss, count = run.forward(batch)
        run.optimizer.zero_grad(set_to_none=True)
        run.scaler.scale(loss).backward()
        if self.config.grad_clip:
            run.scaler.unscale_(run.optimizer)
            torch.nn.utils.clip_grad_norm_(run.params, self.config.grad_clip)
        run.scaler.step(run.optimizer)
        run.scaler.update()
        return loss.detach().float() * count, count

    def _stop_reason(self, run: _Run) -> str:
        """Why training must stop now, or ``""`` to go on.

        A run that ran out of time stays stopped when resumed with a budget no larger.
        """
        state = run.state
        elapsed, limit = run.clock()
        if state.bad_epochs >= self.config.patience:
            return "early_stopping"
        if state.epoch >= self.config.max_epochs:
            return "max_epochs"
        if limit is not None and elapsed >= limit:
            return "max_minutes"
        timed_out = state.stopped_because == "max_minutes" and state.budget_seconds is not None
        if timed_out and run.budget is not None and run.budget <= state.budget_seconds:
            return "max_minutes"
        return ""

    def _end_of_epoch(self, run: _Run) -> None:
        """Validate, update the early-stopping counter and log the epoch's losses."""
        state = run.state
        began = clock()
        val_loss = self._validate(run)
        state.val_seconds = clock() - began
        if val_loss < state.best_val_loss:
            state.best_val_loss, state.bad_epochs = val_loss, 0
        else:
            state.bad_epochs += 1
        state.elapsed_seconds = run.elapsed()
        epoch = state.epoch + state.batch_in_epoch / run.steps_per_epoch  # partial if time ran out
        epoch_sum, epoch_count = run.world.sum(run.epoch_sum, run.epoch_count)
        epoch_loss = (epoch_sum / epoch_count.clamp(min=1)).item()
        if not run.world.is_main:
            return
        metrics = {"epoch": epoch, "epoch_train_loss": epoch_loss, "val_loss": val_loss}
        metrics.update(self._epoch_metrics(run))
        run.log({**metrics, "best_val_loss": state.best_val_loss}, state.global_step)
        logger.info("epoch %.2f: train %.4f, valid %.4f", epoch, epoch_loss, val_loss)

    def _validate(self, run: _Run) -> float:
        """Token-level mean NLL over the validation items (each process evaluates its
        shard; the sums are added over processes, so every process gets the same mean).

        It runs in fp32 whatever the training precision, so validation losses compare
        across precisions."""
        model = run.model
        total = count = torch.zeros((), device=model.device)
        size = self.config.batch_size * _EVAL_BATCH_FACTOR
        items = run.world.shard(run.val_items)
        model.module.eval()
        with torch.no_grad():
            for idx in sorted_batches([len(item) for item in items], size):
                nll, n = model.validation_loss(model.collate([items[i] for i in idx]))
                total, count = total + nll.float(), count + n
        model.module.train()
        total, count = run.world.sum(total, count)
        return (total / count.clamp(min=1)).item()

    def _epoch_metrics(self, run: _Run) -> dict[str, float]:
        """The family's own end-of-epoch metrics (its ``epoch_metrics`` hook), if any."""
        hook = getattr(run.model, "epoch_metrics", None)
        if hook is None:
            return {}
        run.model.module.eval()
        try:
            with torch.no_grad():
                return dict(hook(run.val_items))
        finally:
            run.model.module.train()

    def _checkpoint(self, run: _Run, last: Path, best: Path, data_hash: str) -> None:
        """Write ``last.pt`` (with all that resuming needs) and, if validation improved,
        ``best.pt``. Both record the precision the weights were trained in."""
        precision = precision_name(run.amp)
        trainer_state = {
            "progress": run.state.to_dict(),
            "optimizer": run.optimizer.state_dict(),
            "grad_scaler": run.scaler.state_dict() if run.scaler.is_enabled() else None,
            "rng": capture_rng(),
            "train_config": self.config.model_dump(mode="json"),
            "precision": precision,
        }
        run.model.save(
            last,
            extra={"data_hash": data_hash, "trainer_state": trainer_state, "precision": precision},
        )
        if run.state.bad_epochs == 0:
            run.model.save(best, extra={"data_hash": data_hash, "precision": precision})

    def _restore(
        self,
        path: Path,
        model: Trainable,
        optimizer: torch.optim.Optimizer,
        scaler: torch.amp.GradScaler,
        data_hash: str,
    ) -> RunProgress:
        """Load weights, optimiser, scaler and RNG state from ``path``; return the counters."""
        checkpoint = read_checkpoint(path, model.config.name)
        if checkpoint["config"] != model.config.model_dump(mode="json"):
            raise InputError(path, "cannot resume: it was trained with a different model config")
        if checkpoint["vocabulary"] != model.vocabulary.to_list():
            raise InputError(path, "cannot resume: it was trained with a different vocabulary")
        if data_hash and checkpoint["data_hash"] and checkpoint["data_hash"] != data_hash:
            raise InputError(path, "cannot resume: it was trained on different data")
        trainer_state = checkpoint.get("trainer_state")
        if not trainer_state:
            raise InputError(path, "cannot resume: the checkpoint has no trainer state")
        model.module.load_state_dict(checkpoint["state_dict"])
        optimizer.load_state_dict(trainer_state["optimizer"])
        if trainer_state["grad_scaler"] and scaler.is_enabled():
            scaler.load_state_dict(trainer_state["grad_scaler"])
        restore_rng(trainer_state["rng"])
        return RunProgress.from_dict(trainer_state["progress"])
