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
from rdkit import Chem, DataStructs
from rdkit.Chem import Descriptors, rdFingerprintGenerator
from scipy.stats import entropy, gaussian_kde

from molgen.chem.mol import mol_from_smiles
from molgen.evaluation.fcd import EvaluationInputError, FCDStats, frechet_distance

__all__ = [
    "CONTINUOUS_DESCRIPTORS",
    "DISCRETE_DESCRIPTORS",
    "continuous_kl",
    "descriptor_matrix",
    "discrete_kl",
    "fcd_score",
    "fcd_to_score",
    "internal_similarity",
    "kl_divergences",
    "kl_score",
]

CONTINUOUS_DESCRIPTORS = ("BertzCT", "MolLogP", "MolWt", "TPSA")
DISCRETE_DESCRIPTORS = (
    "NumHAcceptors",
    "NumHDonors",
    "NumRotatableBonds",
    "NumAliphaticRings",
    "NumAromaticRings",
)
_DESCRIPTORS: dict[str, Callable[[Chem.Mol], float]] = dict(Descriptors.descList)
_SMOOTHING = 1e-10  # added to every density value before the KL divergence, as in GuacaMol
_GRID_POINTS = 1000
_BINS = 10
_ECFP4 = rdFingerprintGenerator.GetMorganGenerator(radius=2, fpSize=4096)


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


def _unique_mols(smiles: Sequence[str | None]) -> list[Chem.Mol]:
    """Valid molecules, deduplicated on their canonical SMILES without stereochemistry."""
    seen: dict[str, Chem.Mol] = {}
    for text in smiles:
        mol = mol_from_smiles(text)
        if mol is not None:
            seen.setdefault(Chem.MolToSmiles(mol, isomericSmiles=False), mol)
    return [Chem.MolFromSmiles(key) for key in seen]


def descriptor_matrix(mols: Sequence[Chem.Mol], names: Sequence[str]) -> np.ndarray:
    """RDKit descriptors, one row per molecule; non-finite values become 0 (as in GuacaMol)."""
    functions = [_DESCRIPTORS[name] for name in names]
    values = np.array([[f(mol) for f in functions] for mol in mols], dtype=np.float64)
    values = values.reshape(len(mols), len(names))
    values[~np.isfinite(values)] = 0.0
    return values


def internal_similarity(mols: Sequence[Chem.Mol]) -> np.ndarray:
    """Each molecule's highest ECFP4 (4096-bit) Tanimoto similarity to another in the set."""
    fps = [_ECFP4.GetFingerprint(mol) for mol in mols]
    best = np.zeros(len(fps))
    for i in range(1, len(fps)):
        sims = np.asarray(DataStructs.BulkTanimotoSimilarity(fps[i], fps[:i]))
        best[i] = max(best[i], sims.max())
        best[:i] = np.maximum(best[:i], sims)
    return best


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
    gen_mols = _unique_mols(generated)
    ref_mols = _unique_mols(reference)
    for label, mols, given in (
        ("generated", gen_mols, generated),
        ("reference", ref_mols, reference),
    ):
        if len(mols) < 2:
            raise EvaluationInputError(
                f"KL score needs at least 2 unique valid molecules per set; the {label} set "
                f"has {len(mols)} of {len(given)} SMILES"
            )
    names = (*CONTINUOUS_DESCRIPTORS, *DISCRETE_DESCRIPTORS)
    gen = descriptor_matrix(gen_mols, names)
    ref = descriptor_matrix(ref_mols, names)
    out: dict[str, float] = {}
    for j, name in enumerate(names):
        kl = continuous_kl if name in CONTINUOUS_DESCRIPTORS else discrete_kl
        out[name] = kl(ref[:, j], gen[:, j])
    out["internal_similarity"] = continuous_kl(
        internal_similarity(ref_mols), internal_similarity(gen_mols)
    )
    return out


def kl_score(generated: Sequence[str | None], reference: Sequence[str | None]) -> float:
    """GuacaMol's KL-divergence score in ``[0, 1]``: the mean of ``exp(-KL)`` over the ten
    distributions of :func:`kl_divergences` (1 when the sets match).

    Raises:
        EvaluationInputError: a set has fewer than two unique valid molecules.
    """
    kls = kl_divergences(generated, reference)
    return float(np.mean([math.exp(-kl) for kl in kls.values()]))
