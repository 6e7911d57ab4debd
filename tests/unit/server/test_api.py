"""The HTTP API and page routes, through the real FastAPI app over a real SQLite store
filled by the store's own ingestion (see tests/server_store.py)."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from rdkit import Chem

from molgen.server import create_app
from molgen.store.search import SearchLimits
from molgen.utils.errors import MolgenError
from tests.server_store import ALERT_SMILES, RUN_A, TRACKING_A, StoreFixture, build_store


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> StoreFixture:
    return build_store(tmp_path_factory.mktemp("server_store"))


@pytest.fixture(scope="module")
def client(store: StoreFixture) -> Iterator[TestClient]:
    app = create_app(store.url, train_dir=str(store.train_dir))
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def _inchikey(smiles: str) -> str:
    return Chem.MolToInchiKey(Chem.MolFromSmiles(smiles))


def test_post_query_filters_counts_and_sorts(client: TestClient, store: StoreFixture) -> None:
    body = {"properties": {"qed": {"min": 0.7}}, "pains": False, "page_size": 10}
    response = client.post("/api/query", json=body)
    assert response.status_code == 200
    page = response.json()
    expected = store.candidates[(store.candidates.qed >= 0.7) & ~store.candidates.pains]
    assert page["total"] == len(expected)
    assert len(page["rows"]) == 10
    assert all(r["properties"]["qed"] >= 0.7 and not r["pains"] for r in page["rows"])
    scores = [r["score"] for r in page["rows"]]
    assert scores == sorted(scores, reverse=True)
    assert scores[0] == pytest.approx(expected.score.max())


def test_get_candidates_is_the_same_query(client: TestClient) -> None:
    post = client.post(
        "/api/query",
        json={"properties": {"mw": {"max": 350}}, "families": ["vae"], "sort_by": "mw"},
    ).json()
    get = client.get(
        "/api/candidates", params={"mw_max": 350, "families": "vae", "sort_by": "mw"}
    ).json()
    assert get["total"] == post["total"] > 0
    assert [r["candidate_id"] for r in get["rows"]] == [r["candidate_id"] for r in post["rows"]]
    assert {r["family"] for r in get["rows"]} == {"vae"}


def test_pagination_and_ascending_sort(client: TestClient, store: StoreFixture) -> None:
    def page(n: int, size: int) -> list[dict]:
        params = {"sort_by": "mw", "descending": "false", "page": n, "page_size": size}
        return client.get("/api/candidates", params=params).json()["rows"]

    first, second, both = page(1, 7), page(2, 7), page(1, 14)
    assert [r["candidate_id"] for r in first + second] == [r["candidate_id"] for r in both]
    weights = [r["properties"]["mw"] for r in both]
    assert weights == sorted(weights)
    assert weights[0] == pytest.approx(store.candidates.mw.min())
    last = len(store.candidates) // 7 + 1
    assert len(page(last, 7)) == len(store.candidates) % 7
    assert page(last + 1, 7) == []


def test_substructure_and_similarity(client: TestClient, store: StoreFixture) -> None:
    hits = client.get("/api/candidates", params={"smarts": "S(=O)(=O)N", "page_size": 500}).json()
    pattern = Chem.MolFromSmarts("S(=O)(=O)N")
    expected = [
        s for s in store.candidates.smiles if Chem.MolFromSmiles(s).HasSubstructMatch(pattern)
    ]
    assert hits["total"] == len(expected) > 0
    query = store.candidates.smiles[0]
    similar = client.get(
        "/api/candidates", params={"similar_to": query, "top_k": 3, "sort_by": "similarity"}
    ).json()
    assert similar["rows"][0]["smiles"] == query
    assert similar["rows"][0]["similarity"] == pytest.approx(1.0)


def test_molecule_detail_with_provenance_and_neighbours(
    client: TestClient, store: StoreFixture
) -> None:
    both = set(store.scores["char_rnn"].inchikey) & set(store.scores["vae"].inchikey)
    key = sorted(both)[0]
    response = client.get(f"/api/molecules/{key}")
    assert response.status_code == 200
    detail = response.json()
    assert detail["inchikey"] == key
    assert {c["family"] for c in detail["candidates"]} == {"char_rnn", "vae"}
    assert RUN_A in {c["mlflow_run_id"] for c in detail["candidates"]}
    assert set(detail["properties"]) >= {"qed", "mw", "logp", "sa", "tpsa"}
    assert detail["neighbours"], "the server was given a training set"
    assert all(0.0 <= sim <= 1.0 for _, sim in detail["neighbours"])


def test_unknown_molecule_is_a_404_with_a_message(client: TestClient) -> None:
    response = client.get("/api/molecules/AAAAAAAAAAAAAA-BBBBBBBBBB-N")
    assert response.status_code == 404
    assert "AAAAAAAAAAAAAA-BBBBBBBBBB-N" in response.json()["error"]
    assert client.get("/api/molecules/AAAAAAAAAAAAAA-BBBBBBBBBB-N/depiction.svg").status_code == 404


def test_depiction_highlights_alerts(client: TestClient) -> None:
    response = client.get(f"/api/molecules/{_inchikey(ALERT_SMILES[0])}/depiction.svg")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    svg = response.text
    assert ET.fromstring(svg).tag.endswith("svg")
    assert "fill:#FF8C8C" in svg  # PAINS colour
    plain = client.get(
        f"/api/molecules/{_inchikey(ALERT_SMILES[0])}/depiction.svg", params={"alerts": "false"}
    ).text
    assert "fill:#FF8C8C" not in plain
    drawn = client.get("/api/depict.svg", params={"smiles": "c1ccccc1O", "width": 120})
    assert drawn.status_code == 200 and "width='120px'" in drawn.text
    assert client.get("/api/depict.svg", params={"smiles": "C1CC"}).status_code == 400


def test_csv_export_holds_every_match(client: TestClient, store: StoreFixture) -> None:
    response = client.post(
        "/api/export",
        params={"format": "csv"},
        json={"properties": {"qed": {"min": 0.6}}, "page_size": 5},
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert 'filename="molgen-candidates.csv"' in response.headers["content-disposition"]
    table = pd.read_csv(io.StringIO(response.text))
    assert len(table) == int((store.candidates.qed >= 0.6).sum())  # all pages, not just one
    assert {"smiles", "inchikey", "qed", "family"} <= set(table.columns)
    assert (table.qed >= 0.6).all()
    got = client.get("/api/export", params={"format": "csv", "qed_min": 0.6})
    assert got.status_code == 200 and pd.read_csv(io.StringIO(got.text)).shape == table.shape


def test_sdf_export_reads_back(client: TestClient, tmp_path: Path) -> None:
    response = client.get("/api/export", params={"format": "sdf", "families": "vae", "limit": 5})
    assert response.status_code == 200
    assert 'filename="molgen-candidates.sdf"' in response.headers["content-disposition"]
    path = tmp_path / "out.sdf"
    path.write_bytes(response.content)
    mols = [m for m in Chem.SDMolSupplier(str(path)) if m is not None]
    assert len(mols) == 5
    assert all(m.HasProp("inchikey") or m.HasProp("InChIKey") for m in mols)


@pytest.mark.parametrize(
    ("method", "url", "payload", "needle"),
    [
        ("post", "/api/query", {"similar_to": "C1CC(", "top_k": 5}, "SMILES"),
        ("post", "/api/query", {"smarts": "[C;X4"}, "SMARTS"),
        ("get", "/api/candidates", {"smarts": "c1ccc"}, "SMARTS"),
        ("post", "/api/query", {"page_size": 1_000_000}, "page_size"),
        ("get", "/api/candidates", {"page_size": 1_000_000}, "page_size"),
        ("post", "/api/query", {"smarts": "C" * 5000}, "smarts"),
        ("get", "/api/candidates", {"similar_to": "C" * 5000}, "similar_to"),
        ("post", "/api/query", {"properties": {"colour": {"min": 1}}}, "unknown properties"),
        ("post", "/api/query", {"properties": {"qed": {"min": 0.9, "max": 0.1}}}, "greater"),
        ("get", "/api/candidates", {"qed_min": "high"}, "qed_min"),
        ("get", "/api/candidates", {"bogus": 1}, "bogus"),
        ("post", "/api/query", {"sort_by": "similarity"}, "similar_to"),
        ("post", "/api/export?format=xml", {}, "format"),
        ("get", "/api/export", {"limit": 10**9}, "limit"),
    ],
)
def test_bad_queries_are_400_with_a_clear_message(
    client: TestClient, method: str, url: str, payload: dict, needle: str
) -> None:
    if method == "post":
        response = client.post(url, json=payload)
    else:
        response = client.get(url, params=payload)
    assert response.status_code == 400, response.text
    message = response.json()["error"]
    assert needle.lower() in message.lower()
    assert "Traceback" not in message and len(message) < 600


@pytest.mark.parametrize(
    "body",
    ["not json", "[1, 2]", '{"page": -1}', '{"runs": "x"}', '{"created_after": "yesterday"}'],
)
def test_malformed_bodies_are_400_never_500(client: TestClient, body: str) -> None:
    response = client.post("/api/query", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert response.json()["error"]


def test_pickers_and_health(client: TestClient, store: StoreFixture) -> None:
    runs = {r["run"]: r for r in client.get("/api/runs").json()}
    assert runs[RUN_A]["candidates"] == len(store.scores["char_rnn"])
    assert runs[RUN_A]["mlflow_url"] == f"{TRACKING_A}/#/runs/{RUN_A}"
    families = {f["family"]: f["candidates"] for f in client.get("/api/families").json()}
    assert families == {k: len(v) for k, v in store.scores.items()}
    assert client.get("/healthz").json()["status"] == "ok"


def test_openapi_lists_the_endpoints(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in (
        "/api/query",
        "/api/candidates",
        "/api/molecules/{inchikey}",
        "/api/molecules/{inchikey}/depiction.svg",
        "/api/export",
        "/api/runs",
        "/api/families",
        "/healthz",
    ):
        assert path in paths
    assert "post" in paths["/api/query"] and "post" in paths["/api/export"]
    params = {p["name"] for p in paths["/api/candidates"]["get"]["parameters"]}
    assert {"qed_min", "mw_max", "smarts", "similar_to", "runs", "sort_by", "page"} <= params


def test_page_renders_results_and_errors(client: TestClient, store: StoreFixture) -> None:
    page = client.get("/", params={"qed_min": 0.7, "page_size": 12})
    assert page.status_code == 200
    assert page.text.count('class="card"') == 12
    assert 'id="download-csv"' in page.text and "qed_min=0.7" in page.text
    bad = client.get("/", params={"smarts": "[C;X4"})
    assert bad.status_code == 400
    assert 'id="error"' in bad.text and "SMARTS" in bad.text
    assert "Traceback" not in bad.text
    reversed_range = client.get("/", params={"qed_min": 0.9, "qed_max": 0.1})
    assert reversed_range.status_code == 400 and "greater than" in reversed_range.text


def test_detail_page_links_the_mlflow_run(client: TestClient, store: StoreFixture) -> None:
    key = store.scores["char_rnn"].inchikey[0]
    page = client.get(f"/molecules/{key}")
    assert page.status_code == 200
    assert f'href="{TRACKING_A}/#/runs/{RUN_A}"' in page.text
    assert "<svg" in page.text and 'id="provenance"' in page.text
    missing = client.get("/molecules/AAAAAAAAAAAAAA-BBBBBBBBBB-N")
    assert missing.status_code == 404 and 'id="error"' in missing.text


def test_missing_store_fails_with_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(MolgenError, match="no candidate store"):
        create_app(f"sqlite:///{tmp_path / 'absent.db'}")


def test_a_damaged_store_is_a_503_not_a_traceback(store: StoreFixture, tmp_path: Path) -> None:
    copy = tmp_path / "copy.db"
    copy.write_bytes(Path(store.url.removeprefix("sqlite:///")).read_bytes())
    app = create_app(f"sqlite:///{copy}")
    copy.write_bytes(b"this is not a database " * 1000)
    with TestClient(app, raise_server_exceptions=False) as damaged:
        response = damaged.get("/api/candidates")
        assert response.status_code == 503
        assert "database" in response.json()["error"]
        page = damaged.get("/")
        assert page.status_code == 503 and 'id="error"' in page.text
        assert "Traceback" not in page.text


def test_page_says_when_counting_stopped_early(store: StoreFixture) -> None:
    app = create_app(store.url, limits=SearchLimits(count_limit=20))
    with TestClient(app, raise_server_exceptions=False) as limited:
        api = limited.get("/api/candidates", params={"page_size": 12}).json()
        assert api["total"] == 20 and api["total_exact"] is False
        page = limited.get("/", params={"page_size": 12, "page": 2})
        assert page.status_code == 200
        assert "20+</strong>" in page.text and "page 2 of 2+" in page.text
        assert 'id="next"' in page.text  # a full page: there may be more
