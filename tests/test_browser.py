"""The real UI in headless Chromium, against a real waitress server on a free port.

Uses the Python `playwright` package with Debian's `/usr/bin/chromium` (no browser
is downloaded). Skipped, with the reason, only when Chromium is missing and the
`CI` environment variable is not set; in CI a missing Chromium fails the run.
Screenshots go to `test-output/` (gitignored).
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
OUTPUT = Path(__file__).resolve().parent.parent / "test-output"

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def require_chromium() -> None:
    if Path(CHROMIUM).exists():
        return
    if in_ci():
        pytest.fail(f"CI is set but there is no Chromium at {CHROMIUM}: install Debian's "
                    "chromium package (.ci/run does)")
    pytest.skip(f"no Chromium at {CHROMIUM}: install Debian's chromium package to run the "
                "browser tests")


@contextlib.contextmanager
def serving(index: Path, threads: int = 4) -> Iterator[str]:
    """The app over `index` under waitress on 127.0.0.1, on a free port: its base URL."""
    from waitress import create_server

    from webui import create_app
    require_chromium()
    app = create_app({"INDEX_DIR": str(index)})
    wsgi = create_server(app, host="127.0.0.1", port=0, threads=threads)
    thread = threading.Thread(target=wsgi.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{wsgi.effective_port}"
    finally:
        wsgi.close()
        wsgi.task_dispatcher.shutdown()
        thread.join(timeout=5)


@pytest.fixture(scope="module")
def server(bundled_index: Path):
    """The app over the bundled corpus, for this module."""
    with serving(bundled_index) as url:
        yield url


@pytest.fixture(scope="module")
def browser(server):
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def tab(browser, server):
    """A fresh page; fails the test on any console error (a CSP violation, a 500...)."""
    context = browser.new_context(accept_downloads=True, base_url=server,
                                  viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text)
            if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, errors


def query(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def test_search_click_year_then_month_then_remove_a_chip(tab, engine):
    from tests_support import request
    tab.goto("/")
    tab.fill("#q", "cooperative")
    tab.press("#q", "Enter")
    tab.wait_for_url("**/?q=cooperative")
    expected = engine.search(request(q="cooperative"))
    assert tab.inner_text("#total").startswith(f"{expected.total} results for 'cooperative'")
    assert tab.locator("ol.hits li.hit").count() == expected.total
    assert tab.locator("ol.hits mark.hl").count() > 0
    OUTPUT.mkdir(exist_ok=True)
    tab.screenshot(path=str(OUTPUT / "results.png"), full_page=True)

    year = expected.years[-1][0]
    tab.locator("#date-facets a", has_text=year).click()
    tab.wait_for_url(f"**/?q=cooperative&from={year}&to={year}")
    assert tab.inner_text(".facets h2 >> nth=0") == "Months"
    in_year = engine.search(request(q="cooperative", date_from=year, date_to=year))
    month = in_year.months[0][0]
    tab.locator("#date-facets a").first.click()
    tab.wait_for_url(f"**/?q=cooperative&from={month}&to={month}")
    assert tab.locator("ol.hits li.hit").count() == in_year.months[0][1]
    assert all(t.startswith(month) for t in
               tab.locator("ol.hits time").evaluate_all("els => els.map(e => e.dateTime)"))

    tab.locator(".chips a.chip", has_text="Dates:").click()
    tab.wait_for_url("**/?q=cooperative")
    assert [" ".join(text.split()) for text in tab.locator(".chips a.chip").all_inner_texts()] \
        == ["Remove filter Words: cooperative ✕"]
    assert tab.input_value("#from") == ""


def test_a_chart_bar_narrows_to_its_year(tab, engine):
    from tests_support import request
    tab.goto("/")
    year, count = engine.search(request()).years[0]
    tab.locator(f"figure.chart a.bar-link[aria-label='{year}: {count}']").click()
    tab.wait_for_url(f"**/?from={year}&to={year}")
    assert tab.locator("ol.hits li.hit").count() == count


def test_page_forward_and_back(tab, engine):
    from tests_support import request
    total = engine.search(request(per_page=2)).total
    tab.goto("/?per_page=2")
    tab.click("nav.pager a[rel=next]")
    tab.wait_for_url("**/?per_page=2&page=2")
    assert tab.get_attribute("ol.hits", "start") == "3"
    assert tab.inner_text("nav.pager a[aria-current=page]").endswith("2")
    assert tab.inner_text(".took").startswith(f"Results 3–4 of {total}")
    tab.go_back()
    tab.wait_for_url("**/?per_page=2")
    assert tab.get_attribute("ol.hits", "start") == "1"


def test_open_an_item_and_come_back(tab, engine):
    from tests_support import request
    first = engine.search(request(q="kenya")).hits[0].article
    tab.goto("/?q=kenya&sort=newest")
    tab.click("ol.hits li.hit h2 a >> nth=0")
    tab.wait_for_url("**/items/*")
    newest = engine.search(request(q="kenya", sort="newest")).hits[0].article
    assert tab.inner_text("article.item h1") == newest.title
    assert "@misc{" in tab.inner_text("#cite-bibtex")
    assert tab.locator("#more-like-this a").count() >= 1
    tab.go_back()
    tab.wait_for_url("**/?q=kenya&sort=newest")
    assert tab.input_value("#q") == "kenya"
    assert tab.input_value("#sort") == "newest"
    assert first.id  # the relevance order and the date order both link to permalinks


def test_export_downloads_the_whole_result_set(tab, engine):
    from tests_support import request, split_export
    expected = [h.article.id for h in engine.export(request(q="cooperative"))[1]]
    tab.goto("/?q=cooperative&per_page=2")
    with tab.expect_download() as info:
        tab.click("text=Export all as CSV")
    download = info.value
    assert download.suggested_filename == "news-search-cooperative.csv"
    body = Path(download.path()).read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert [row["id"] for row in rows] == expected
    with tab.expect_download() as info:
        tab.click("text=Export all as JSON Lines")
    _, body = split_export(Path(info.value.path()).read_text(encoding="utf-8"), "jsonl")
    assert [json.loads(line)["id"] for line in body.splitlines()] == expected


def test_copy_link_buttons_copy_the_permalink(browser, server):
    context = browser.new_context(base_url=server)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
    page = context.new_page()
    try:
        page.goto("/?q=kenya")
        button = page.locator("ol.hits button.copy").first
        assert button.is_visible()  # shown only when the script runs
        button.click()
        page.wait_for_function("document.querySelector('ol.hits button.copy')"
                               ".textContent === 'Copied'")
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied == button.get_attribute("data-copy")
        assert copied.startswith(f"{server}/items/")
    finally:
        context.close()


def test_keyboard_and_phone(browser, server):
    context = browser.new_context(base_url=server, viewport={"width": 390, "height": 844},
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        page.goto("/?q=cooperative")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        OUTPUT.mkdir(exist_ok=True)
        page.screenshot(path=str(OUTPUT / "results-phone.png"), full_page=True)
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.className") == "skip"
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.closest('main') !== null")
        assert focused  # the skip link lands in the results
    finally:
        context.close()


def test_works_without_javascript(browser, server):
    context = browser.new_context(base_url=server, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto("/")
        page.fill("#q", "kenya")
        page.click("form.search button[type=submit]")
        page.wait_for_url("**/?q=kenya")
        page.locator("#kind-facets a").first.click()
        page.wait_for_url("**/?q=kenya&kind=*")
        assert page.locator("ol.hits li.hit").count() >= 1
        assert not page.locator("button.copy").first.is_visible()
        # A new query keeps the kind chosen (a hidden field of the form).
        page.fill("#q", "cooperative")
        page.click("form.search button[type=submit]")
        page.wait_for_url("**/?q=cooperative&kind=*")
    finally:
        context.close()


def test_missing_chromium_fails_in_ci_and_skips_elsewhere(monkeypatch):
    monkeypatch.setattr(f"{__name__}.CHROMIUM", "/nonexistent/chromium")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI is set"):
        require_chromium()
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="no Chromium"):
        require_chromium()


def test_compare_two_queries_and_follow_a_point(tab):
    tab.goto("/compare")
    tab.fill("#q1", "kenya")
    tab.fill("#q2", "social economy")
    tab.select_option("#by", "month")
    tab.click("button:text('Compare')")
    tab.wait_for_selector("figure.compare-chart svg polyline")
    assert tab.locator("svg polyline").count() == 2
    rows = tab.locator("table.numbers tbody tr")
    assert rows.count() == 3
    assert rows.nth(2).locator("td").nth(0).inner_text() == "1"  # kenya in 2024-02
    OUTPUT.mkdir(exist_ok=True)
    tab.screenshot(path=str(OUTPUT / "compare.png"), full_page=True)
    tab.locator("svg a[aria-label^='kenya, 2024-02']").click()
    tab.wait_for_selector("#total")
    query = parse_qs(urlsplit(tab.url).query)
    assert query == {"q": ["kenya"], "from": ["2024-02"], "to": ["2024-02"]}
    assert tab.locator("ol.hits > li").count() == 1
    tab.go_back()
    assert tab.input_value("#q2") == "social economy"


def test_kwic_sorts_by_context_and_links_to_items(tab):
    tab.goto("/kwic?q=cooperative")
    assert tab.locator("table.kwic-lines tbody tr").count() == 17
    tab.click("a:text('Right context')")
    tab.wait_for_url("**order=right**")
    rights = [text.split() for text in tab.locator("td.right").all_inner_texts()]
    assert [[w.lower() for w in words] for words in rights] == \
        sorted([[w.lower() for w in words] for words in rights])
    tab.locator("td.item a").first.click()
    tab.wait_for_url("**/items/**")
    assert tab.locator("h1").count() == 1


def test_reading_and_cite_this_search(tab, engine):
    tab.goto("/?q=kenya+or+zzyzx")
    reading = tab.locator("#reading")
    assert "Interpreted as" in reading.inner_text()
    assert "in lower case" in reading.inner_text()
    tab.goto("/?q=kenya")
    tab.click("#cite-search summary")
    text = tab.locator("#cite-search-plain").inner_text()
    assert f"gen={engine.generation.id}" in text and "2 items" in text
    assert engine.generation.id in tab.locator("#generation").inner_text()


def test_random_sample_and_exact_words_from_the_form(tab):
    tab.goto("/?q=cooperative")
    tab.check("#exact")
    tab.click("button:text('Search')")
    tab.wait_for_url("**exact=1**")
    assert tab.locator("#total").inner_text().startswith("3 results")
    tab.goto("/?sort=random&seed=11&per_page=4")
    first = tab.locator("ol.hits > li h2").all_inner_texts()
    tab.reload()
    assert tab.locator("ol.hits > li h2").all_inner_texts() == first


# -- the search page on a phone, over a corpus with many kinds ----------------------------

@pytest.fixture(scope="module")
def ilo_server(ilo_index: Path):
    """The app over the ILO-like test corpus (eleven kinds), for this module."""
    with serving(ilo_index, threads=2) as url:
        yield url


PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize(("script", "within"), [(True, 0.6), (False, 0.75)])
def test_on_a_phone_the_results_come_first(browser, ilo_server, script, within):
    # With JavaScript the dates and order fold away; without, they stay open.
    context = browser.new_context(base_url=ilo_server, viewport=PHONE, is_mobile=True,
                                  java_script_enabled=script)
    page = context.new_page()
    try:
        page.goto("/?q=cooperatives")
        first = page.locator("ol.hits li.hit").first.bounding_box()
        assert first is not None and first["y"] < PHONE["height"] * within, first
        chart = page.locator("figure.chart").bounding_box()
        assert chart is not None and chart["y"] > first["y"]  # the chart after the results
        panel = page.locator("aside.facets").bounding_box()
        last = page.locator("ol.hits li.hit").last.bounding_box()
        assert panel is not None and last is not None and panel["y"] > last["y"]
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        OUTPUT.mkdir(exist_ok=True)
        page.screenshot(path=str(OUTPUT / f"phone-many-kinds-{script}.png"), full_page=True)
    finally:
        context.close()


def test_many_kinds_show_ten_then_more_without_javascript(browser, ilo_server):
    context = browser.new_context(base_url=ilo_server, viewport=PHONE,
                                  java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto("/?q=cooperative+OR+co-operators+OR+economy+OR+newsupdate")
        assert page.locator("#kind-facets > li").count() == 10
        more = page.locator("#kind-more")
        assert not more.locator("li").first.is_visible()
        more.locator("summary").click()
        assert more.locator("li").first.is_visible()
        more.locator("a").first.click()
        page.wait_for_url("**kind=*")
        assert page.locator("#kind-facets a[aria-current]").count() == 1
    finally:
        context.close()


def test_no_kind_never_wraps(browser, tmp_path_factory):
    import json

    from corpus import read_sources
    from search import build_index
    folder = tmp_path_factory.mktemp("nokind")
    items = [{"title": f"Cooperatives item {i}", "date": f"2020-01-{i + 1:02d}",
              "kind": "Countries in Focus on Statistics of Cooperatives" if i % 2 else ""}
             for i in range(6)]
    (folder / "items.jsonl").write_text("".join(json.dumps(i) + "\n" for i in items),
                                        encoding="utf-8")
    build_index(read_sources([folder / "items.jsonl"]), folder / "index")
    with serving(folder / "index", threads=2) as url:
        context = browser.new_context(base_url=url, viewport=PHONE)
        page = context.new_page()
        try:
            page.goto("/?q=cooperatives")
            entry = page.locator("#kind-facets .entry").first
            label = entry.locator(".label")
            assert label.inner_text() == "(no kind)"
            line = page.evaluate("parseFloat(getComputedStyle(document.body).lineHeight) || 24")
            assert label.bounding_box()["height"] < 1.5 * line  # one line
            count = entry.locator(".count").bounding_box()
            assert abs(count["y"] - label.bounding_box()["y"]) < 4  # beside it, not below
        finally:
            context.close()
