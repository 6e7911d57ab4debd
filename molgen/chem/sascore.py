"""Synthetic accessibility (Ertl & Schuffenhauer) with RDKit's Contrib SA_Score.

The fragment contributions ship inside the rdkit wheel (``fpscores.pkl.gz`` next to
``sascorer.py``); they are read from there once per process and never downloaded.
"""

from __future__ import annotations

from functools import cache

from rdkit import Chem
from rdkit.Contrib.SA_Score import sascorer

__all__ = ["load_fragment_scores", "sa_score"]


@cache
def load_fragment_scores() -> None:
    """Load the bundled fragment scores once per process (forked workers inherit them)."""
    sascorer.readFragmentScores()


def sa_score(mol: Chem.Mol) -> float | None:
    """SA score from 1 (easy to make) to 10 (hard), or None for a molecule with no atoms."""
    load_fragment_scores()
    score = sascorer.calculateScore(mol)
    return None if score is None else float(score)
