"""The web page in a real browser: Debian's chromium driven by Playwright, against the real
app served by uvicorn over a real SQLite store (tests/server_store.py). The test command
provisions chromium (scripts/chromium.sh); without it these tests fail in one line, they are
never skipped."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pandas as pd
import pytest
from rdkit import Chem

from molgen.server import create_app
from tests.server_store import RUN_A, TRACKING_A, StoreFixture, build_store, serve_in_thread

CHROMIUM = Path("/usr/bin/chromium")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> StoreFixture:
    return build_store(tmp_path_factory.mktemp("web_store"))


@pytest.fixture(scope="module")
def base_url(store: StoreFixture) -> Iterator[str]:
    with serve_in_thread(create_app(store.url, train_dir=str(store.train_dir))) as url:
        yield url


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian's chromium; a one-line failure when it was not provisioned."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"no system browser at {CHROMIUM}: run scripts/chromium.sh install as root, "
            "or the README's test command",
            pytrace=False,
        )
    return CHROMIUM


@pytest.fixture
def page(base_url: str, chromium: Path) -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), args=["--no-sandbox"])
        context = browser.new_context(base_url=base_url, accept_downloads=True)
        tab = context.new_page()
        tab.set_default_timeout(60_000)
        yield tab
        context.close()
        browser.close()


def _query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlparse(url).query)


def _numbers(page, selector: str) -> list[float]:
    return [float(t) for t in page.locator(selector).all_inner_texts()]


# Depictions load lazily: the first cards are in view, the rest load on scrolling.
_FIRST_DEPICTIONS_LOADED = """() => [...document.querySelectorAll('#grid img.depiction')]
    .slice(0, 3).every(img => img.complete && img.naturalWidth > 0)"""


def test_search_sort_page_detail_and_download(page, store: StoreFixture) -> None:
    page.goto("/")
    timing = page.evaluate(
        """() => { const n = performance.getEntriesByType('navigation')[0];
                   return {dcl: n.domContentLoadedEventEnd, load: n.loadEventEnd}; }"""
    )
    print(f"\nfirst render: DOMContentLoaded {timing['dcl']:.0f} ms, load {timing['load']:.0f} ms")
    assert page.locator("#grid .card").count() == 50  # the default page: best scores first

    # Search: QED >= 0.5 with a benzene ring; blank fields stay out of the shareable URL.
    page.fill("#qed_min", "0.5")
    page.fill("#smarts", "c1ccccc1")
    page.click("#submit")
    page.wait_for_url(re.compile(r"smarts="))
    params = _query(page.url)
    assert params["qed_min"] == ["0.5"] and params["smarts"] == ["c1ccccc1"]
    assert "mw_max" not in params and "pains" not in params
    benzene = Chem.MolFromSmarts("c1ccccc1")
    expected = store.candidates[
        (store.candidates.qed >= 0.5)
        & store.candidates.smiles.map(lambda s: Chem.MolFromSmiles(s).HasSubstructMatch(benzene))
    ]
    assert page.locator("#summary strong").inner_text() == str(len(expected))
    cards = page.locator("#grid .card")
    assert cards.count() == min(50, len(expected))
    assert "smarts=c1ccccc1" in cards.first.locator("img.depiction").get_attribute("src")
    page.wait_for_function(_FIRST_DEPICTIONS_LOADED)  # the SVGs arrived and were drawn
    assert min(_numbers(page, "#grid .prop-qed")) >= 0.5

    # Sort by molecular weight (first click: low to high), then 12 per page and page 2.
    page.click("a.sort[data-sort='mw']")
    page.wait_for_url(re.compile(r"sort_by=mw"))
    weights = _numbers(page, "#grid .prop-mw")
    assert weights == sorted(weights)
    page.select_option("#page_size", "12")  # re-submits by itself
    page.wait_for_url(re.compile(r"page_size=12"))
    first_page = page.locator("#grid .card").evaluate_all("cs => cs.map(c => c.dataset.inchikey)")
    assert len(first_page) == 12
    page.click("#next")
    page.wait_for_url(re.compile(r"page=2"))
    assert _query(page.url)["sort_by"] == ["mw"] and _query(page.url)["qed_min"] == ["0.5"]
    second_page = page.locator("#grid .card").evaluate_all("cs => cs.map(c => c.dataset.inchikey)")
    assert second_page and not set(second_page) & set(first_page)
    assert min(_numbers(page, "#grid .prop-mw")) >= max(weights[:12])

    # Candidates with a PAINS alert; open one.
    page.goto("/")
    page.select_option("#pains", "true")
    page.click("#submit")
    page.wait_for_url(re.compile(r"pains=true"))
    n_pains = int(store.candidates.pains.sum())
    assert page.locator("#summary strong").inner_text() == str(n_pains)
    page.locator("#grid .card a.depiction-link").first.click()
    page.wait_for_url(re.compile(r"/molecules/"))
    assert page.locator("#properties .prop-qed").inner_text()
    link = page.locator("#provenance a.mlflow").first
    assert link.get_attribute("href") == f"{TRACKING_A}/#/runs/{RUN_A}"
    assert "PAINS" in page.locator("#alerts").inner_text()
    svg = page.locator("#depiction svg").inner_html()
    assert "#FF8C8C" in svg.upper()  # alert atoms highlighted in the PAINS colour
    assert page.locator("#neighbours .card").count() == 5

    # Back to the results, then download them as CSV.
    page.click("#back")
    page.wait_for_url(re.compile(r"pains=true"))
    with page.expect_download() as info:
        page.click("#download-csv")
    download = info.value
    assert download.suggested_filename == "molgen-candidates.csv"
    table = pd.read_csv(io.StringIO(Path(download.path()).read_text()))
    assert len(table) == n_pains
    assert table.pains.astype(str).str.lower().eq("true").all()
    assert set(table.inchikey) == set(store.candidates[store.candidates.pains].inchikey)


def test_bad_smarts_shows_a_message_not_a_traceback(page) -> None:
    page.goto("/")
    page.fill("#smarts", "[C;X4")
    page.click("#submit")
    page.wait_for_url(re.compile(r"smarts="))
    message = page.locator("#error")
    assert message.is_visible()
    assert "SMARTS" in message.inner_text()
    assert "Traceback" not in page.content()
    assert page.locator("#smarts").input_value() == "[C;X4"  # the form keeps what was typed


@pytest.fixture(scope="module")
def scored_store(tmp_path_factory: pytest.TempPathFactory) -> StoreFixture:
    """A store whose candidates carry an objective's extra scores (fit_raw, fit_desirability)."""
    return build_store(tmp_path_factory.mktemp("web_scores"), n=60, objective=True)


