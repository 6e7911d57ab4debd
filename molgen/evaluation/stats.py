"""Statistics of a molecule set, computed once and reused by the distribution metrics.

A :class:`ReferenceStats` holds what the MOSES metrics need from a set: packed Morgan
fingerprints (SNN, IntDiv), BRICS fragment counts (Frag), scaffold counts (Scaf) and
property arrays (logP, SA, QED, weight). Other metrics attach their own arrays under
``extras`` (e.g. ChemNet activation statistics for FCD) with :meth:`ReferenceStats.with_extras`;
they are saved and loaded with the rest.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
from rdkit import Chem

from molgen.evaluation.basic import parse
from molgen.evaluation.fragments import fragment_counts, scaffold_counts
from molgen.evaluation.properties import PROPERTIES, property_arrays
from molgen.evaluation.similarity import FP_BITS, fingerprint_matrix

__all__ = ["STATS_VERSION", "ReferenceStats", "smiles_key"]

STATS_VERSION = 1
"""Bumped whenever what :meth:`ReferenceStats.compute` produces changes (invalidates caches)."""


def smiles_key(smiles: Sequence[str]) -> str:
    """A short stable hash of a SMILES list (order matters) and :data:`STATS_VERSION`."""
    digest = hashlib.sha256(f"molgen-reference-stats-v{STATS_VERSION}\n".encode())
    for text in smiles:
        digest.update(str(text).encode())
        digest.update(b"\n")
    return digest.hexdigest()[:20]


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
        fingerprints: ``(n_molecules, FP_BITS // 8)`` packed Morgan r=2 1024-bit rows.
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
            fingerprints=fingerprint_matrix(mols),
            fragments=dict(fragment_counts(mols)),
            scaffolds=dict(scaffold_counts(mols)),
            properties=property_arrays(mols),
        )

    @classmethod
    def compute(cls, smiles: Sequence[str | None]) -> ReferenceStats:
        """Statistics of the valid entries of ``smiles`` (invalid ones are skipped)."""
        mols = [mol for mol in (parse(text) for text in smiles) if mol is not None]
        return cls.from_mols(mols)

    @classmethod
    def cached(cls, smiles: Sequence[str], cache_dir: str | os.PathLike[str]) -> ReferenceStats:
        """Load the statistics of ``smiles`` from ``cache_dir``, computing and saving them
        there on a miss. The file is ``reference-<smiles_key(smiles)>.npz``."""
        path = Path(cache_dir) / f"reference-{smiles_key(smiles)}.npz"
        if path.exists():
            return cls.load(path)
        stats = cls.compute(smiles)
        stats.save(path)
        return stats

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
            fingerprints = data["fingerprints"].reshape(-1, FP_BITS // 8)
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
