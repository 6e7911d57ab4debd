"""Per-molecule curation of one chunk: parse, standardise, filter, InChIKey, properties.

:func:`process_chunk` is the function the curate stage maps over chunks in worker
processes; it takes a reader chunk and plain :class:`ChunkSettings`, holds RDKit
molecules only while the chunk is processed, and returns plain DataFrames.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from rdkit import Chem
from rdkit.Chem import Crippen, Descriptors, rdMolDescriptors

from molgen.chem.filters import element_reason, filter_reason
from molgen.chem.mol import mol_from_smiles, mol_to_inchikey
from molgen.chem.scaffold import murcko_scaffold
from molgen.chem.standardize import standardize_mol
from molgen.data.config import CurateConfig
from molgen.utils.errors import ConfigError

__all__ = [
    "MAX_INPUT_LENGTH",
    "PROPERTIES",
    "ChunkResult",
    "ChunkSettings",
    "described",
    "process_chunk",
    "process_item",
]

MAX_INPUT_LENGTH = 1000
"""Inputs longer than this many characters are rejected before parsing."""

PROPERTIES = ("mw", "logp", "heavy_atoms", "rings")
"""Properties computed for every kept molecule (for the summary's distributions)."""


@dataclass(frozen=True)
class ChunkSettings:
    """Plain, picklable settings for :func:`process_chunk`.

    Attributes:
        standardize: keyword arguments of :func:`molgen.chem.standardize.standardize_mol`.
        filters: keyword arguments of :func:`molgen.chem.filters.filter_reason`.
        with_scaffold: also compute each kept molecule's Murcko scaffold.
        max_input_length: longest input accepted, in characters.
        property_every: compute the :data:`PROPERTIES` of 1 kept molecule in this many,
            chosen by :func:`described`; the others get NaN.
    """

    standardize: dict[str, bool] = field(default_factory=dict)
    filters: dict[str, Any] = field(default_factory=dict)
    with_scaffold: bool = False
    max_input_length: int = MAX_INPUT_LENGTH
    property_every: int = 1

    @classmethod
    def from_config(cls, config: CurateConfig, with_scaffold: bool = False) -> ChunkSettings:
        """Settings from a curate config.

        Raises:
            ConfigError: ``filters.allowed_elements`` holds something that is not an element.
        """
        filters = config.filters.model_dump()
        filters["allowed_elements"] = frozenset(filters["allowed_elements"])
        try:
            element_reason(Chem.MolFromSmiles("C"), filters["allowed_elements"])
        except ValueError as exc:
            raise ConfigError(f"curate.filters.allowed_elements: {exc}") from None
        return cls(config.standardize.model_dump(), filters, with_scaffold)


@dataclass
class ChunkResult:
    """What one chunk turned into.

    Attributes:
        source: the chunk's ``source`` label.
        kept: ``smiles`` (canonical), ``inchikey``, ``source``, ``row``, ``input`` and the
            source's other columns, for molecules that passed (not yet deduplicated).
        properties: one row per kept molecule with the columns of :data:`PROPERTIES` (NaN
            for those left out by ``property_every``).
        scaffolds: Murcko scaffold per kept molecule, when asked for.
        rejects: ``source``, ``row``, ``input``, ``reason``.
    """

    source: str
    kept: pd.DataFrame
    properties: pd.DataFrame
    scaffolds: list[str] | None
    rejects: pd.DataFrame


def _missing_reason(source: str) -> str:
    if source.lower().removesuffix(".gz").endswith(".sdf"):
        return "unreadable SD record"
    return "empty SMILES"


def curate_one(text: Any, source: str, settings: ChunkSettings) -> tuple[Chem.Mol | None, str]:
    """Parse, standardise and filter one input.

    Returns:
        ``(molecule, canonical SMILES)`` when it passes, else ``(None, reason)``.
    """
    if text is None or (isinstance(text, float) and text != text):
        return None, _missing_reason(source)
    text = str(text).strip()
    if not text:
        return None, "empty SMILES"
    if len(text) > settings.max_input_length:
        return None, f"input too long ({len(text)} characters > {settings.max_input_length})"
    mol = mol_from_smiles(text)
    if mol is None:
        return None, "invalid SMILES"
    mol = standardize_mol(mol, **settings.standardize)
    if mol is None or mol.GetNumAtoms() == 0:
        return None, "standardisation failed"
    reason = filter_reason(mol, **settings.filters)
    if reason is not None:
        return None, reason
    return mol, Chem.MolToSmiles(mol)


def described(inchikey: str, every: int) -> bool:
    """Whether the molecule with ``inchikey`` is one of the 1 in ``every`` whose properties
    the summary describes: a hash of the key, so the choice does not depend on chunking,
    worker count or input order."""
    return every <= 1 or zlib.crc32(inchikey.encode()) % every == 0


_NO_PROPERTIES = (math.nan,) * len(PROPERTIES)


def _properties(mol: Chem.Mol) -> tuple[float, float, int, int]:
    return (
        Descriptors.MolWt(mol),
        Crippen.MolLogP(mol),
        mol.GetNumHeavyAtoms(),
        rdMolDescriptors.CalcNumRings(mol),
    )


def process_chunk(chunk: pd.DataFrame, settings: ChunkSettings) -> ChunkResult:
    """Curate one reader chunk (``source``, ``row``, ``input``, ``read_error`` and other
    columns).

    Every input ends up either in ``kept`` or in ``rejects`` with a reason; a row the
    reader could not use (``read_error`` set) is rejected with that reason.
    """
    keep_at: list[int] = []
    smiles: list[str] = []
    keys: list[str] = []
    props: list[tuple[float, ...]] = []
    scaffolds: list[str] = []
    reject_at: list[int] = []
    reasons: list[str] = []
    sources = chunk["source"].tolist()
    read_errors = chunk["read_error"].tolist() if "read_error" in chunk else None
    for i, text in enumerate(chunk["input"].tolist()):
        if read_errors is not None and isinstance(read_errors[i], str):
            reject_at.append(i)
            reasons.append(read_errors[i])
            continue
        mol, result = curate_one(text, sources[i], settings)
        if mol is not None:
            key = mol_to_inchikey(mol)
            scaffold = murcko_scaffold(mol) if settings.with_scaffold else ""
            if key is None:
                mol, result = None, "no InChIKey (InChI generation failed)"
            elif scaffold is None:
                mol, result = None, "no Murcko scaffold"
        if mol is None:
            reject_at.append(i)
            reasons.append(result)
            continue
        keep_at.append(i)
        smiles.append(result)
        keys.append(key)
        props.append(
            _properties(mol) if described(key, settings.property_every) else _NO_PROPERTIES
        )
        scaffolds.append(scaffold)
    kept = chunk.iloc[keep_at].drop(columns=["read_error"], errors="ignore")
    kept = kept.reset_index(drop=True)
    kept.insert(0, "smiles", pd.Series(smiles, dtype=object))
    kept.insert(1, "inchikey", pd.Series(keys, dtype=object))
    rejects = chunk.iloc[reject_at][["source", "row", "input"]].reset_index(drop=True)
    rejects["input"] = rejects["input"].astype(object)
    rejects["reason"] = pd.Series(reasons, dtype=object)
    return ChunkResult(
        source=str(sources[0]) if sources else "",
        kept=kept,
        properties=pd.DataFrame(props, columns=list(PROPERTIES)),
        scaffolds=scaffolds if settings.with_scaffold else None,
        rejects=rejects,
    )


def process_item(item: tuple[pd.DataFrame, ChunkSettings]) -> ChunkResult:
    """:func:`process_chunk` on a ``(chunk, settings)`` pair, for one stream of work
    that mixes sources with different settings."""
    chunk, settings = item
    return process_chunk(chunk, settings)
