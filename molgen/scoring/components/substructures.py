"""Structural alerts and substructure matches: PAINS, Brenk, SMARTS lists, one SMARTS.

Raw values are 1/0 (matched or not) or, with ``count = true``, the number of alerts
(catalog entries, SMARTS patterns) or substructure matches. As a filter (role ``filter``
with ``transform = {kind = "step", high = 0}``) a matched alert zeroes the total; a
required substructure uses ``{kind = "step", low = 1}``.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from pydantic import Field, field_validator
from rdkit import Chem

from molgen.chem.alert_screen import match_alerts
from molgen.scoring.components.base import ComponentContext, ComponentParams, register_component
from molgen.scoring.components.batch import MolBatch

__all__ = [
    "AlertParams",
    "BrenkComponent",
    "PainsComponent",
    "SmartsAlertParams",
    "SmartsAlertsComponent",
    "SubstructureComponent",
    "SubstructureParams",
    "parse_smarts",
]


def parse_smarts(smarts: str) -> Chem.Mol:
    """The query molecule of ``smarts``.

    Raises:
        ValueError: the SMARTS does not parse (message names it).
    """
    query = Chem.MolFromSmarts(smarts) if smarts.strip() else None
    if query is None:
        raise ValueError(f"SMARTS {smarts!r} does not parse")
    return query


class AlertParams(ComponentParams):
    """Parameters of ``pains`` and ``brenk``.

    Attributes:
        count: raw value is the number of catalog entries matched, not 1/0.
    """

    count: bool = False


def _catalog_column(batch: MolBatch, kind: str, count: bool) -> np.ndarray:
    def compute(b: MolBatch) -> np.ndarray:
        matches = b.derived_batch(("alerts", kind), lambda mols: match_alerts(mols, (kind,)))
        values = [np.nan if m is None else (len(m) if count else float(bool(m))) for m in matches]
        return np.array(values, dtype=float)

    return batch.column(f"{kind}_count" if count else kind, compute)


class _CatalogComponent:
    local: ClassVar[bool] = False
    kind: ClassVar[str]

    def __init__(self, name: str, params: AlertParams, context: ComponentContext) -> None:
        self.name, self.count = name, params.count

    def __call__(self, batch: MolBatch) -> np.ndarray:
        """1/0 (or the count) of the catalog's alerts each molecule matches."""
        return _catalog_column(batch, self.kind, self.count)


@register_component("pains", AlertParams)
class PainsComponent(_CatalogComponent):
    """PAINS alerts (RDKit FilterCatalog): 1 if any matches (or the number matched)."""

    kind = "pains"


@register_component("brenk", AlertParams)
class BrenkComponent(_CatalogComponent):
    """Brenk alerts (RDKit FilterCatalog): 1 if any matches (or the number matched)."""

    kind = "brenk"


class SmartsAlertParams(ComponentParams):
    """Parameters of ``alerts``: your own SMARTS alert list.

    Attributes:
        smarts: the alert patterns (at least one; each must parse).
        count: raw value is the number of patterns matched, not 1/0.
    """

    smarts: list[str] = Field(min_length=1)
    count: bool = False

    @field_validator("smarts")
    @classmethod
    def _parse(cls, smarts: list[str]) -> list[str]:
        for text in smarts:
            parse_smarts(text)
        return smarts


@register_component("alerts", SmartsAlertParams)
class SmartsAlertsComponent:
    """A SMARTS alert list: 1 if any pattern matches (or the number of patterns matched)."""

    local: ClassVar[bool] = False

    def __init__(self, name: str, params: SmartsAlertParams, context: ComponentContext) -> None:
        self.name, self.count = name, params.count
        self.queries = [parse_smarts(s) for s in params.smarts]
        self.key = f"alerts:{params.model_dump_json()}"  # the cache key: same params, same values

    def _value(self, mol: Chem.Mol) -> int:
        hits = sum(mol.HasSubstructMatch(q) for q in self.queries)
        return hits if self.count else int(hits > 0)

    def __call__(self, batch: MolBatch) -> np.ndarray:
        """Matched patterns per molecule (NaN where invalid)."""
        return batch.values(self.key, self._value)


class SubstructureParams(ComponentParams):
    """Parameters of ``substructure``.

    Attributes:
        smarts: the substructure.
        count: raw value is the number of (unique) matches, not 1/0.
        use_chirality: stereochemistry must match too.
    """

    smarts: str
    count: bool = False
    use_chirality: bool = False

    @field_validator("smarts")
    @classmethod
    def _parse(cls, smarts: str) -> str:
        parse_smarts(smarts)
        return smarts


@register_component("substructure", SubstructureParams)
class SubstructureComponent:
    """A SMARTS substructure: 1 if present (or the number of matches), else 0."""

    local: ClassVar[bool] = False

    def __init__(self, name: str, params: SubstructureParams, context: ComponentContext) -> None:
        self.name, self.params = name, params
        self.query = parse_smarts(params.smarts)
        self.key = f"substructure:{params.model_dump_json()}"

    def _value(self, mol: Chem.Mol) -> int:
        chiral = self.params.use_chirality
        if self.params.count:
            return len(mol.GetSubstructMatches(self.query, useChirality=chiral, maxMatches=10**6))
        return int(mol.HasSubstructMatch(self.query, useChirality=chiral))

    def __call__(self, batch: MolBatch) -> np.ndarray:
        """Presence (or match count) per molecule (NaN where invalid)."""
        return batch.values(self.key, self._value)
