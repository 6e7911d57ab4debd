"""PAINS and Brenk alerts for a batch of molecules, fast, with FilterCatalog's exact answers.

Matching one molecule against RDKit's 585 PAINS and Brenk entries costs 585 substructure
searches (about 1.8 ms). Most of them cannot succeed, and RDKit's pattern fingerprint,
which is built for substructure screening, says which: a query can match a molecule only
if every bit of the query's pattern fingerprint is also set in the molecule's. So each
entry is tried only on the molecules that pass that screen, and the entry's own
``HasFilterMatch`` decides, which keeps the results identical to
:func:`molgen.chem.alerts.alert_names`. The screen is a bitwise AND over a whole batch.

FilterCatalog does not expose an entry's query, so it is read back from the entry's
public serialisation (a boost text archive holding the matcher's name and the pickled
query). An entry whose archive does not have that exact layout is never screened out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
from rdkit import Chem
from rdkit.Chem.FilterCatalog import FilterCatalogEntry

from molgen.chem.alerts import alert_catalog

__all__ = ["ALERT_KINDS", "entry_query", "match_alerts", "warm_up"]

ALERT_KINDS = ("pains", "brenk")
FP_SIZE = 2048
_ARCHIVE_HEAD = re.compile(rb"\A\d+ serialization::archive [^\n]*\n[^\n]*\n\d+ \d+ \d+ (\d+) ")
_LENGTH = re.compile(rb" (\d+) ")
_PICKLE_MAGIC = b"\xef\xbe\xad\xde"  # RDKit's binary molecule format starts with 0xDEADBEEF


def entry_query(entry: FilterCatalogEntry) -> Chem.Mol | None:
    """The query molecule of a single-pattern FilterCatalog entry.

    Returns:
        The query, or None when the serialisation is not ``<name length> <name>
        <pickle length> <pickle>`` with the entry's own description as the name.
    """
    data = entry.Serialize()
    head = _ARCHIVE_HEAD.match(data)
    if head is None:
        return None
    name_end = head.end() + int(head.group(1))
    if data[head.end() : name_end] != entry.GetDescription().encode():
        return None
    length = _LENGTH.match(data, name_end)
    if length is None:
        return None
    pickle = data[length.end() : length.end() + int(length.group(1))]
    if not pickle.startswith(_PICKLE_MAGIC):
        return None
    try:
        query = Chem.Mol(pickle)
    except RuntimeError:
        return None
    return query if query.GetNumAtoms() else None


@dataclass(frozen=True)
class _Screen:
    """Catalog entries in order, their alert set, and their query fingerprint bits."""

    entries: tuple[FilterCatalogEntry, ...]
    kinds: tuple[str, ...]
    bits: tuple[np.ndarray | None, ...]  # None: no usable query, always tried


def _bits(fingerprint) -> np.ndarray:
    return np.flatnonzero(np.frombuffer(fingerprint.ToBitString().encode(), np.uint8) == 49)


@cache
def _screen(kinds: tuple[str, ...]) -> _Screen:
    entries, labels, bits = [], [], []
    for kind in kinds:
        catalog = alert_catalog(kind)
        for index in range(catalog.GetNumEntries()):
            entry = catalog.GetEntryWithIdx(index)
            query = entry_query(entry)
            on = None if query is None else _bits(Chem.PatternFingerprint(query, fpSize=FP_SIZE))
            entries.append(entry)
            labels.append(kind)
            bits.append(on if on is None or len(on) else None)
    return _Screen(tuple(entries), tuple(labels), tuple(bits))


def warm_up(kinds: Sequence[str] = ALERT_KINDS) -> None:
    """Build the screen now (e.g. before forking workers, which then inherit it)."""
    _screen(tuple(kinds))


def match_alerts(
    mols: Sequence[Chem.Mol], kinds: Sequence[str] = ALERT_KINDS
) -> list[list[tuple[str, str]]]:
    """Every alert each molecule matches.

    Args:
        mols: sanitised RDKit molecules (not None).
        kinds: alert sets, as in :func:`molgen.chem.alerts.alert_catalog`.

    Returns:
        Per molecule, ``(kind, description)`` pairs in catalog order: for each kind, the
        same names as ``alert_names(mol, kind)``.
    """
    screen = _screen(tuple(kinds))
    found: list[list[tuple[str, str]]] = [[] for _ in mols]
    if not mols:
        return found
    text = "".join(Chem.PatternFingerprint(m, fpSize=FP_SIZE).ToBitString() for m in mols)
    on = np.frombuffer(text.encode(), np.uint8).reshape(len(mols), FP_SIZE) == 49
    columns = np.packbits(on.T, axis=1)  # one row of molecule bits per fingerprint bit
    everyone = np.arange(len(mols))
    for entry, kind, bits in zip(screen.entries, screen.kinds, screen.bits, strict=True):
        if bits is None:
            candidates = everyone
        else:
            passed = np.bitwise_and.reduce(columns[bits], axis=0)
            candidates = np.flatnonzero(np.unpackbits(passed, count=len(mols)))
        for i in candidates:
            if entry.HasFilterMatch(mols[i]):
                found[i].append((kind, entry.GetDescription()))
    return found
