"""The answer pages and their JSON twins: top terms, co-occurrence, the map, compare, KWIC."""

from __future__ import annotations

import csv
import io
from urllib.parse import parse_qs, urlsplit

import pytest
from answers_support import ITEMS
from bs4 import BeautifulSoup
from tests_support import request

from search import top_terms, value_counts


def _soup(client, url: str, status: int = 200) -> BeautifulSoup:  # type: ignore[no-untyped-def]
    response = client.get(url)
    assert response.status_code == status, (url, response.get_data(as_text=True)[:300])
    return BeautifulSoup(response.data, "html.parser")


def test_terms_page_links_add_the_term_to_the_query(answers_client, answers_engine) -> None:
    soup = _soup(answers_client, "/terms?q=coffee&country=KE&country=UG&country=ET&country=RW")
    rows = soup.select("#top-words tbody tr")
    expected = top_terms(answers_engine, request(q="coffee", country=["KE", "UG", "ET", "RW"]))
    assert [r.select_one("a.term").get_text() for r in rows] == [t.text for t in expected.words]
    first = rows[0].select_one("a.term")["href"]
    query = parse_qs(urlsplit(first).query)
    assert query["q"] == [f"coffee {expected.words[0].query}"]
    assert query["country"] == ["KE", "UG", "ET", "RW"]  # the rest of the search is kept
    cells = [td.get_text() for td in rows[0].find_all("td")]
    assert cells[0] == str(expected.words[0].in_set) and cells[2] == str(
        expected.words[0].in_whole)
    phrase = soup.select_one("#top-phrases a.term")
    assert phrase is not None and '"' in parse_qs(urlsplit(phrase["href"]).query)["q"][0]


def test_terms_per_period_and_json(answers_client) -> None:
    soup = _soup(answers_client, "/terms?by=year")
    periods = {s["id"]: s for s in soup.select("section.period")}
    assert list(periods) == ["period-2020", "period-2021", "period-2022", "period-2023"]
    link = periods["period-2021"].select_one("h3 a")["href"]
    assert parse_qs(urlsplit(link).query) == {"from": ["2021"], "to": ["2021"]}
    assert "coffee" in periods["period-2021"].get_text()
    body = answers_client.get("/api/terms?by=year&q=cooperatives").get_json()
    assert body["by"] == "year" and body["whole"] == "corpus"
    assert [p["period"] for p in body["periods"]] and all(
        p["whole"] == "results" for p in body["periods"])
    assert {"text", "query", "in_set", "in_whole", "g2", "log_ratio"} <= set(
        body["periods"][0]["words"][0] if body["periods"][0]["words"] else {
            "text": 0, "query": 0, "in_set": 0, "in_whole": 0, "g2": 0, "log_ratio": 0})


@pytest.mark.parametrize(("url", "param"), [
    ("/terms?by=week", "by"), ("/terms?limit=0", "limit"), ("/terms?limit=x", "limit"),
    ("/terms?country=Kenya", "country"), ("/map?region=nowhere", "region"),
    ("/cooccurrence?q=coffee&table=99", "table"), ("/terms?q=(((", "q"),
])
def test_bad_parameters_are_400s_that_name_them(answers_client, url: str, param: str) -> None:
    page = answers_client.get(url)
    assert page.status_code == 400
    assert BeautifulSoup(page.data, "html.parser").find(id="form-error") is not None
    api = answers_client.get("/api" + url.replace("/terms", "/terms").replace(
        "/map", "/map").replace("/cooccurrence", "/cooccurrence"))
    assert api.status_code == 400 and api.get_json()["param"] == param


