"""2D depictions of molecules as SVG (RDKit's ``rdMolDraw2D``), with the atoms of matched
structural alerts (PAINS, Brenk) and of a SMARTS query highlighted.

Pure functions: the same arguments give the same SVG, so results are cached (small LRU).
Unparsable SMILES give ``None``; an unparsable SMARTS is ignored (nothing is highlighted).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rdkit import Chem
from rdkit.Chem.Draw import rdMolDraw2D

from molgen.chem.alerts import alert_catalog

__all__ = ["ALERT_COLOURS", "SMARTS_COLOUR", "AlertMatch", "alert_matches", "depict_svg"]

ALERT_COLOURS: dict[str, tuple[float, float, float]] = {
    "pains": (1.0, 0.55, 0.55),
    "brenk": (1.0, 0.78, 0.4),
}
"""Highlight colour (RGB in 0..1) of each alert set's atoms."""

SMARTS_COLOUR = (0.55, 0.75, 1.0)
"""Highlight colour of the atoms a SMARTS query matches."""

MAX_SIZE = 1000
_XML_HEADER = re.compile(r"^<\?xml[^>]*>\s*")


@dataclass(frozen=True)
class AlertMatch:
    """One matched alert: its set (``pains`` or ``brenk``), its name and the matched atoms."""

    kind: str
    name: str
    atoms: tuple[int, ...]


def alert_matches(mol: Chem.Mol, kinds: tuple[str, ...] = ("pains", "brenk")) -> list[AlertMatch]:
    """Every alert of the sets ``kinds`` that ``mol`` matches, with the atoms it covers.

    Args:
        mol: an RDKit molecule.
        kinds: alert sets, as in :func:`molgen.chem.alerts.alert_catalog`.

    Returns:
        One :class:`AlertMatch` per matched catalogue entry (atom indices of ``mol``).
    """
    found = []
    for kind in kinds:
        for entry in alert_catalog(kind).GetMatches(mol):
            atoms = {int(pair[1]) for fm in entry.GetFilterMatches(mol) for pair in fm.atomPairs}
            found.append(AlertMatch(kind, entry.GetDescription(), tuple(sorted(atoms))))
    return found


def _smarts_atoms(mol: Chem.Mol, smarts: str | None) -> set[int]:
    if not smarts:
        return set()
    pattern = Chem.MolFromSmarts(smarts)
    if pattern is None:
        return set()
    params = Chem.SubstructMatchParameters()
    params.maxMatches = 100
    return {i for match in mol.GetSubstructMatches(pattern, params) for i in match}


def depict_svg(
    smiles: str,
    *,
    alerts: bool = True,
    smarts: str | None = None,
    width: int = 280,
    height: int = 200,
) -> str | None:
    """An SVG drawing of ``smiles`` (no XML header, so it can be inlined in HTML).

    Args:
        smiles: the molecule.
        alerts: highlight the atoms of matched PAINS (red) and Brenk (orange) alerts.
        smarts: also highlight the atoms this substructure query matches (blue, drawn over
            alert colours).
        width: drawing width in pixels (clamped to 50..1000).
        height: drawing height in pixels (clamped to 50..1000).

    Returns:
        The SVG text, or None when the SMILES does not parse.
    """
    width = min(max(int(width), 50), MAX_SIZE)
    height = min(max(int(height), 50), MAX_SIZE)
    return _cached_svg(smiles, alerts, smarts or None, width, height)


@lru_cache(maxsize=1024)
def _cached_svg(
    smiles: str, alerts: bool, smarts: str | None, width: int, height: int
) -> str | None:
    mol = Chem.MolFromSmiles(smiles)
    if mol is None:
        return None
    colours: dict[int, tuple[float, float, float]] = {}
    if alerts:
        # Brenk first, so an atom in both sets shows as PAINS (the stronger warning).
        for match in sorted(alert_matches(mol), key=lambda m: m.kind != "brenk"):
            for atom in match.atoms:
                colours[atom] = ALERT_COLOURS[match.kind]
    for atom in _smarts_atoms(mol, smarts):  # the query's match shows over alerts
        colours[atom] = SMARTS_COLOUR
    bonds: dict[int, tuple[float, float, float]] = {}
    for bond in mol.GetBonds():
        begin, end = bond.GetBeginAtomIdx(), bond.GetEndAtomIdx()
        if begin in colours and end in colours and colours[begin] == colours[end]:
            bonds[bond.GetIdx()] = colours[begin]
    drawer = rdMolDraw2D.MolDraw2DSVG(width, height)
    drawer.drawOptions().clearBackground = False
    rdMolDraw2D.PrepareAndDrawMolecule(
        drawer,
        mol,
        highlightAtoms=list(colours),
        highlightAtomColors=colours,
        highlightBonds=list(bonds),
        highlightBondColors=bonds,
    )
    drawer.FinishDrawing()
    return _XML_HEADER.sub("", drawer.GetDrawingText())
