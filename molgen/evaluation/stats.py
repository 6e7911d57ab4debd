"""Statistics of a molecule set, computed once and reused by the distribution metrics.

A :class:`ReferenceStats` holds what the MOSES metrics need from a set: packed Morgan
fingerprints (SNN, IntDiv), BRICS fragment counts (Frag), scaffold counts (Scaf) and
property arrays (logP, SA, QED, weight). Other metrics attach their own arrays under
``extras`` (e.g. ChemNet activation statistics for FCD) with :meth:`ReferenceStats.with_extras`;
they are saved and loaded with the rest.

:func:`compute_features` derives every per-molecule feature (canonical SMILES, fingerprint,
BRICS fragments, scaffold, properties) from one parse of each distinct SMILES, over chunks in
worker processes (:func:`molgen.utils.parallel.parallel_map`); workers receive SMILES and
return plain numpy/python data.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

import numpy as np
from rdkit import Chem

from molgen.chem.fingerprints import packed_matrix
from molgen.evaluation.basic import parse
from molgen.evaluation.filters import filter_flags
from molgen.evaluation.fragments import fragment_counts, safe_fragments, scaffold, scaffold_counts
from molgen.evaluation.properties import PROPERTIES, property_arrays
from molgen.evaluation.similarity import MOSES_FINGERPRINT
from molgen.utils.parallel import chunked, parallel_map, resolve_n_jobs

__all__ = ["STATS_VERSION", "MoleculeFeatures", "ReferenceStats", "compute_features"]

CHUNK_SIZE = 1024
"""Distinct SMILES per worker task in :func:`compute_features`."""

MIN_PARALLEL = 2000
"""Fewer distinct SMILES than this are computed in this process (pool start-up dominates)."""

STATS_VERSION = 2
"""Bumped whenever what :meth:`ReferenceStats.compute` produces changes (invalidates caches).
Version 2: fingerprints packed in RDKit's byte layout (least significant bit first)."""

_FP_BYTES = MOSES_FINGERPRINT.bits // 8


@dataclass(frozen=True, eq=False)
class MoleculeFeatures:
    """Per-molecule features of the valid entries of a SMILES list, in input order.

    Attributes:
        valid: boolean mask over the input, True where the SMILES parses (see ``parse``).
        canonical: RDKit canonical SMILES of each valid entry.
        fingerprints: ``(n_valid, 128)`` packed MOSES fingerprints (Morgan r=2, 1024 bits).
        fragments: BRICS fragment SMILES of each valid entry (empty when BRICS fails).
        scaffolds: scaffold SMILES of each valid entry (None when it has none, see
            :func:`molgen.evaluation.fragments.scaffold`).
        properties: MOSES property name -> float64 array over the valid entries.
        passes_filters: whether each valid entry passes the MOSES filters
            (:func:`~molgen.evaluation.filters.passes_filters`); None when not computed.
    """

    valid: np.ndarray
    canonical: list[str]
    fingerprints: np.ndarray
    fragments: list[list[str]]
    scaffolds: list[str | None]
    properties: Mapping[str, np.ndarray]
    passes_filters: np.ndarray | None = None


def _chunk_features(smiles: Sequence[str | None], filters: bool = False) -> MoleculeFeatures:
    """Features of one chunk, each molecule parsed once (runs in a worker process)."""
    parsed = [parse(text) for text in smiles]
    mols = [mol for mol in parsed if mol is not None]
    return MoleculeFeatures(
        valid=np.array([mol is not None for mol in parsed], dtype=bool),
        canonical=[Chem.MolToSmiles(mol) for mol in mols],
        fingerprints=packed_matrix(mols, MOSES_FINGERPRINT),
        fragments=[safe_fragments(mol) for mol in mols],
        scaffolds=[scaffold(mol) for mol in mols],
        properties=property_arrays(mols),
        passes_filters=filter_flags(mols) if filters else None,
    )


