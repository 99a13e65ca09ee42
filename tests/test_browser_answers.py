"""Collections and the world map in headless Chromium (see tests/test_browser.py for the setup).

Tick three items, open them as a collection, download its BibTeX and parse it; gather
items across two searches (JavaScript remembers them); do the same without JavaScript
on one page; follow the map from a search and click a country to see the filtered page.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import bibtexparser
import pytest
from test_browser import ARGS, CHROMIUM, OUTPUT, serving
from tests_support import request

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def answers_server(answers_index: Path):
    """The app over the answers corpus under waitress on a free port of 127.0.0.1."""
    with serving(answers_index) as url:
        yield url


@pytest.fixture(scope="module")
def chromium(answers_server):
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


def _context(chromium, server: str, javascript: bool = True):  # type: ignore[no-untyped-def]
    context = chromium.new_context(accept_downloads=True, base_url=server,
                                   java_script_enabled=javascript,
                                   viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return context, page, errors


def test_tick_three_open_the_collection_and_download_its_bibtex(chromium, answers_server,
                                                                answers_engine) -> None:
    context, page, errors = _context(chromium, answers_server)
    try:
        page.goto("/?q=cooperatives&sort=oldest")
        boxes = page.locator("li.hit input.collect")
        ticked = [boxes.nth(n).get_attribute("value") for n in range(3)]
        for n in range(3):
            boxes.nth(n).check()
        assert "3 items gathered" in page.inner_text("#collect-status")
        page.click("#open-collection")
        page.wait_for_url("**/collection?**")
        assert parse_qs(urlsplit(page.url).query)["id"] == ticked
        assert page.locator("#collected li.hit").count() == 3
        OUTPUT.mkdir(exist_ok=True)
        page.screenshot(path=str(OUTPUT / "collection.png"), full_page=True)
        with page.expect_download() as download:
            page.click("a.collection-file[data-format=BibTeX]")
        path = download.value.path()
        assert download.value.suggested_filename.endswith(".bib")
        library = bibtexparser.parse_string(Path(path).read_text(encoding="utf-8"))
        assert not library.failed_blocks
        entries = {entry.key: {f.key: f.value for f in entry.fields}
                   for entry in library.entries}
        assert list(entries) == ticked
        titles = {hit.article.id: hit.article.title
                  for hit in answers_engine.search(request(per_page=50)).hits}
        assert [fields["title"].strip("{}") for fields in entries.values()] == \
            [titles[i] for i in ticked]
        assert not errors, errors
    finally:
        context.close()


def test_items_gathered_across_searches(chromium, answers_server) -> None:
    context, page, errors = _context(chromium, answers_server)
    try:
        page.goto("/?q=coffee")
        first = page.locator("li.hit input.collect").first
        first_id = first.get_attribute("value")
        first.check()
        page.goto("/?q=solidarity")
        others = page.locator("li.hit input.collect")
        other_ids = [others.nth(n).get_attribute("value") for n in range(2)]
        for n in range(2):
            others.nth(n).check()
        page.goto("/?q=coffee")  # the box ticked before is still ticked
        assert page.locator("li.hit input.collect").first.is_checked()
        page.click("#open-collection")
        page.wait_for_url("**/collection?**")
        assert set(parse_qs(urlsplit(page.url).query)["id"]) == {first_id, *other_ids}
        page.locator("#collected input.collect").first.uncheck()
        page.click("#update-collection")
        page.wait_for_url("**/collection?**")
        assert page.locator("#collected li.hit").count() == 2
        assert not errors, errors
    finally:
        context.close()


def test_a_collection_without_javascript(chromium, answers_server) -> None:
    context, page, _ = _context(chromium, answers_server, javascript=False)
    try:
        page.goto("/?q=cooperatives")
        boxes = page.locator("li.hit input.collect")
        for n in range(3):
            boxes.nth(n).check()
        page.click("#open-collection")
        page.wait_for_url("**/collection?**")
        assert page.locator("#collected li.hit").count() == 3
        page.fill("#add", "coffee")
        page.click("#collection-add button")
        page.wait_for_url("**add=coffee**")
        page.locator("#candidates input.collect").first.check()
        page.click("#update-collection")
        page.wait_for_url("**/collection?**")
        assert page.locator("#collected li.hit").count() == 4
    finally:
        context.close()


def test_click_a_country_on_the_map_and_see_the_filtered_page(chromium, answers_server) -> None:
    context, page, errors = _context(chromium, answers_server)
    try:
        page.goto("/?q=cooperatives")
        page.click("#answer-links a:text('world map of the countries')")
        page.wait_for_url("**/map?q=cooperatives")
        assert page.locator("svg.worldmap a.worldmap-country").count() >= 5
        OUTPUT.mkdir(exist_ok=True)
        page.screenshot(path=str(OUTPUT / "worldmap.png"), full_page=True)
        page.locator("svg.worldmap a[aria-label^='Kenya']").click()
        page.wait_for_url("**/?q=cooperatives&country=KE")
        assert page.locator("ol.hits li.hit").count() == 1
        chips = " ".join(page.locator(".chips a.chip").all_inner_texts())
        assert "Country: Kenya" in chips
        assert not errors, errors
    finally:
        context.close()
