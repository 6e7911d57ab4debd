"""Stored extra scores through the HTTP API and the page routes: filter and sort
parameters (``score:NAME_min``/``_max``, ``sort_by=score:NAME``), each row's ``scores``, the
list of stored names, the OpenAPI descriptions read from the schema module, and one-line
errors."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from molgen.chem.columns import column
from molgen.server import create_app
from tests.server_store import StoreFixture, build_store


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> StoreFixture:
    return build_store(tmp_path_factory.mktemp("server_scores"), n=60, objective=True)


@pytest.fixture(scope="module")
def client(store: StoreFixture) -> Iterator[TestClient]:
    with TestClient(create_app(store.url), raise_server_exceptions=False) as test_client:
        yield test_client


def test_stored_score_names(client: TestClient) -> None:
    assert client.get("/api/scores").json() == ["fit_desirability", "fit_raw"]


def test_get_filters_and_sorts_by_a_stored_score(client: TestClient, store: StoreFixture) -> None:
    params = {"score:fit_desirability_min": 0.6, "sort_by": "score:fit_raw",
              "descending": "false", "page_size": 200}  # fmt: skip
    page = client.get("/api/candidates", params=params).json()
    expected = store.candidates[store.candidates.fit_desirability >= 0.6]
    assert page["total"] == len(expected) > 5
    raw = [row["scores"]["fit_raw"] for row in page["rows"]]
    assert raw == sorted(expected.fit_raw.tolist())
    assert all(row["scores"]["fit_desirability"] >= 0.6 for row in page["rows"])
    post = client.post("/api/query", json={
        "scores": {"fit_desirability": {"min": 0.6}}, "sort_by": "score:fit_raw",
        "descending": False, "page_size": 200,
    }).json()  # fmt: skip
    assert post["rows"] == page["rows"]


def test_export_and_page_take_the_same_parameters(client: TestClient, store: StoreFixture) -> None:
    params = {"score:fit_raw_max": 3.0, "format": "csv"}
    text = client.get("/api/export", params=params).text
    lines = text.strip().splitlines()
    assert lines[0].endswith(",fit_desirability,fit_raw")
    assert len(lines) - 1 == (store.candidates.fit_raw <= 3.0).sum() > 0
    html = client.get("/", params={"score:fit_raw_max": 3.0, "sort_by": "score:fit_raw"}).text
    assert 'name="score:fit_raw_max"' in html and 'value="score:fit_raw" selected' in html
    # Cards show the score the search uses; the others fold away.
    assert "<summary>1 more score</summary>" in html
    assert '<dd class="score" data-score="fit_desirability">' in html.split("more-scores")[1]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"score:nope_min": 1}, "unknown score 'nope'; stored: fit_desirability, fit_raw"),
        ({"sort_by": "score:nope"}, "unknown score 'nope'; stored: fit_desirability, fit_raw"),
        ({"score:fit_raw_min": "high"}, "score:fit_raw_min: 'high' is not a number"),
        ({"colour": "red"}, "unknown parameter 'colour'"),
        ({"sort_by": "colour"}, "sort_by: 'colour' is not one of score, similarity"),
        ({"score:fit_raw_min": 3, "score:fit_raw_max": 1}, "range min 3.0 is greater than max"),
    ],
)
def test_bad_score_parameters_are_one_line_400s(
    client: TestClient, params: dict, message: str
) -> None:
    response = client.get("/api/candidates", params=params)
    assert response.status_code == 400
    detail = response.json()["error"]
    assert message in detail and "\n" not in detail


def test_openapi_describes_parameters_from_the_schema_module(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    params = {p["name"]: p for p in spec["paths"]["/api/candidates"]["get"]["parameters"]}
    assert column("tpsa").description in params["tpsa_min"]["description"]
    assert "(Å²)" in params["tpsa_min"]["description"]
    assert "score:NAME" in params["sort_by"]["description"]
    assert "score:<name>_min" in spec["paths"]["/api/candidates"]["get"]["description"]
    assert "/api/scores" in spec["paths"]


def test_molecule_detail_lists_each_candidates_scores(
    client: TestClient, store: StoreFixture
) -> None:
    both = store.scores["char_rnn"].merge(store.scores["vae"], on="inchikey")
    key = sorted(both["inchikey"])[0]
    detail = client.get(f"/api/molecules/{key}").json()
    assert len(detail["candidates"]) == 2
    assert all(set(c["scores"]) == {"fit_raw", "fit_desirability"} for c in detail["candidates"])
    html = client.get(f"/molecules/{key}").text
    assert 'id="scores"' in html and 'data-score="fit_raw"' in html