def _concat(parts: Sequence[MoleculeFeatures]) -> MoleculeFeatures:
    """Chunks joined in order."""
    return MoleculeFeatures(
        valid=np.concatenate([p.valid for p in parts]) if parts else np.zeros(0, dtype=bool),
        canonical=[c for p in parts for c in p.canonical],
        fingerprints=np.concatenate(
            [np.zeros((0, _FP_BYTES), dtype=np.uint8), *(p.fingerprints for p in parts)]
        ),
        fragments=[f for p in parts for f in p.fragments],
        scaffolds=[s for p in parts for s in p.scaffolds],
        properties={
            name: np.concatenate([np.zeros(0), *(p.properties[name] for p in parts)])
            for name in PROPERTIES
        },
        passes_filters=(
            np.concatenate([np.zeros(0, dtype=bool), *(p.passes_filters for p in parts)])
            if parts and all(p.passes_filters is not None for p in parts)
            else None
        ),
    )


def _expand(unique: MoleculeFeatures, inverse: np.ndarray) -> MoleculeFeatures:
    """Features of the full list from those of its distinct entries (``inverse`` maps each
    input position to its distinct entry)."""
    valid = unique.valid[inverse]
    # position of each distinct valid entry among the distinct valid entries
    rank = np.cumsum(unique.valid) - 1
    rows = rank[inverse[valid]]
    return MoleculeFeatures(
        valid=valid,
        canonical=[unique.canonical[i] for i in rows],
        fingerprints=unique.fingerprints[rows],
        fragments=[unique.fragments[i] for i in rows],
        scaffolds=[unique.scaffolds[i] for i in rows],
        properties={name: values[rows] for name, values in unique.properties.items()},
        passes_filters=None if unique.passes_filters is None else unique.passes_filters[rows],
    )


