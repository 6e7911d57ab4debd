"""Every MOSES and GuacaMol distribution metric of a generated set against a curated dataset.

:func:`evaluate` returns the keys of :data:`METRIC_NAMES`, always all of them, in that order:

- MOSES (Polykovskiy et al. 2020), with their MOSES names: ``valid``, ``unique@1000``,
  ``unique@10000``, ``FCD``/``SNN``/``Frag``/``Scaf`` against the test set (``/Test``) and
  the scaffold test set (``/TestSF``), ``IntDiv``, ``IntDiv2``, ``Filters``, the property
  distances ``logP``, ``SA``, ``QED``, ``weight`` and ``Novelty`` (against the train split).
  See :mod:`molgen.evaluation.metrics` for what each is computed on.
- GuacaMol (Brown et al. 2019): ``kl_score`` and ``fcd_score``. **Both are taken against the
  test set**, not a training subset as GuacaMol does: the test set is the held-out sample of
  the same distribution, and it is the reference every other metric here uses.
  ``kl_score`` compares the first :data:`KL_SAMPLE_SIZE` generated SMILES with a seeded
  random subset of at most :data:`KL_SAMPLE_SIZE` test molecules (GuacaMol's sizes: its
  internal-similarity term is quadratic in the set size). ``fcd_score`` is
  ``exp(-0.2 * FCD/Test)``.

Undefined values are NaN, never an exception: FCD (and so ``fcd_score``) with fewer than two
valid molecules on either side, ``kl_score`` with fewer than two unique valid molecules,
the ``/TestSF`` keys when the dataset has no ``test_scaffolds`` split (only MOSES has one),
and the cases listed in :mod:`molgen.evaluation.metrics`. :func:`metrics_json` writes NaN
and infinities as JSON ``null``, so the file is valid JSON.

The reference statistics of ``test`` and ``test_scaffolds`` (fingerprints, fragments,
scaffolds, properties, ChemNet mean and covariance, the KL profile) are computed once per
dataset and cached as ``.npz`` files in :func:`default_cache_dir`, keyed on the contents of
the dataset's files and on the statistics versions (see :func:`reference_key`).
"""

from __future__ import annotations

import json
import logging
import math
import os
from collections.abc import Mapping, Sequence, Set
from pathlib import Path

import numpy as np

from molgen.data.dataset import CuratedDataset
from molgen.evaluation.fcd import (
    EvaluationInputError,
    FCDStats,
    chemnet_version,
    frechet_distance,
)
from molgen.evaluation.guacamol import fcd_to_score, kl_profile, profile_kl_score
from molgen.evaluation.metrics import distribution_metrics
from molgen.evaluation.stats import (
    STATS_VERSION,
    ReferenceStats,
    compute_features,
)
from molgen.utils.errors import InputError, MolgenError
from molgen.utils.hashing import hash_files, hash_strings

__all__ = [
    "EVALUATION_CACHE_VERSION",
    "KL_SAMPLE_SIZE",
    "METRIC_NAMES",
    "default_cache_dir",
    "evaluate",
    "evaluate_against",
    "fcd_of",
    "load_references",
    "metrics_json",
    "reference_key",
    "reference_stats",
    "write_metrics",
]

logger = logging.getLogger(__name__)

EVALUATION_CACHE_VERSION = 1
"""Bumped whenever what :func:`reference_stats` stores changes (invalidates caches)."""

KL_SAMPLE_SIZE = 10_000
"""Molecules per side of the KL score (GuacaMol's number)."""

KL_SEED = 0
"""Seed of the test subset the KL score compares against."""

REFERENCE_SPLITS = {"test": "Test", "test_scaffolds": "TestSF"}
"""Dataset splits used as references, with their MOSES suffixes."""

METRIC_NAMES = (
    "valid",
    "unique@1000",
    "unique@10000",
    "FCD/Test",
    "SNN/Test",
    "Frag/Test",
    "Scaf/Test",
    "FCD/TestSF",
    "SNN/TestSF",
    "Frag/TestSF",
    "Scaf/TestSF",
    "IntDiv",
    "IntDiv2",
    "Filters",
    "logP",
    "SA",
    "QED",
    "weight",
    "Novelty",
    "kl_score",
    "fcd_score",
)
"""Every key :func:`evaluate` returns, in order (MOSES's table order, then GuacaMol's)."""


def _kl_subset(smiles: Sequence[str], size: int = KL_SAMPLE_SIZE) -> list[str]:
    """A seeded random subset of at most ``size`` entries, in their original order."""
    if len(smiles) <= size:
        return list(smiles)
    chosen = np.sort(np.random.default_rng(KL_SEED).choice(len(smiles), size, replace=False))
    return [smiles[i] for i in chosen]