def test_cooccurrence_page_table_and_csv(answers_client) -> None:
    soup = _soup(answers_client, "/cooccurrence?q=coffee")
    words = [a.get_text() for a in soup.select("#cooccurring a.term")]
    assert "cooperatives" in words
    header = [th.get_text() for th in soup.select("#cotable thead th")][1:]
    assert header[0] == "coffee"
    response = answers_client.get("/cooccurrence.csv?q=coffee")
    assert response.headers["X-Index-Generation"] and "describedby" in response.headers["Link"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["word", *header]
    assert rows[1][0] == "coffee" and rows[1][1] == "4"
    body = answers_client.get("/api/cooccurrence?q=coffee").get_json()
    assert body["table"]["labels"] == header and body["set_items"] == 4
    assert _soup(answers_client, "/cooccurrence").find(id="cooccurring") is None


def test_the_map_links_each_country_to_its_results(answers_client, answers_engine) -> None:
    soup = _soup(answers_client, "/map?q=cooperatives")
    links = {a["aria-label"]: a["href"] for a in soup.select("svg a.worldmap-country")}
    counts = value_counts(answers_engine, request(q="cooperatives"), "country")
    assert len(links) == len(counts.counts)
    kenya = next(href for label, href in links.items() if label.startswith("Kenya"))
    assert parse_qs(urlsplit(kenya).query) == {"q": ["cooperatives"], "country": ["KE"]}
    table = {a["data-code"]: a.find_parent("tr").find("td").get_text()
             for a in soup.select("#map-table a.country")}
    assert table == {code: str(n) for code, n in counts.counts}
    assert soup.select("table.regions")  # region counts too
    body = answers_client.get("/api/map?q=cooperatives").get_json()
    assert [(c["code"], c["count"]) for c in body["countries"]] == counts.counts
    assert body["without_country"] == counts.without
    assert any(r["code"] == "ilo-africa" for r in body["regions"])
    # Counted over the result set itself: filtered to Kenya, the map shows Kenya.
    only = answers_client.get("/api/map?country=KE").get_json()
    assert [c["code"] for c in only["countries"]] == ["KE"]


def test_the_search_page_links_to_its_answers(answers_client) -> None:
    soup = _soup(answers_client, "/?q=coffee&from=2021")
    links = {a.get_text(): a["href"] for a in soup.select("#answer-links a")}
    assert set(links) == {"top terms", "co-occurring words", "world map of the countries"}
    assert all(parse_qs(urlsplit(href).query) == {"q": ["coffee"], "from": ["2021"]}
               for href in links.values())


def test_compare_countries_over_time(answers_client) -> None:
    body = answers_client.get("/api/compare?each=country&country=KE&country=SN").get_json()
    assert body["each"] == "country"
    assert [s["query"] for s in body["series"]] == ["Kenya", "Senegal"]
    counts = dict(zip(body["periods"], body["series"][0]["counts"]))
    assert counts["2021"] == 1 and sum(counts.values()) == 1
    soup = _soup(answers_client, "/compare?each=region&region=ilo-africa")
    hrefs = [a["href"] for a in soup.select("svg a")]
    assert hrefs and all("region=ilo-africa" in h for h in hrefs)
    assert answers_client.get("/api/compare?each=nope").status_code == 400


def test_kwic_and_explain_as_json(answers_client) -> None:
    kwic = answers_client.get("/api/kwic?q=coffee&width=2").get_json()
    assert kwic["items"] == 4 and kwic["width"] == 2
    assert all(line["match"].lower().startswith("coffee") for line in kwic["lines"])
    explain = answers_client.get("/api/explain?q=coffee+kenya").get_json()
    assert explain["lines"] and "coffee" in " ".join(explain["lines"]).lower()
    assert answers_client.get("/api/kwic").status_code == 400


def test_no_answer_page_fails_on_odd_input(answers_client) -> None:
    for url in ("/terms?q=%22", "/map?q=*", "/cooccurrence?q=NOT", "/collection?id=%00",
                "/terms?min=-1", "/api/terms?by=", "/collection?add=((("):
        assert answers_client.get(url).status_code in (200, 400), url
    assert len(ITEMS) == 12
