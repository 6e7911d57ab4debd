"""CSV and SDF export of a query's results from a real SQLite store."""

from __future__ import annotations

import io

import pandas as pd
import pytest
import sqlalchemy as sa
from rdkit import Chem

from molgen.store.export import EXPORT_COLUMNS, MAX_EXPORT_ROWS, export
from molgen.store.query import CandidateQuery
from molgen.store.search import QueryError, search


def test_csv_holds_every_page_in_query_order(search_store: sa.Engine) -> None:
    query = CandidateQuery(properties={"qed": {"min": 0.5}}, sort_by="qed", page_size=3)
    text = export(search_store, query, "csv", 1000)
    frame = pd.read_csv(io.StringIO(text))
    everything = search(search_store, query.model_copy(update={"page_size": 500}))
    assert list(frame.columns) == list(EXPORT_COLUMNS)
    assert frame["candidate_id"].tolist() == [r.candidate_id for r in everything.rows]
    assert len(frame) == everything.total > 3  # not just the query's page
    first = everything.rows[0]
    assert frame.loc[0, "qed"] == pytest.approx(first.properties["qed"], rel=1e-12)
    assert frame.loc[0, "smiles"] == first.smiles and frame.loc[0, "run"] == first.run
    alerted = frame[frame["alerts"].notna()]
    assert alerted["alerts"].str.match(r"^(pains|brenk):[^;]+(;(pains|brenk):[^;]+)*$").all()


def test_csv_is_bounded_by_the_limit(search_store: sa.Engine) -> None:
    text = export(search_store, CandidateQuery(), "csv", 4)
    assert len(pd.read_csv(io.StringIO(text))) == 4
    with pytest.raises(QueryError, match=f"1 to {MAX_EXPORT_ROWS} rows"):
        export(search_store, CandidateQuery(), "csv", MAX_EXPORT_ROWS + 1)
    with pytest.raises(QueryError, match="format: use csv or sdf"):
        export(search_store, CandidateQuery(), "xlsx", 4)  # type: ignore[arg-type]


def test_sdf_has_molecules_with_properties_as_tags(search_store: sa.Engine) -> None:
    query = CandidateQuery(similar_to="CC(=O)Nc1ccc(O)cc1", top_k=5, sort_by="similarity")
    text = export(search_store, query, "sdf", 100)
    supplier = Chem.SDMolSupplier()
    supplier.SetData(text)
    mols = [m for m in supplier]
    rows = search(search_store, query).rows
    assert len(mols) == len(rows) == 5 and all(m is not None for m in mols)
    for mol, row in zip(mols, rows, strict=True):
        assert mol.GetProp("_Name") == row.inchikey
        assert Chem.MolToSmiles(mol) == row.smiles
        assert float(mol.GetProp("similarity")) == pytest.approx(row.similarity, rel=1e-12)
        assert float(mol.GetProp("qed")) == pytest.approx(row.properties["qed"], rel=1e-12)
        assert mol.GetProp("family") == row.family and mol.GetProp("run") == row.run
        assert mol.GetConformer().Is3D() is False


def test_export_refuses_a_bad_query(search_store: sa.Engine) -> None:
    with pytest.raises(QueryError, match="smarts: invalid SMARTS"):
        export(search_store, CandidateQuery(smarts="[C"), "sdf", 10)