def _fcd_stats(canonical: Sequence[str], n_input: int, device: str) -> FCDStats | None:
    """ChemNet statistics of the valid molecules, or None (logged) when there are fewer
    than two."""
    try:
        return FCDStats.from_canonical(canonical, n_input=n_input, device=device)
    except EvaluationInputError as exc:
        logger.warning("no FCD statistics: %s", exc)
        return None


def reference_stats(
    smiles: Sequence[str | None], *, device: str = "auto", kl: bool = True, n_jobs: int = 0
) -> ReferenceStats:
    """:class:`ReferenceStats` of a reference set, with the FCD and KL statistics as extras.

    Extras: ``fcd_mu``, ``fcd_sigma``, ``fcd_n`` (absent when fewer than two molecules are
    valid) and, with ``kl``, ``kl_profile`` (:func:`~molgen.evaluation.guacamol.kl_profile`
    of a seeded subset of at most :data:`KL_SAMPLE_SIZE` molecules).

    Each distinct SMILES is parsed once, in ``n_jobs`` processes (0 = all cores); then
    ChemNet runs once per distinct canonical SMILES. The two phases run one after the other:
    overlapping them oversubscribes the cores and is slower on a small machine.
    """
    features = compute_features(smiles, n_jobs=n_jobs)
    stats = ReferenceStats.from_features(features)
    extras: dict[str, np.ndarray] = {}
    fcd = _fcd_stats(features.canonical, len(smiles), device)
    if fcd is not None:
        extras |= {"fcd_mu": fcd.mu, "fcd_sigma": fcd.sigma, "fcd_n": np.array(fcd.n)}
    if kl:
        extras["kl_profile"] = kl_profile(_kl_subset([s for s in smiles if s]), n_jobs)
    return stats.with_extras(**extras)


def fcd_of(stats: ReferenceStats) -> FCDStats | None:
    """The FCD statistics stored in a :func:`reference_stats` result, or None."""
    if "fcd_mu" not in stats.extras:
        return None
    extras = stats.extras
    return FCDStats(mu=extras["fcd_mu"], sigma=extras["fcd_sigma"], n=int(extras["fcd_n"]))


def default_cache_dir(dataset: CuratedDataset) -> Path:
    """``$MOLGEN_CACHE_DIR/reference_stats`` when that variable is set, else
    ``<dataset dir>/reference_stats``."""
    root = os.environ.get("MOLGEN_CACHE_DIR")
    return Path(root) / "reference_stats" if root else dataset.root / "reference_stats"


def reference_key(dataset: CuratedDataset) -> str:
    """Cache key of a dataset's reference statistics: a hash of the dataset's data hash, its
    reference split files, ChemNet's version and the statistics versions."""
    files = [dataset.path(split) for split in REFERENCE_SPLITS if dataset.has(split)]
    parts = [
        f"evaluation-v{EVALUATION_CACHE_VERSION}",
        f"stats-v{STATS_VERSION}",
        chemnet_version(),
        dataset.data_hash,
        hash_files(files),
        *(path.name for path in files),
    ]
    return hash_strings(parts)[:24]


def _load_or_compute(
    split: str, dataset: CuratedDataset, path: Path, device: str, n_jobs: int = 0
) -> ReferenceStats:
    if path.exists():
        try:
            return ReferenceStats.load(path)
        except (OSError, ValueError, KeyError, EOFError) as exc:
            logger.warning("recomputing reference statistics (%s: %s)", path, exc)
    logger.info("computing reference statistics of %s (cached in %s)", split, path.parent)
    stats = reference_stats(dataset.smiles(split), device=device, kl=split == "test", n_jobs=n_jobs)
    try:
        stats.save(path)
    except OSError as exc:  # a read-only dataset: evaluate anyway, without caching
        logger.warning("cannot cache reference statistics in %s: %s", path.parent, exc)
    return stats


def load_references(
    dataset: CuratedDataset,
    *,
    cache_dir: str | os.PathLike[str] | None = None,
    device: str = "auto",
    n_jobs: int = 0,
) -> dict[str, ReferenceStats]:
    """The :func:`reference_stats` of ``test`` and (when present) ``test_scaffolds``.

    Loaded from ``<cache_dir>/<reference_key>/<split>.npz``, or computed and saved there
    (over ``n_jobs`` processes, 0 = all cores).

    Raises:
        InputError: the dataset has no test split.
    """
    if not dataset.has("test"):
        raise InputError(dataset.path("test"), "the dataset has no test split to evaluate against")
    folder = Path(cache_dir or default_cache_dir(dataset)) / reference_key(dataset)
    return {
        split: _load_or_compute(split, dataset, folder / f"{split}.npz", device, n_jobs)
        for split in REFERENCE_SPLITS
        if dataset.has(split)
    }