@pytest.fixture
def scored_page(scored_store: StoreFixture, chromium: Path) -> Iterator:
    from playwright.sync_api import sync_playwright

    app = create_app(scored_store.url, train_dir=str(scored_store.train_dir))
    with serve_in_thread(app) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), args=["--no-sandbox"])
        context = browser.new_context(base_url=url)
        tab = context.new_page()
        tab.set_default_timeout(60_000)
        yield tab
        context.close()
        browser.close()


def test_filter_and_sort_by_a_stored_score(scored_page, scored_store: StoreFixture) -> None:
    page = scored_page
    page.goto("/")
    fields = page.locator("#scores .score-range")
    assert fields.evaluate_all("rs => rs.map(r => r.dataset.score)") == [
        "fit_desirability", "fit_raw",
    ]  # fmt: skip
    page.locator("#scores summary").click()  # the score fields fold away until needed
    page.fill("#scores [name='score:fit_desirability_min']", "0.6")
    page.select_option("#sort_by", "score:fit_raw")  # re-submits by itself, with the filter
    page.wait_for_url(re.compile(r"sort_by=score%3Afit_raw"))
    params = _query(page.url)
    assert params["score:fit_desirability_min"] == ["0.6"] and "score:fit_raw_max" not in params
    expected = scored_store.candidates[scored_store.candidates.fit_desirability >= 0.6]
    assert page.locator("#summary strong").inner_text() == str(len(expected)) != "0"
    shown = page.locator("#grid .card dl.props > dd.score[data-score='fit_desirability']")
    assert min(float(t) for t in shown.all_inner_texts()) >= 0.6
    raw = _numbers(page, "#grid .card dl.props > dd.score[data-score='fit_raw']")
    assert len(raw) == min(50, len(expected))  # one page
    assert raw == sorted(expected.fit_raw, reverse=True)[: len(raw)]  # default: high to low
    assert page.locator("#scores details").get_attribute("open") is not None  # kept open

    # The detail page lists each candidate's stored scores.
    page.locator("#grid .card a.depiction-link").first.click()
    page.wait_for_url(re.compile(r"/molecules/"))
    cells = page.locator("#scores td.score[data-score='fit_raw']").all_inner_texts()
    assert cells and float(cells[0]) == raw[0]
