"""The screened batch alert matcher gives FilterCatalog's exact answers."""

from __future__ import annotations

import pandas as pd
from rdkit import Chem

from molgen.chem.alert_screen import ALERT_KINDS, entry_query, match_alerts
from molgen.chem.alerts import alert_catalog, alert_names

HITS = [
    "S=C1SC(=Cc2ccccc2)C(=O)N1",
    "Oc1ccccc1O",
    "O=C1C=CC(=O)C=C1",
    "CCN(CC)c1ccc(N=Nc2ccccc2)cc1",
    "CN(C)c1ccc(C=C)cc1",
    "Nc1ccc(O)cc1",
    "CCCCCCCCCCCC",
]


def test_every_builtin_entry_yields_its_query():
    for kind in ALERT_KINDS:
        catalog = alert_catalog(kind)
        for index in range(catalog.GetNumEntries()):
            query = entry_query(catalog.GetEntryWithIdx(index))
            assert query is not None and query.GetNumAtoms() > 0


def test_query_is_the_entrys_own_pattern():
    catalog = alert_catalog("brenk")
    entry = next(
        catalog.GetEntryWithIdx(i)
        for i in range(catalog.GetNumEntries())
        if catalog.GetEntryWithIdx(i).GetDescription() == "Aliphatic_long_chain"
    )
    query = entry_query(entry)
    for smiles in ("CCCCCCCCCCCC", "CCCCC", "c1ccccc1CCCCCCCC"):
        mol = Chem.MolFromSmiles(smiles)
        assert mol.HasSubstructMatch(query) == entry.HasFilterMatch(mol)


def test_matches_equal_filter_catalog(data_dir):
    smiles = pd.read_csv(data_dir / "moses_300.csv")["smiles"].tolist() + HITS
    mols = [Chem.MolFromSmiles(s) for s in smiles]
    found = match_alerts(mols)
    assert sum(any(kind == "pains" for kind, _ in f) for f in found) >= 6
    for mol, matches in zip(mols, found, strict=True):
        want = [(kind, name) for kind in ALERT_KINDS for name in alert_names(mol, kind)]
        assert matches == want


def test_empty_batch_and_single_kind():
    assert match_alerts([]) == []
    mol = Chem.MolFromSmiles("Oc1ccccc1O")
    assert match_alerts([mol], kinds=("pains",)) == [[("pains", "catechol_A(92)")]]
