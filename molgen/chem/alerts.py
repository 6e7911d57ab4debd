"""Structural alerts (PAINS, Brenk) with RDKit's FilterCatalog."""

from __future__ import annotations

from functools import cache

from rdkit import Chem
from rdkit.Chem.FilterCatalog import FilterCatalog, FilterCatalogParams

__all__ = ["alert_catalog", "alert_names", "has_alert"]

_CATALOGS = {
    "pains": FilterCatalogParams.FilterCatalogs.PAINS,
    "brenk": FilterCatalogParams.FilterCatalogs.BRENK,
}


@cache
def alert_catalog(kind: str) -> FilterCatalog:
    """The RDKit FilterCatalog for ``kind`` (``pains`` or ``brenk``), built once per process."""
    if kind not in _CATALOGS:
        raise ValueError(f"unknown alert set {kind!r}; known: {', '.join(_CATALOGS)}")
    params = FilterCatalogParams()
    params.AddCatalog(_CATALOGS[kind])
    return FilterCatalog(params)


def has_alert(mol: Chem.Mol, kind: str) -> bool:
    """Whether ``mol`` matches any alert of the set ``kind``."""
    return alert_catalog(kind).HasMatch(mol)


def alert_names(mol: Chem.Mol, kind: str) -> list[str]:
    """Descriptions of every alert of set ``kind`` that ``mol`` matches."""
    return [entry.GetDescription() for entry in alert_catalog(kind).GetMatches(mol)]