def _fcd(generated: FCDStats | None, reference: ReferenceStats | None) -> float:
    ref = fcd_of(reference) if reference is not None else None
    if generated is None or ref is None:
        return math.nan
    return frechet_distance(generated, ref)


def _kl(generated: Sequence[str | None], reference: ReferenceStats | None, n_jobs: int) -> float:
    if reference is None or "kl_profile" not in reference.extras:
        return math.nan
    try:
        return profile_kl_score(
            kl_profile(generated[:KL_SAMPLE_SIZE], n_jobs), reference.extras["kl_profile"]
        )
    except EvaluationInputError as exc:
        logger.warning("kl_score is NaN: %s", exc)
        return math.nan


def evaluate_against(
    generated: Sequence[str | None],
    *,
    test: ReferenceStats | None,
    test_scaffolds: ReferenceStats | None = None,
    train: Set[str] | None = None,
    device: str = "auto",
    n_jobs: int = 0,
) -> dict[str, float]:
    """:func:`evaluate` against reference statistics already at hand.

    Args:
        generated: generated SMILES in sampling order; invalid or None entries allowed.
        test: :func:`reference_stats` of the test set (None: its keys are NaN).
        test_scaffolds: :func:`reference_stats` of the scaffold test set (None: NaN).
        train: canonical SMILES of the training set, for ``Novelty`` (None: NaN).
        device: torch device for ChemNet (``auto``, ``cpu``, ``cuda[:N]``).
        n_jobs: processes for the per-molecule features (0 = all cores).

    Returns:
        Every key of :data:`METRIC_NAMES`, in that order.
    """
    generated = [s if isinstance(s, str) else None for s in generated]
    metrics = dict.fromkeys(METRIC_NAMES, math.nan)
    features = compute_features(generated, n_jobs=n_jobs, filters=True)
    metrics.update(
        distribution_metrics(
            generated, train=train, test=test, test_scaffolds=test_scaffolds, features=features
        )
    )
    gen_fcd = _fcd_stats(features.canonical, len(generated), device)
    metrics["FCD/Test"] = _fcd(gen_fcd, test)
    metrics["FCD/TestSF"] = _fcd(gen_fcd, test_scaffolds)
    fcd = metrics["FCD/Test"]
    metrics["fcd_score"] = math.nan if math.isnan(fcd) else fcd_to_score(fcd)
    metrics["kl_score"] = _kl(generated, test, n_jobs)
    return {name: float(metrics[name]) for name in METRIC_NAMES}


def evaluate(
    generated: Sequence[str | None],
    dataset: CuratedDataset | str | os.PathLike[str],
    *,
    cache_dir: str | os.PathLike[str] | None = None,
    device: str = "auto",
    n_jobs: int = 0,
) -> dict[str, float]:
    """All MOSES and GuacaMol metrics of ``generated`` against a curated dataset.

    Args:
        generated: generated SMILES in sampling order; invalid, empty or None entries
            allowed (they count against ``valid``).
        dataset: a :class:`CuratedDataset` or its directory (``molgen curate`` output) with
            a ``test`` split; ``test_scaffolds`` is optional.
        cache_dir: where reference statistics are cached (default
            :func:`default_cache_dir`).
        device: torch device for ChemNet (``auto``, ``cpu``, ``cuda[:N]``).
        n_jobs: processes for the per-molecule features (0 = all cores, the default).

    Returns:
        Every key of :data:`METRIC_NAMES`; NaN where a metric is undefined (see the module
        docstring). Never raises on odd generated input.

    Raises:
        InputError: ``dataset`` is not a curated dataset or has no test split.
    """
    data = dataset if isinstance(dataset, CuratedDataset) else CuratedDataset.open(dataset)
    references = load_references(data, cache_dir=cache_dir, device=device, n_jobs=n_jobs)
    # Curated SMILES are RDKit canonical already, so the train set needs no re-parsing.
    train = frozenset(data.smiles("train"))
    return evaluate_against(
        generated,
        test=references.get("test"),
        test_scaffolds=references.get("test_scaffolds"),
        train=train,
        device=device,
        n_jobs=n_jobs,
    )


def _json_value(value: float) -> float | None:
    return value if math.isfinite(value) else None


def metrics_json(metrics: Mapping[str, float], indent: int | None = 2) -> str:
    """Metrics as strict JSON: NaN and infinities become ``null``."""
    clean = {name: _json_value(float(value)) for name, value in metrics.items()}
    return json.dumps(clean, indent=indent, allow_nan=False)


def write_metrics(metrics: Mapping[str, float], path: str | os.PathLike[str]) -> Path:
    """Write :func:`metrics_json` to ``path`` (parents created).

    Raises:
        MolgenError: the file cannot be written.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(metrics_json(metrics) + "\n")
    except OSError as exc:
        raise MolgenError(f"{path}: cannot write the metrics ({exc.strerror or exc})") from None
    return path
