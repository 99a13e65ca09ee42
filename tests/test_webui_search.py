"""The search page over the bundled corpus: form, results, facets, chips, chart, paging."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from tests_support import request


def params_of(href: str) -> dict[str, list[str]]:
    parts = urlsplit(href)
    assert parts.path == "/"
    return parse_qs(parts.query)


def hit_ids(soup) -> list[str]:
    return [a["href"].rsplit("/", 1)[1] for a in soup.select("ol.hits li.hit h2 a")]


def test_browse_lists_every_item_newest_first(page, engine):
    soup = page("/")
    stats = engine.stats()
    assert soup.select_one("#total").get_text() == f"{stats['items']} items, " \
        f"{stats['first'][:4]}–{stats['last'][:4]}"
    dates = [t["datetime"] for t in soup.select("ol.hits time")]
    assert len(dates) == stats["items"]
    assert dates == sorted(dates, reverse=True)
    assert "ms" in soup.select_one(".took").get_text()


def test_query_results_highlight_and_total_line(page, engine):
    soup = page("/?q=kenya")
    expected = engine.search(request(q="kenya"))
    assert expected.total >= 2
    years = [y for y, _ in expected.years]
    span = years[0] if len(years) == 1 else f"{years[0]}–{years[-1]}"
    total_line = soup.select_one("#total").get_text()
    assert total_line.startswith(f"{expected.total} results for 'kenya', ")
    assert span in total_line
    assert hit_ids(soup) == [hit.article.id for hit in expected.hits]
    marks = soup.select("ol.hits mark.hl")
    assert marks and {m.get_text().lower() for m in marks} == {"kenya", "nairobi"}
    assert soup.select("ol.hits .summary mark.hl")  # summaries are highlighted too
    first = soup.select_one("ol.hits li.hit")
    assert first.select_one("time")["datetime"] == expected.hits[0].article.date.isoformat()
    assert first.select_one(".kind").get_text() == expected.hits[0].article.kind
    assert soup.select_one("title").get_text().startswith("kenya")


def test_form_keeps_every_input(page, engine):
    kinds = engine.values("kind")
    soup = page(f"/?q=cooperative&from=2023&to=Feb+2024&kind={kinds[0]}&sort=oldest"
                "&per_page=10&exact=1")
    assert soup.select_one("input#q")["value"] == "cooperative"
    assert soup.select_one("input#from")["value"] == "2023"
    assert soup.select_one("input#to")["value"] == "Feb 2024"
    # The kind chosen rides along in the form; the kinds are offered in the side panel.
    kept = soup.select("form.search input[type=hidden][name=kind]")
    assert [b["value"] for b in kept] == [kinds[0]]
    assert not soup.select("form.search input[type=checkbox][name=kind]")
    assert soup.select_one("#kind-facets a[aria-current]") is not None
    assert soup.select_one("select#sort option[selected]")["value"] == "oldest"
    assert soup.select_one("select#per_page option[selected]")["value"] == "10"
    assert soup.select_one("input#exact").has_attr("checked")
    for field in ("q", "from", "to", "sort", "per_page", "exact"):  # every input is labelled
        assert soup.select_one(f"label[for={field}]") is not None


@pytest.mark.parametrize("sort", ["newest", "oldest"])
def test_sort_orders_by_date(page, sort):
    dates = [t["datetime"] for t in page(f"/?q=cooperative&sort={sort}").select("ol.hits time")]
    assert len(dates) > 2
    assert dates == sorted(dates, reverse=sort == "newest")


def test_pagination_keeps_every_other_parameter(page, engine):
    kind = engine.values("kind")[0]
    expected = engine.search(request(kind=kind, per_page=2))
    assert expected.pages >= 3
    soup = page(f"/?kind={kind}&per_page=2&sort=newest")
    nav = soup.select_one("nav.pager")
    numbers = [a.get_text(strip=True).replace("Page", "") for a in nav.select("a")
               if a.get("rel") is None]
    assert numbers[0] == "1" and numbers[-1] == str(expected.pages)
    for link in nav.select("a"):
        params = params_of(link["href"])
        assert params["kind"] == [kind] and params["per_page"] == ["2"]
        assert params["sort"] == ["newest"]
    following = params_of(nav.select_one("a[rel=next]")["href"])
    assert following["page"] == ["2"]
    assert nav.select_one("a[aria-current=page]").get_text(strip=True).endswith("1")
    second = page(f"/?kind={kind}&per_page=2&sort=newest&page=2")
    assert second.select_one("ol.hits")["start"] == "3"
    assert hit_ids(second) == [h.article.id for h in
                               engine.search(request(kind=kind, per_page=2, page=2)).hits]
    assert "page" not in params_of(second.select_one("nav.pager a[rel=prev]")["href"])


def test_year_facets_link_to_their_year(page, engine):
    expected = engine.search(request())
    assert len(expected.years) > 1
    soup = page("/")
    assert soup.select_one(".facets h2").get_text() == "Years"
    links = soup.select("#date-facets a")
    assert [(a.select_one(".label").get_text(), int(a.select_one(".count").get_text()))
            for a in links] == expected.years
    for link, (year, _) in zip(links, expected.years):
        assert params_of(link["href"]) == {"from": [year], "to": [year]}


def test_month_facets_inside_one_year(page, engine):
    expected = engine.search(request(date_from="2024", date_to="2024"))
    assert len(expected.years) == 1 and len(expected.months) > 1
    soup = page("/?from=2024&to=2024")
    assert soup.select_one(".facets h2").get_text() == "Months"
    links = soup.select("#date-facets a")
    assert [int(a.select_one(".count").get_text()) for a in links] == \
        [c for _, c in expected.months]
    for link, (month, _) in zip(links, expected.months):
        assert params_of(link["href"]) == {"from": [month], "to": [month]}
    # The bucket shown is marked as the current one.
    month = expected.months[-1][0]
    active = page(f"/?from={month}&to={month}").select_one("#date-facets a[aria-current]")
    assert params_of(active["href"]) == {"from": [month], "to": [month]}


def test_kind_facet_counts_and_toggles(page, engine):
    expected = engine.search(request(q="cooperative"))
    soup = page("/?q=cooperative")
    links = soup.select("#kind-facets a")
    assert [(a.select_one(".label").get_text(), int(a.select_one(".count").get_text()))
            for a in links] == expected.facet_counts("kind")
    kind = expected.facet_counts("kind")[0][0]
    assert params_of(links[0]["href"]) == {"q": ["cooperative"], "kind": [kind]}
    narrowed = page(links[0]["href"].replace(" ", "+"))
    active = narrowed.select_one("#kind-facets a[aria-current]")
    assert params_of(active["href"]) == {"q": ["cooperative"]}  # clicking again removes it


def test_chips_each_remove_one_filter(page, engine):
    kind = engine.values("kind")[0]
    soup = page(f"/?q=cooperative&from=2024-01&to=2024-01&kind={kind}&sort=oldest")
    chips = {a.get_text(" ", strip=True): params_of(a["href"]) for a in soup.select(".chips a.chip")}
    base = {"q": ["cooperative"], "from": ["2024-01"], "to": ["2024-01"], "kind": [kind],
            "sort": ["oldest"]}
    assert chips == {
        "Remove filter Words: cooperative ✕": {k: v for k, v in base.items() if k != "q"},
        "Remove filter Dates: January 2024 ✕": {k: v for k, v in base.items()
                                               if k not in ("from", "to")},
        f"Remove filter Kind: {kind} ✕": {k: v for k, v in base.items() if k != "kind"},
    }
    assert params_of(soup.select_one(".chips a.clear")["href"]) == {"sort": ["oldest"]}
    separate = page("/?from=2023&to=2024-01")
    labels = [a.get_text(" ", strip=True) for a in separate.select(".chips a.chip")]
    assert labels == ["Remove filter From: 2023 ✕", "Remove filter To: 2024-01 ✕"]
    assert page("/").select_one(".chips") is None


def test_chart_bars_link_to_buckets_with_a_text_alternative(page, engine):
    expected = engine.search(request())
    soup = page("/")
    svg = soup.select_one("figure.chart svg")
    title_id, desc_id = svg["aria-labelledby"].split()
    assert svg.find("title", id=title_id).get_text()
    assert "per year" in svg.find("desc", id=desc_id).get_text()
    bars = svg.select("a.bar-link")
    assert [(params_of(a["href"])["from"][0], a["aria-label"]) for a in bars] == \
        [(year, f"{year}: {count}") for year, count in expected.years]
    heights = [float(a.select_one("rect")["height"]) for a in bars]
    counts = [count for _, count in expected.years]
    tallest = counts.index(max(counts))
    assert heights[tallest] == max(heights)
    rows = [(tr.th.get_text(), int(tr.td.get_text())) for tr in
            soup.select("figure.chart table tbody tr")]
    first, last = int(expected.years[0][0]), int(expected.years[-1][0])
    assert [year for year, _ in rows] == [str(y) for y in range(first, last + 1)]
    assert dict(rows) == {**{str(y): 0 for y in range(first, last + 1)},
                          **dict(expected.years)}
    months = page("/?from=2024&to=2024").select("figure.chart a.bar-link")
    assert all(params_of(a["href"])["from"][0].startswith("2024-") for a in months)


def test_did_you_mean(page, engine):
    # Exact words are searched as typed, so a slip gets a suggestion, not a respelling.
    expected = engine.search(request(q="cooprative", exact=1))
    assert expected.suggestion == "cooperative" and not expected.respelt
    link = page("/?q=cooprative&exact=1&from=2024").select_one("#suggestion a")
    assert link.get_text() == expected.suggestion
    assert params_of(link["href"]) == {"q": [expected.suggestion], "exact": ["1"],
                                       "from": ["2024"]}


def test_empty_state_says_what_to_try(page, engine):
    kind = engine.values("kind")[-1]
    soup = page(f"/?q=zebra+giraffe&from=2024-02&kind={kind}")
    # The heading states the filters, not the (empty) span of the results.
    assert soup.select_one("#total").get_text() == (f"0 results for 'zebra giraffe' from "
                                                    f"February 2024, kind {kind}")
    tips = {a.get_text(): a["href"] for a in soup.select("#empty a")}
    assert params_of(tips["Search all dates"]) == {"q": ["zebra giraffe"], "kind": [kind]}
    assert params_of(tips["Search all kinds"]) == {"q": ["zebra giraffe"], "from": ["2024-02"]}
    assert params_of(tips["Find any of the words: zebra OR giraffe"])["q"] == [
        "zebra OR giraffe"]
    assert any(href == "/help" for href in tips.values())
    assert soup.select_one("ol.hits") is None and soup.select_one("figure.chart") is None


def test_submitted_form_redirects_to_a_clean_url(client):
    response = client.get("/?q=kenya&from=&to=&sort=&per_page=&exact=")
    assert response.status_code == 302
    assert response.headers["Location"] == "/?q=kenya"


def test_exact_and_seed_survive_every_link(page):
    soup = page("/?q=cooperative&exact=1&sort=random&seed=7&per_page=2")
    hrefs = [a["href"] for a in soup.select("nav.pager a, #date-facets a, #kind-facets a")]
    assert hrefs
    for href in hrefs:
        params = params_of(href)
        assert params["exact"] == ["1"] and params["seed"] == ["7"]
    assert soup.select_one("form.search input[name=seed]")["value"] == "7"


def test_links_to_this_search_elsewhere(page):
    soup = page("/?q=cooperative&per_page=2&page=2")
    exports = {a.get_text(): urlsplit(a["href"]) for a in soup.select("#exports a")}
    assert exports["Export all as CSV"].path == "/export.csv"
    assert exports["Export all as JSON Lines"].path == "/export.jsonl"
    assert exports["Atom feed of new items"].path == "/feed.atom"
    for name in ("Export all as CSV", "Export all as JSON Lines", "Atom feed of new items"):
        assert parse_qs(exports[name].query) == {"q": ["cooperative"]}  # the whole set
    assert exports["JSON API"].path == "/api/search"
    share = soup.select_one("a.share")["href"]
    assert share.startswith("http://localhost/?") and "page=2" in share
    assert soup.select_one("button.copy[data-copy]")["data-copy"] == share
    assert soup.select_one("link[type='application/atom+xml']")["href"].startswith("/feed.atom")


def test_help_page_examples_are_searches(page):
    assert page("/").select_one("form.search a[href='/help']") is not None
    soup = page("/help")
    examples = soup.select(".syntax-table a")
    assert len(examples) >= 5
    for link in examples:
        assert params_of(link["href"])["q"] == [link.get_text()]
        page(link["href"].replace(" ", "+"))  # every example runs


def test_text_from_the_query_is_escaped(page, client):
    evil = "<script>alert(1)</script>"
    soup = page(f"/?q={evil}")
    assert soup.select_one("input#q")["value"] == evil
    assert all(tag.has_attr("src") for tag in soup.find_all("script"))
    raw = client.get(f"/?q={evil}").get_data(as_text=True)
    assert evil not in raw


def test_no_inline_script_or_style_and_a_strict_csp(client):
    from bs4 import BeautifulSoup
    for url in ("/", "/?q=kenya", "/help", "/?from=nonsense", "/nowhere"):
        response = client.get(url)
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
        soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
        assert soup.find("style") is None
        assert not soup.select("[style]")
        assert all(tag.has_attr("src") and not tag.get_text() for tag in soup.find_all("script"))
        assert not [tag for tag in soup.find_all(True)
                    if any(attr.startswith("on") for attr in tag.attrs)]


def test_kinds_in_the_url_match_without_regard_to_case(page, engine):
    kind = engine.values("kind")[0]
    soup = page(f"/?kind={kind.upper()}")
    panel = [a.find(class_="label").get_text(" ", strip=True)
             for a in soup.select("#kind-facets a")]
    assert len(panel) == len(set(panel))  # no duplicate value
    active = soup.select_one("#kind-facets a[aria-current]")
    assert active.find(class_="label").get_text(" ", strip=True).endswith(kind)
    assert "kind" not in params_of(active["href"])  # clicking the active kind removes it


@pytest.mark.parametrize("typed", ["Feb2024", "6 Feb 2024", "2024-02", "February 2024"])
def test_a_date_typed_any_way_makes_one_chip(page, typed):
    soup = page(f"/?from={typed}&to={typed}")
    chip = soup.select_one(".chips a.chip").get_text(" ", strip=True)
    assert chip.startswith("Remove filter Dates: ")
    assert soup.select_one("input#from")["value"] == typed
