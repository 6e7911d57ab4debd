"""RDKit SVG depictions with alert and SMARTS highlights (real RDKit, real FilterCatalog)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from rdkit import Chem

from molgen.server.depict import ALERT_COLOURS, SMARTS_COLOUR, alert_matches, depict_svg

# A catechol (PAINS catechol_A, Brenk catechol) with a Michael acceptor (Brenk only).
CATECHOL = "O=C(C=Cc1ccc(O)c(O)c1)N"
CLEAN = "CC(=O)Nc1ccc(cc1)C(=O)O"


def _fills(svg: str) -> list[tuple[int, int, int]]:
    """Every fill colour of the drawing, as 0..255 RGB."""
    found = re.findall(r"fill:#([0-9A-Fa-f]{2})([0-9A-Fa-f]{2})([0-9A-Fa-f]{2})", svg)
    return [tuple(int(h, 16) for h in rgb) for rgb in found]


def _has(svg: str, colour: tuple[float, float, float]) -> bool:
    """Whether some fill is ``colour`` (RDKit rounds channels either way)."""
    want = [c * 255 for c in colour]
    return any(
        all(abs(a - b) <= 1 for a, b in zip(fill, want, strict=True)) for fill in _fills(svg)
    )


def test_svg_is_well_formed_and_inline_ready() -> None:
    svg = depict_svg(CLEAN, width=300, height=220)
    assert svg is not None
    assert not svg.startswith("<?xml")  # can be inlined in HTML
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    assert root.get("width") == "300px" and root.get("height") == "220px"


def test_alert_atoms_are_highlighted_in_their_set_colour() -> None:
    svg = depict_svg(CATECHOL)
    assert _has(svg, ALERT_COLOURS["pains"])
    assert _has(svg, ALERT_COLOURS["brenk"])  # the Michael acceptor is Brenk only
    assert not _has(depict_svg(CATECHOL, alerts=False), ALERT_COLOURS["pains"])


def test_clean_molecule_has_no_highlight() -> None:
    svg = depict_svg(CLEAN)
    assert not any(_has(svg, c) for c in (*ALERT_COLOURS.values(), SMARTS_COLOUR))


def test_smarts_match_is_highlighted_and_bad_smarts_is_ignored() -> None:
    assert _has(depict_svg(CLEAN, smarts="C(=O)[OH]"), SMARTS_COLOUR)
    assert not _has(depict_svg(CLEAN, smarts="[NX3"), SMARTS_COLOUR)
    assert not _has(depict_svg(CLEAN, smarts="S(=O)(=O)N"), SMARTS_COLOUR)


def test_alert_matches_name_the_atoms() -> None:
    mol = Chem.MolFromSmiles(CATECHOL)
    matches = {(m.kind, m.name): m.atoms for m in alert_matches(mol)}
    assert ("pains", "catechol_A(92)") in matches
    assert ("brenk", "Michael_acceptor_1") in matches
    catechol = matches[("pains", "catechol_A(92)")]
    assert {mol.GetAtomWithIdx(i).GetSymbol() for i in catechol} == {"C", "O"}
    assert len(catechol) == 8  # the ring and both hydroxyl oxygens
    assert alert_matches(Chem.MolFromSmiles(CLEAN)) == []


def test_unparsable_smiles_gives_none_and_sizes_are_clamped() -> None:
    assert depict_svg("not a smiles") is None
    root = ET.fromstring(depict_svg(CLEAN, width=10**6, height=1))
    assert root.get("width") == "1000px" and root.get("height") == "50px"
