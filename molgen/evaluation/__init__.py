"""Evaluation of generated molecule sets against a reference set (MOSES metrics)."""

from __future__ import annotations

from molgen.evaluation.basic import (
    canonical_set,
    canonical_valid,
    fraction_unique,
    fraction_valid,
    novelty,
)
from molgen.evaluation.filters import fraction_passes_filters, passes_filters
from molgen.evaluation.fragments import cosine_similarity, fragment_counts, scaffold_counts
from molgen.evaluation.metrics import compare_to_reference, distribution_metrics
from molgen.evaluation.properties import PROPERTIES, property_arrays, wasserstein
from molgen.evaluation.similarity import MOSES_FINGERPRINT, internal_diversity, snn
from molgen.evaluation.stats import ReferenceStats

__all__ = [
    "MOSES_FINGERPRINT",
    "PROPERTIES",
    "ReferenceStats",
    "canonical_set",
    "canonical_valid",
    "compare_to_reference",
    "cosine_similarity",
    "distribution_metrics",
    "fraction_passes_filters",
    "fraction_unique",
    "fraction_valid",
    "fragment_counts",
    "internal_diversity",
    "novelty",
    "passes_filters",
    "property_arrays",
    "scaffold_counts",
    "snn",
    "wasserstein",
]
