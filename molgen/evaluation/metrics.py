"""All MOSES distribution-learning metrics of a generated SMILES list in one call.

What each metric is computed on, as in MOSES: ``valid`` on the raw list; ``unique@k`` on
the first ``k`` valid molecules; ``Novelty`` on the distinct valid molecules; every other
metric on all valid molecules, duplicates included.

Edge cases never raise. With no valid molecule (including an empty input) the fractions
``valid``, ``unique@k``, ``Novelty`` and ``Filters`` are 0.0, and the similarities and
distances (``IntDiv``, ``IntDiv2``, ``SNN``, ``Frag``, ``Scaf``, ``logP``, ``SA``, ``QED``,
``weight``) are NaN: they are undefined there (MOSES itself raises or returns NaN). ``Frag``
or ``Scaf`` is also NaN when either side has no fragment or no scaffold with two or more
rings (as in MOSES). FCD keys are not computed here.
"""

from __future__ import annotations

from collections.abc import Sequence, Set

from molgen.evaluation.basic import (
    canonical_set,
    fraction_unique,
    novelty,
    parse,
)
from molgen.evaluation.filters import fraction_passes_filters
from molgen.evaluation.fragments import cosine_similarity
from molgen.evaluation.properties import PROPERTIES, wasserstein
from molgen.evaluation.similarity import internal_diversity, snn
from molgen.evaluation.stats import MoleculeFeatures, ReferenceStats, compute_features

__all__ = ["compare_to_reference", "distribution_metrics"]


def compare_to_reference(
    generated: ReferenceStats, reference: ReferenceStats, suffix: str
) -> dict[str, float]:
    """``SNN``, ``Frag`` and ``Scaf`` of generated statistics against a reference set.

    Args:
        generated: statistics of the valid generated molecules.
        reference: statistics of the reference set.
        suffix: the reference's MOSES name, e.g. ``"Test"`` or ``"TestSF"``.

    Returns:
        ``{"SNN/<suffix>": ..., "Frag/<suffix>": ..., "Scaf/<suffix>": ...}``.
    """
    return {
        f"SNN/{suffix}": snn(generated.fingerprints, reference.fingerprints),
        f"Frag/{suffix}": cosine_similarity(reference.fragments, generated.fragments),
        f"Scaf/{suffix}": cosine_similarity(reference.scaffolds, generated.scaffolds),
    }


def _filters(generated: Sequence[str | None], features: MoleculeFeatures) -> float:
    """The MOSES ``Filters`` fraction, from the features when they hold the flags."""
    if features.passes_filters is not None:
        flags = features.passes_filters
        return float(flags.mean()) if len(flags) else 0.0
    return fraction_passes_filters([m for m in (parse(s) for s in generated) if m is not None])


def distribution_metrics(
    generated: Sequence[str | None],
    *,
    train: Sequence[str] | Set[str] | None = None,
    test: ReferenceStats | None = None,
    test_scaffolds: ReferenceStats | None = None,
    k: Sequence[int] = (1000, 10000),
    n_jobs: int = 0,
    features: MoleculeFeatures | None = None,
) -> dict[str, float]:
    """The MOSES metrics of ``generated``, keyed by their MOSES names.

    Args:
        generated: generated SMILES in sampling order; invalid, empty or None entries allowed.
        train: training SMILES for ``Novelty``. A sequence is canonicalised here; a set
            (``set``/``frozenset``, e.g. from :func:`molgen.evaluation.canonical_set`)
            is taken to hold canonical SMILES already. None leaves ``Novelty`` out.
        test: statistics of the test set, for ``SNN/Test``, ``Frag/Test``, ``Scaf/Test``
            and the property distances ``logP``, ``SA``, ``QED``, ``weight``; None leaves
            them out.
        test_scaffolds: statistics of the scaffold test set, for the ``/TestSF`` keys;
            None leaves them out.
        k: the sizes for ``unique@k``.
        n_jobs: processes for the per-molecule features (0 = all cores).
        features: :func:`~molgen.evaluation.stats.compute_features` of ``generated``,
            when the caller has them already (then ``n_jobs`` is unused).

    Returns:
        ``valid``, ``unique@k`` for each k, ``IntDiv``, ``IntDiv2``, ``Filters``, then as
        available ``Novelty``, ``SNN/Frag/Scaf`` for ``Test`` and ``TestSF``, and ``logP``,
        ``SA``, ``QED``, ``weight`` (Wasserstein-1 distances to the test set). See the
        module docstring for the values on degenerate input.
    """
    if features is None:
        features = compute_features(generated, n_jobs=n_jobs, filters=True)
    canonical = features.canonical
    stats = ReferenceStats.from_features(features)

    metrics: dict[str, float] = {"valid": float(features.valid.mean()) if len(generated) else 0.0}
    for size in k:
        metrics[f"unique@{size}"] = fraction_unique(canonical, size)
    metrics["IntDiv"] = internal_diversity(stats.fingerprints, p=1)
    metrics["IntDiv2"] = internal_diversity(stats.fingerprints, p=2)
    metrics["Filters"] = _filters(generated, features)
    if train is not None:
        known = train if isinstance(train, Set) else canonical_set(train)
        metrics["Novelty"] = novelty(canonical, known)
    if test is not None:
        metrics.update(compare_to_reference(stats, test, "Test"))
    if test_scaffolds is not None:
        metrics.update(compare_to_reference(stats, test_scaffolds, "TestSF"))
    if test is not None:
        for name in PROPERTIES:
            metrics[name] = wasserstein(stats.properties[name], test.properties[name])
    return metrics
