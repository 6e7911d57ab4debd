"""Molecular-formula (isomer) match, as GuacaMol's isomer scoring function.

For each element of the target formula, the molecule's count of that element (hydrogens
included) goes through a gaussian centred on the target count; so does the total atom
count. The raw value is the geometric mean of these, in [0, 1]: 1 for an exact isomer.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import ClassVar

import numpy as np
from pydantic import Field, field_validator
from rdkit import Chem

from molgen.scoring.components.base import ComponentContext, ComponentParams, register_component
from molgen.scoring.components.batch import MolBatch

__all__ = ["IsomerComponent", "IsomerParams", "atom_counts", "parse_formula"]

_TERM = re.compile(r"([A-Z][a-z]?)(\d*)")


def parse_formula(formula: str) -> dict[str, int]:
    """Element counts of a formula such as ``C9H8O4``.

    Raises:
        ValueError: not a formula of known element symbols with positive counts.
    """
    text = formula.strip()
    terms = _TERM.findall(text)
    if not text or "".join(e + n for e, n in terms) != text:
        raise ValueError(f"formula {formula!r} does not parse (e.g. C9H8O4)")
    table = Chem.GetPeriodicTable()
    counts: Counter[str] = Counter()
    for element, number in terms:
        try:
            table.GetAtomicNumber(element)
        except RuntimeError:
            raise ValueError(f"formula {formula!r}: unknown element {element!r}") from None
        counts[element] += int(number) if number else 1
    return dict(counts)


def atom_counts(mol: Chem.Mol) -> Counter[str]:
    """Count of each element in ``mol``, implicit hydrogens included."""
    return Counter(atom.GetSymbol() for atom in Chem.AddHs(mol).GetAtoms())


class IsomerParams(ComponentParams):
    """Parameters of ``isomer``.

    Attributes:
        formula: the target formula, e.g. ``C9H8O4``.
        sigma: width of each element's gaussian (GuacaMol: 1).
        total_sigma: width of the total atom count's gaussian (GuacaMol: 2).
    """

    formula: str
    sigma: float = Field(default=1.0, gt=0)
    total_sigma: float = Field(default=2.0, gt=0)

    @field_validator("formula")
    @classmethod
    def _parse(cls, formula: str) -> str:
        parse_formula(formula)
        return formula


@register_component("isomer", IsomerParams)
class IsomerComponent:
    """Closeness of the molecular formula to a target formula, 0..1 (1: an isomer)."""

    local: ClassVar[bool] = False

    def __init__(self, name: str, params: IsomerParams, context: ComponentContext) -> None:
        self.name, self.params = name, params
        self.target = parse_formula(params.formula)
        self.key = f"isomer:{params.model_dump_json()}"  # the cache key: same params, same values

    def _value(self, mol: Chem.Mol) -> float:
        counts = atom_counts(mol)
        terms = [(counts.get(e, 0), n, self.params.sigma) for e, n in self.target.items()]
        terms.append((sum(counts.values()), sum(self.target.values()), self.params.total_sigma))
        scores = [np.exp(-0.5 * ((x - mu) / sigma) ** 2) for x, mu, sigma in terms]
        return float(np.prod(scores) ** (1.0 / len(scores)))

    def __call__(self, batch: MolBatch) -> np.ndarray:
        """Formula closeness per molecule (NaN where invalid)."""
        return batch.values(self.key, self._value)
