"""GuacaMol's distribution-learning scores (Brown et al. 2019, J. Chem. Inf. Model. 59, 1096).

- FCD score: ``exp(-0.2 * FCD)`` between the valid generated molecules and the reference.
- KL score: for nine RDKit descriptors and for the internal similarity (each molecule's
  highest ECFP4 Tanimoto similarity to another molecule of its own set), the KL divergence
  ``KL(reference || generated)``; each becomes ``exp(-KL)`` and the ten are averaged.

Both sets are canonicalised without stereochemistry and deduplicated before the KL score,
as GuacaMol does. Continuous descriptors are compared through Gaussian KDEs evaluated on
1000 points spanning both sets; integer descriptors through 10-bin histograms whose bins
are set by the reference. One departure: where GuacaMol fails (a set whose descriptor is
constant makes SciPy's KDE singular; generated values all outside the reference bins give
NaN), we use a point mass, and an infinite divergence, so such a component scores near 0
when the sets differ and 1 when they agree. GuacaMol draws 10,000 reference molecules at random from
its training set; subsampling the reference is left to the caller.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
from rdkit import Chem
from rdkit.Chem import Descriptors
from scipy.stats import entropy, gaussian_kde

from molgen.chem.fingerprints import FingerprintSpec, packed_matrix
from molgen.chem.mol import mol_from_smiles
from molgen.evaluation.fcd import EvaluationInputError, FCDStats, frechet_distance
from molgen.evaluation.similarity import nearest_neighbour_similarity
from molgen.utils.parallel import chunked, parallel_map

__all__ = [
    "CONTINUOUS_DESCRIPTORS",
    "DISCRETE_DESCRIPTORS",
    "KL_PROFILE_COLUMNS",
    "continuous_kl",
    "descriptor_matrix",
    "discrete_kl",
    "fcd_score",
    "fcd_to_score",
    "internal_similarity",
    "kl_divergences",
    "kl_profile",
    "kl_score",
    "profile_divergences",
    "profile_kl_score",
]

CONTINUOUS_DESCRIPTORS = ("BertzCT", "MolLogP", "MolWt", "TPSA")
DISCRETE_DESCRIPTORS = (
    "NumHAcceptors",
    "NumHDonors",
    "NumRotatableBonds",
    "NumAliphaticRings",
    "NumAromaticRings",
)
KL_PROFILE_COLUMNS = (*CONTINUOUS_DESCRIPTORS, *DISCRETE_DESCRIPTORS, "internal_similarity")
"""Columns of a :func:`kl_profile` matrix, in order."""
_DESCRIPTORS: dict[str, Callable[[Chem.Mol], float]] = dict(Descriptors.descList)
_SMOOTHING = 1e-10  # added to every density value before the KL divergence, as in GuacaMol
_GRID_POINTS = 1000
_BINS = 10
_ECFP4 = FingerprintSpec(kind="morgan", radius=2, bits=4096)


def fcd_to_score(fcd: float) -> float:
    """GuacaMol's FCD score ``exp(-0.2 * fcd)``: 1 for identical sets, towards 0 as they part."""
    return math.exp(-0.2 * fcd)


def fcd_score(
    generated: Sequence[str | None],
    reference: Sequence[str | None] | FCDStats,
    *,
    device: str = "auto",
) -> float:
    """GuacaMol's FCD score of ``generated`` against ``reference`` (SMILES or statistics).

    Raises:
        EvaluationInputError: a set has fewer than two valid molecules.
    """
    ref = (
        reference
        if isinstance(reference, FCDStats)
        else FCDStats.from_smiles(reference, device=device)
    )
    return fcd_to_score(frechet_distance(FCDStats.from_smiles(generated, device=device), ref))


def descriptor_matrix(mols: Sequence[Chem.Mol], names: Sequence[str]) -> np.ndarray:
    """RDKit descriptors, one row per molecule; non-finite values become 0 (as in GuacaMol)."""
    functions = [_DESCRIPTORS[name] for name in names]
    values = np.array([[f(mol) for f in functions] for mol in mols], dtype=np.float64)
    values = values.reshape(len(mols), len(names))
    values[~np.isfinite(values)] = 0.0
    return values


def internal_similarity(mols: Sequence[Chem.Mol]) -> np.ndarray:
    """Each molecule's highest ECFP4 (4096-bit) Tanimoto similarity to another in the set."""
    return nearest_neighbour_similarity(packed_matrix(mols, _ECFP4))


