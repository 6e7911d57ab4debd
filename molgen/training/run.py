"""The train stage as one call: curated dataset in, self-describing checkpoints out."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

from molgen.data.dataset import CuratedDataset
from molgen.models.base import MetricLogger, ModelConfig, TrainResult
from molgen.models.families import generator_class
from molgen.models.loading import load_generator
from molgen.training.config import TrainConfig
from molgen.training.distributed import setup_distributed
from molgen.training.trainer import Trainer
from molgen.utils.errors import InputError
from molgen.utils.run_layout import ModelLayout
from molgen.utils.runtime import seed_everything

__all__ = ["train_model"]

log = logging.getLogger(__name__)


def train_model(
    model: ModelConfig,
    train: TrainConfig,
    data_dir: str | Path,
    out_dir: str | Path,
    *,
    resume: bool = False,
    log_metrics: MetricLogger | None = None,
) -> TrainResult:
    """Train family ``model.name`` on a curated dataset.

    Writes ``last.pt`` and ``best.pt`` every epoch (the trainer), then ``checkpoint.pt``
    (the best weights; what ``molgen sample --model OUT_DIR`` loads) and
    ``vocabulary.json``. Under ``torchrun`` every process calls this; they train
    data-parallel and rank 0 alone writes the files.

    Args:
        model: the family's config; ``model.name`` picks the family.
        train: optimisation, budget and early stopping.
        data_dir: a ``molgen curate`` output with train and valid splits.
        out_dir: checkpoint directory.
        resume: continue from ``out_dir/last.pt`` when it exists (a killed run).
        log_metrics: receives step and epoch losses (the pipeline logs them to MLflow).

    Raises:
        InputError: the dataset is missing or has an empty train or valid split.
    """
    dataset = CuratedDataset.open(data_dir)
    train_smiles, valid_smiles = dataset.smiles("train"), dataset.smiles("valid")
    if not train_smiles:
        raise InputError(dataset.path("train"), "train split is empty")
    if not valid_smiles:
        raise InputError(dataset.path("valid"), "valid split is empty; set valid_fraction > 0")
    layout = ModelLayout(Path(out_dir))
    last = layout.last
    world, device = setup_distributed(train.device)
    if resume and last.is_file():
        log.info("resuming from %s", last)
        generator = load_generator(last, device=device)
    else:
        seed_everything(train.seed)  # the weight initialisation, too, is seeded
        family = generator_class(model.name)
        generator = family.for_training(model, train_smiles, device=device)
    result = generator.fit(
        train_smiles,
        valid_smiles,
        Trainer(train),
        layout.root,
        resume=resume and last.is_file(),
        data_hash=dataset.data_hash,
        log_metrics=log_metrics,
    )
    if world.is_main:
        best = Path(result.best_checkpoint)
        shutil.copyfile(best if best.is_file() else Path(result.checkpoint), layout.checkpoint)
        layout.vocabulary.write_text(json.dumps(generator.vocabulary.to_list()))
    world.barrier()
    return result
