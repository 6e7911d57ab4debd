"""A batch of molecules parsed once and shared by every scoring component.

A :class:`MolBatch` holds the input SMILES, the RDKit molecules (None where invalid), the
valid mask and the canonical SMILES, plus a cache of derived data (per-molecule values,
fingerprints per spec) so that two components needing the same thing compute it once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
from rdkit import Chem

from molgen.chem.fingerprints import FingerprintSpec, fingerprint
from molgen.chem.mol import mol_from_smiles

__all__ = ["MolBatch"]

logger = logging.getLogger(__name__)


def _parse(text: str | None) -> tuple[Chem.Mol | None, str | None]:
    """The molecule and canonical SMILES of ``text``; the molecule is re-parsed from the
    canonical SMILES, so values never depend on how the input was written (float sums
    such as logP follow atom order). ``(None, None)`` for no molecule or no atoms."""
    mol = mol_from_smiles(text)
    if mol is None or mol.GetNumAtoms() == 0:
        return None, None
    canonical = Chem.MolToSmiles(mol)
    if canonical != text:
        mol = mol_from_smiles(canonical) or mol
    return mol, canonical


class MolBatch:
    """Molecules of one batch, parsed once, with a cache of derived data.

    Build with :meth:`from_smiles` (parses now) or :meth:`from_canonical` (canonical
    SMILES already known, e.g. from a property table; molecules are parsed on first use,
    and known per-molecule values can be given so they are not computed again).

    Attributes:
        smiles: the input SMILES, in order.
        canonical: canonical SMILES per input, None where invalid.
        valid: boolean mask of the inputs that gave a molecule.
    """

    def __init__(
        self,
        smiles: Sequence[str | None],
        canonical: Sequence[str | None],
        valid: np.ndarray,
        mols: list[Chem.Mol | None] | None = None,
        known: Mapping[str, np.ndarray] | None = None,
    ) -> None:
        self.smiles = list(smiles)
        self.canonical = list(canonical)
        self.valid = np.asarray(valid, dtype=bool)
        self._mols = mols
        self._values: dict[str, np.ndarray] = dict(known or {})
        self._derived: dict[Any, list[Any]] = {}

    @classmethod
    def from_smiles(cls, smiles: Sequence[str | None]) -> MolBatch:
        """Parse every input once (None, empty, unparsable or atom-less inputs are invalid)."""
        parsed = [_parse(s) for s in smiles]
        mols = [mol for mol, _ in parsed]
        canonical = [text for _, text in parsed]
        valid = np.array([mol is not None for mol in mols], dtype=bool)
        return cls(smiles, canonical, valid, mols=mols)

    @classmethod
    def from_canonical(
        cls,
        canonical: Sequence[str | None],
        valid: np.ndarray,
        known: Mapping[str, np.ndarray] | None = None,
    ) -> MolBatch:
        """A batch of canonical SMILES whose molecules are parsed on first use.

        Args:
            canonical: canonical SMILES (anything where ``valid`` is False is ignored).
            valid: which rows hold a molecule.
            known: per-molecule float values already computed, by the key components use
                with :meth:`values` (e.g. ``"qed"``).
        """
        valid = np.asarray(valid, dtype=bool)
        texts = [c if ok else None for c, ok in zip(canonical, valid, strict=True)]
        return cls(texts, texts, valid, known=known)

    def __len__(self) -> int:
        return len(self.smiles)

    @property
    def mols(self) -> list[Chem.Mol | None]:
        """One RDKit molecule per input (None where invalid), parsed once."""
        if self._mols is None:
            self._mols = [mol_from_smiles(c) if ok else None
                          for c, ok in zip(self.canonical, self.valid, strict=True)]  # fmt: skip
        return self._mols

    def derived(self, key: Any, fn: Callable[[Chem.Mol], Any]) -> list[Any]:
        """``fn(mol)`` per molecule (None where invalid), computed once per ``key``.

        An RDKit error on one molecule is logged and gives None for that molecule.
        """
        if key not in self._derived:
            out: list[Any] = []
            for mol in self.mols:
                if mol is None:
                    out.append(None)
                    continue
                try:
                    out.append(fn(mol))
                except Exception as exc:  # RDKit raises assorted errors on exotic molecules
                    logger.warning("%s failed for %s: %s", key, Chem.MolToSmiles(mol), exc)
                    out.append(None)
            self._derived[key] = out
        return self._derived[key]

    def derived_batch(self, key: Any, fn: Callable[[list[Chem.Mol]], list[Any]]) -> list[Any]:
        """Like :meth:`derived`, with ``fn`` taking every valid molecule at once."""
        if key not in self._derived:
            present = [mol for mol in self.mols if mol is not None]
            results = iter(fn(present))
            self._derived[key] = [None if mol is None else next(results) for mol in self.mols]
        return self._derived[key]

    def column(self, key: str, compute: Callable[[MolBatch], np.ndarray]) -> np.ndarray:
        """A float per molecule, ``compute(self)``, computed once per ``key`` unless the
        batch was given it (see :meth:`from_canonical`)."""
        if key not in self._values:
            self._values[key] = np.asarray(compute(self), dtype=float)
        return self._values[key]

    def values(self, key: str, fn: Callable[[Chem.Mol], float | int | bool | None]) -> np.ndarray:
        """:meth:`column` of ``fn(mol)`` per molecule; NaN where invalid, None or failed."""

        def compute(batch: MolBatch) -> np.ndarray:
            found = batch.derived(("value", key), fn)
            return np.array([np.nan if v is None else float(v) for v in found], dtype=float)

        return self.column(key, compute)

    def fingerprints(self, spec: FingerprintSpec) -> list[Any]:
        """The fingerprint of each molecule for ``spec`` (None where invalid), once per spec."""
        key = ("fingerprint", *spec.model_dump().values())
        return self.derived(key, lambda mol: fingerprint(mol, spec))