def _density(values: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """Gaussian-KDE density on ``grid``; a point mass at the nearest grid point when the
    values are constant (SciPy's KDE is singular there)."""
    if np.ptp(values) > 0:
        return gaussian_kde(values)(grid)
    mass = np.zeros_like(grid)
    mass[np.argmin(np.abs(grid - values[0]))] = 1.0
    return mass


def continuous_kl(reference: np.ndarray, generated: np.ndarray) -> float:
    """``KL(reference || generated)`` of KDEs on 1000 points spanning both samples."""
    both = np.concatenate([reference, generated])
    grid = np.linspace(both.min(), both.max(), num=_GRID_POINTS)
    p = _density(reference, grid) + _SMOOTHING
    q = _density(generated, grid) + _SMOOTHING
    return float(entropy(p, q))


def discrete_kl(reference: np.ndarray, generated: np.ndarray) -> float:
    """``KL(reference || generated)`` of 10-bin histograms on the reference's bins.

    Generated values outside the reference's range fall out of the histogram; when all of
    them do, the divergence is infinite (its score, ``exp(-KL)``, is 0).
    """
    p, bins = np.histogram(reference, bins=_BINS)
    q, _ = np.histogram(generated, bins=bins)
    if q.sum() == 0:  # GuacaMol gets NaN here; no generated mass where the reference has any
        return math.inf
    # Equal-width bins: normalised counts equal GuacaMol's densities up to a shared factor.
    return float(entropy(p / p.sum() + _SMOOTHING, q / q.sum() + _SMOOTHING))


def kl_divergences(
    generated: Sequence[str | None], reference: Sequence[str | None]
) -> dict[str, float]:
    """The ten KL divergences behind :func:`kl_score`, keyed by descriptor name (plus
    ``internal_similarity``).

    Raises:
        EvaluationInputError: a set has fewer than two unique valid molecules.
    """
    profiles = {}
    for label, given in (("generated", generated), ("reference", reference)):
        profiles[label] = kl_profile(given)
        if len(profiles[label]) < 2:
            raise EvaluationInputError(
                f"KL score needs at least 2 unique valid molecules per set; the {label} set "
                f"has {len(profiles[label])} of {len(given)} SMILES"
            )
    return profile_divergences(profiles["generated"], profiles["reference"])


_PROFILE_CHUNK = 1_000  # SMILES per work item of kl_profile
_ProfileParts = tuple[list[str], np.ndarray, np.ndarray]


def _profile_parts(smiles: Sequence[str | None]) -> _ProfileParts:
    """One chunk's unique valid molecules: their canonical SMILES without stereochemistry,
    their nine descriptors and their packed ECFP4, each computed on the molecule read back
    from that canonical SMILES (so every copy of a molecule gets the same row)."""
    keys: dict[str, None] = {}
    for text in smiles:
        mol = mol_from_smiles(text)
        if mol is not None:
            keys.setdefault(Chem.MolToSmiles(mol, isomericSmiles=False))
    pairs = [(key, mol) for key in keys if (mol := Chem.MolFromSmiles(key)) is not None]
    mols = [mol for _, mol in pairs]
    names = (*CONTINUOUS_DESCRIPTORS, *DISCRETE_DESCRIPTORS)
    return [key for key, _ in pairs], descriptor_matrix(mols, names), packed_matrix(mols, _ECFP4)


def kl_profile(smiles: Sequence[str | None], n_jobs: int = 1) -> np.ndarray:
    """What the KL score needs from a set, computed once so it can be cached and reused.

    Molecules are read and described in chunks over ``n_jobs`` processes (0 = all cores);
    the result does not depend on ``n_jobs``.

    Returns:
        A ``(n, 10)`` float64 matrix over the ``n`` unique valid molecules (canonical SMILES
        without stereochemistry), in order of first appearance: the columns of
        :data:`KL_PROFILE_COLUMNS`, i.e. the nine descriptors then each molecule's internal
        similarity. ``n`` may be 0 or 1; the scores refuse such profiles.
    """
    chunks = chunked(list(smiles), _PROFILE_CHUNK)
    seen: set[str] = set()
    descriptors, fingerprints = [], []
    jobs = n_jobs if len(chunks) > 1 else 1
    for keys, rows, packed in parallel_map(_profile_parts, chunks, n_jobs=jobs):
        first = [i for i, key in enumerate(keys) if not (key in seen or seen.add(key))]
        descriptors.append(rows[first])
        fingerprints.append(packed[first])
    if not seen:
        return np.zeros((0, len(KL_PROFILE_COLUMNS)))
    similarity = nearest_neighbour_similarity(np.concatenate(fingerprints))
    return np.column_stack([np.concatenate(descriptors), similarity])


def profile_divergences(generated: np.ndarray, reference: np.ndarray) -> dict[str, float]:
    """The ten KL divergences between two :func:`kl_profile` matrices, keyed by column name.

    Raises:
        EvaluationInputError: a profile has fewer than two rows (unique valid molecules).
    """
    for label, profile in (("generated", generated), ("reference", reference)):
        if len(profile) < 2:
            raise EvaluationInputError(
                f"KL score needs at least 2 unique valid molecules per set; the {label} set "
                f"has {len(profile)}"
            )
    out: dict[str, float] = {}
    for j, name in enumerate(KL_PROFILE_COLUMNS):
        kl = discrete_kl if name in DISCRETE_DESCRIPTORS else continuous_kl
        out[name] = kl(reference[:, j], generated[:, j])
    return out


def profile_kl_score(generated: np.ndarray, reference: np.ndarray) -> float:
    """:func:`kl_score` from two :func:`kl_profile` matrices (e.g. a cached reference).

    Raises:
        EvaluationInputError: a profile has fewer than two rows.
    """
    kls = profile_divergences(generated, reference)
    return float(np.mean([math.exp(-kl) for kl in kls.values()]))


def kl_score(generated: Sequence[str | None], reference: Sequence[str | None]) -> float:
    """GuacaMol's KL-divergence score in ``[0, 1]``: the mean of ``exp(-KL)`` over the ten
    distributions of :func:`kl_divergences` (1 when the sets match).

    Raises:
        EvaluationInputError: a set has fewer than two unique valid molecules.
    """
    kls = kl_divergences(generated, reference)
    return float(np.mean([math.exp(-kl) for kl in kls.values()]))
