"""The research pages: compare over time and keyword in context, with their CSV twins."""

from __future__ import annotations

import csv
import json
import io

import pytest

from search import Engine
from tests_support import csv_provenance, request


def numbers_table(soup) -> list[list[str]]:
    table = soup.find("table", class_="numbers")
    return [[cell.get_text(strip=True) for cell in row.find_all(["th", "td"])]
            for row in table.find("tbody").find_all("tr")]


def test_compare_two_queries_matches_each_query_alone(page, engine: Engine) -> None:
    soup = page("/compare?q=kenya&q=social+economy&by=month")
    rows = numbers_table(soup)
    assert [row[0] for row in rows] == ["2023-12", "2024-01", "2024-02"]
    for column, query in ((1, "kenya"), (2, "social economy")):
        alone = dict(engine.search(request(q=query)).months)
        assert [int(row[column]) for row in rows] == [alone.get(row[0], 0) for row in rows]
    assert [int(row[3]) for row in rows] == [1, 4, 5]  # all items per month
    svg = soup.find("figure", class_="compare-chart").find("svg")
    assert svg.find("title").get_text() == "Items per month"
    assert len(svg.find_all("polyline")) == 2
    assert len(svg.find_all("rect", class_="base")) == 3
    links = [a["href"] for a in svg.find_all("a")]
    assert "/?q=kenya&from=2024-02&to=2024-02" in links
    inputs = [i.get("value") for i in soup.find_all("input", attrs={"name": "q"})]
    assert inputs[:3] == ["kenya", "social economy", ""]


def test_compare_share_quarters_and_empty_periods(page) -> None:
    soup = page("/compare?q=kenya&by=quarter&measure=share&from=2023-07&to=2024&baseline=0")
    rows = numbers_table(soup)
    assert [row[0] for row in rows] == ["2023-Q3", "2023-Q4", "2024-Q1", "2024-Q2", "2024-Q3",
                                        "2024-Q4"]
    # 2023-Q3 has no items at all: a gap, not 0 %; each share says what it rests on.
    assert rows[2][1] == "2 of 9 (22.2%)" and rows[1][1] == "0 of 1 (0.0%)"
    assert rows[0][1] == "no items"
    assert not soup.find_all("rect", class_="base")
    points = [p.find("title").get_text() for p in soup.select("svg path.marker")]
    assert points == ["kenya, 2023-Q4: 0 of 1 item (0%)", "kenya, 2024-Q1: 2 of 9 items (22%)"]
    hrefs = [a["href"] for a in soup.select("svg a")]
    assert "/?q=kenya&from=2024-01&to=2024-03" in hrefs


@pytest.mark.parametrize("url, param", [
    ("/compare?q=(((", "q"),
    ("/compare?q=kenya&by=week", "by"),
    ("/compare?q=kenya&measure=volume", "measure"),
    ("/compare?q=kenya&from=someday", "from"),
    ("/compare?q=a&q=b&q=c&q=d&q=e", "q"),
    ("/compare?q=kenya&by=month&from=1900", "by"),
])
def test_compare_errors_keep_the_input(page, url: str, param: str) -> None:
    soup = page(url, status=400)
    assert soup.find(id="form-error").get_text(strip=True)
    assert soup.find(attrs={"aria-invalid": "true"}) is not None or param in ("by", "measure")
    assert soup.find("input", attrs={"name": "q"})["value"]


def test_compare_without_queries_explains_itself(page) -> None:
    soup = page("/compare")
    assert "Type up to four queries" in soup.get_text()


def test_compare_csv_has_provenance_and_the_numbers(client, engine: Engine) -> None:
    response = client.get("/compare.csv?q=kenya&q=sse&measure=share")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    provenance = csv_provenance(client, "/compare.csv?q=kenya&q=sse&measure=share")
    assert provenance["generation"] == engine.generation.id and provenance["retrieved"]
    assert provenance["search_url"].endswith("/compare.csv?q=kenya&q=sse&measure=share")
    first = client.get("/compare.csv?q=kenya&q=sse&measure=share&provenance=1")
    line = first.get_data(as_text=True).splitlines()[0]
    assert line.startswith("# news-search compare: {")
    assert json.loads(line.partition(": ")[2])["generation"] == engine.generation.id
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["period", "all_items", "kenya", "kenya (share)", "sse", "sse (share)"]
    assert rows[1][:3] == ["2023", "1", "0"] and rows[2][:4] == ["2024", "9", "2", "0.222222"]
    assert response.headers["X-Index-Generation"] == engine.generation.id
    assert client.get("/compare.csv").status_code == 400


def test_kwic_page_aligns_matches_and_sorts(page) -> None:
    soup = page("/kwic?q=cooperative&order=right&width=4")
    rows = soup.select("table.kwic-lines tbody tr")
    assert len(rows) == 17  # "co-operators" are people: a family of their own
    matches = [row.find("td", class_="match").get_text() for row in rows]
    assert {"Co-op", "Coop"} <= set(matches)
    rights = [row.find("td", class_="right").get_text().split() for row in rows]
    keys = [[w.lower() for w in words] for words in rights]
    assert keys == sorted(keys)
    assert all(row.find("a")["href"].startswith("/items/") for row in rows)
    left = page("/kwic?q=cooperative&order=left")
    lefts = [row.find("td", class_="left").get_text().split()
             for row in left.select("table.kwic-lines tbody tr")]
    assert [[w.lower() for w in reversed(ws)] for ws in lefts] == sorted(
        [[w.lower() for w in reversed(ws)] for ws in lefts])


def test_kwic_csv_and_errors(client, page) -> None:
    response = client.get("/kwic.csv?q=kenya")
    assert csv_provenance(client, "/kwic.csv?q=kenya")["generation"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["id", "date", "field", "left", "match", "right", "title"]
    assert len(rows) == 7 and [row[4] for row in rows[1:]].count("Kenya") == 5
    assert "Nairobi" in [row[4] for row in rows[1:]]  # a place in Kenya
    assert client.get("/kwic.csv").status_code == 400
    soup = page("/kwic?q=kenya&width=99", status=400)
    assert "width must be from 1 to 20" in soup.find(id="form-error").get_text()
    page("/kwic?q=(((", status=400)
    assert "Type a word" in page("/kwic").get_text()


def test_research_pages_escape_the_query(page) -> None:
    soup = page("/compare?q=%3Cscript%3Ealert(1)%3C/script%3E")
    assert soup.find("script", string=lambda s: s and "alert" in s) is None
    soup = page("/kwic?q=%3Cscript%3Ealert(1)%3C/script%3E")
    assert soup.find("script", string=lambda s: s and "alert" in s) is None


def test_random_sample_page_is_reproducible_for_a_seed(page) -> None:
    def sample(seed: int) -> list[str]:
        soup = page(f"/?sort=random&seed={seed}&per_page=5")
        return [li.find("a")["href"] for li in soup.select("ol.hits > li")]

    assert sample(3) == sample(3) and len(sample(3)) == 5
    assert sample(3) != sample(4)
    soup = page("/?sort=random&seed=3&per_page=5")
    assert soup.find("input", attrs={"name": "seed"})["value"] == "3"


def test_exact_words_switch_on_the_page(page) -> None:
    loose = page("/?q=cooperative")
    exact = page("/?q=cooperative&exact=1")
    assert loose.select_one("#total").get_text().startswith("5 results")
    assert exact.select_one("#total").get_text().startswith("3 results")
    reading = " ".join(li.get_text() for li in exact.select("#reading li"))
    assert "Exact words" in reading