def compute_features(
    smiles: Sequence[str | None],
    *,
    n_jobs: int = 0,
    chunk_size: int = CHUNK_SIZE,
    filters: bool = False,
) -> MoleculeFeatures:
    """:class:`MoleculeFeatures` of ``smiles``: identical entries are computed once, and
    the distinct ones in chunks over ``n_jobs`` processes (0 = all cores).

    Non-string entries are treated as invalid.

    Args:
        smiles: SMILES strings (None and other non-strings allowed).
        n_jobs: worker processes (0 = all cores); small inputs run in this process.
        chunk_size: distinct SMILES per worker task.
    """
    keys = [text if isinstance(text, str) else "" for text in smiles]
    index: dict[str, int] = {}
    inverse = np.fromiter(
        (index.setdefault(text, len(index)) for text in keys), dtype=np.int64, count=len(keys)
    )
    distinct = list(index)
    jobs = 1 if len(distinct) < MIN_PARALLEL else resolve_n_jobs(n_jobs)
    size = max(1, min(chunk_size, -(-len(distinct) // jobs)))
    parts = []
    for part in parallel_map(
        partial(_chunk_features, filters=filters), chunked(distinct, size), n_jobs=jobs
    ):
        parts.append(part)
    return _expand(_concat(parts), inverse)


def _counts_to_arrays(counts: Mapping[str, int]) -> tuple[np.ndarray, np.ndarray]:
    names = sorted(counts)
    return np.array(names, dtype=str), np.array([counts[n] for n in names], dtype=np.int64)


def _arrays_to_counts(names: np.ndarray, counts: np.ndarray) -> dict[str, int]:
    return dict(zip(names.tolist(), counts.tolist(), strict=True))


@dataclass(frozen=True, eq=False)
class ReferenceStats:
    """Precomputed statistics of the valid molecules of a set (duplicates count).

    Attributes:
        n_molecules: how many valid molecules the statistics cover.
        fingerprints: ``(n_molecules, 128)`` packed Morgan r=2 1024-bit rows.
        fragments: BRICS fragment SMILES -> occurrences.
        scaffolds: scaffold SMILES (at least two rings) -> number of molecules.
        properties: MOSES property name -> float64 array of length ``n_molecules``.
        extras: further named arrays added by other metrics (e.g. FCD statistics).
    """

    n_molecules: int
    fingerprints: np.ndarray
    fragments: Mapping[str, int]
    scaffolds: Mapping[str, int]
    properties: Mapping[str, np.ndarray]
    extras: Mapping[str, np.ndarray] = field(default_factory=dict)

    @classmethod
    def from_mols(cls, mols: Sequence[Chem.Mol]) -> ReferenceStats:
        """Statistics of already parsed, sanitised molecules."""
        return cls(
            n_molecules=len(mols),
            fingerprints=packed_matrix(mols, MOSES_FINGERPRINT),
            fragments=dict(fragment_counts(mols)),
            scaffolds=dict(scaffold_counts(mols)),
            properties=property_arrays(mols),
        )

    @classmethod
    def from_features(cls, features: MoleculeFeatures) -> ReferenceStats:
        """Statistics aggregated from :func:`compute_features` output."""
        fragments: Counter[str] = Counter()
        for pieces in features.fragments:
            fragments.update(pieces)
        scaffolds = Counter(features.scaffolds)
        scaffolds.pop(None, None)
        return cls(
            n_molecules=len(features.canonical),
            fingerprints=features.fingerprints,
            fragments=dict(fragments),
            scaffolds=dict(scaffolds),  # type: ignore[arg-type]
            properties=dict(features.properties),
        )

    @classmethod
    def compute(cls, smiles: Sequence[str | None], *, n_jobs: int = 0) -> ReferenceStats:
        """Statistics of the valid entries of ``smiles`` (invalid ones are skipped), over
        ``n_jobs`` processes (0 = all cores)."""
        return cls.from_features(compute_features(smiles, n_jobs=n_jobs))

    def with_extras(self, **arrays: np.ndarray) -> ReferenceStats:
        """A copy with ``arrays`` added to (or replacing entries of) :attr:`extras`."""
        return replace(self, extras={**self.extras, **arrays})

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the statistics to ``path`` (a ``.npz`` file, written atomically)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        frag_names, frag_counts = _counts_to_arrays(self.fragments)
        scaf_names, scaf_counts = _counts_to_arrays(self.scaffolds)
        arrays = {
            "version": np.array(STATS_VERSION),
            "n_molecules": np.array(self.n_molecules),
            "fingerprints": self.fingerprints,
            "fragment_names": frag_names,
            "fragment_counts": frag_counts,
            "scaffold_names": scaf_names,
            "scaffold_counts": scaf_counts,
            **{f"property/{name}": values for name, values in self.properties.items()},
            **{f"extra/{name}": np.asarray(values) for name, values in self.extras.items()},
        }
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        with open(tmp, "wb") as handle:
            np.savez_compressed(handle, **arrays)
        tmp.replace(path)
        return path

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> ReferenceStats:
        """Read statistics written by :meth:`save`.

        Raises:
            ValueError: the file was written by another :data:`STATS_VERSION`.
        """
        with np.load(path, allow_pickle=False) as data:
            if int(data["version"]) != STATS_VERSION:
                raise ValueError(f"{path}: reference statistics version {int(data['version'])}")
            fingerprints = data["fingerprints"].reshape(-1, _FP_BYTES)
            return cls(
                n_molecules=int(data["n_molecules"]),
                fingerprints=fingerprints,
                fragments=_arrays_to_counts(data["fragment_names"], data["fragment_counts"]),
                scaffolds=_arrays_to_counts(data["scaffold_names"], data["scaffold_counts"]),
                properties={name: data[f"property/{name}"] for name in PROPERTIES},
                extras={
                    key.removeprefix("extra/"): data[key]
                    for key in data.files
                    if key.startswith("extra/")
                },
            )
