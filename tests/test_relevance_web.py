"""Every query family of the judged set works from the web UI, highlights included."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

import pytest
from bs4 import BeautifulSoup

from corpus import read_sources
from search import build_index

RELEVANCE = Path(__file__).resolve().parent / "relevance"


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory):
    from webui import create_app

    index = tmp_path_factory.mktemp("web-relevance") / "index"
    build_index(read_sources([RELEVANCE / "corpus-a.txt", RELEVANCE / "corpus-b.txt"]), index)
    client = create_app({"INDEX_DIR": str(index), "TESTING": True}).test_client()

    def search(query: str) -> BeautifulSoup:
        response = client.get("/?" + urlencode({"q": query, "per_page": 50}))
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
        return BeautifulSoup(response.get_data(as_text=True), "html.parser")
    return search


@pytest.mark.parametrize(("query", "expected", "marked"), [
    ("Viet Nam", "Vietnam's cooperatives go digital: e-commerce training for farmer groups",
     "Vietnam's"),
    ("Sanliurfa", ("Interview with Ayşe Demir, founder of a women’s bakery cooperative in "
                  "Şanlıurfa"), "Şanlıurfa"),
    ("child labor", "Cooperatives and the world of work No. 2: Cooperatives and child labour",
     "labour"),
    ("COPAC", "COPAC meets in Geneva to plan joint work for 2025", "COPAC"),
    ("SSE", "UNTFSSE launches knowledge hub on the social and solidarity economy",
     "social and solidarity economy"),  # a synonym's phrase is marked whole
    ("co-op housing", "Housing cooperatives in Uruguay: mutual aid builds homes", "cooperatives"),
    ("Jurgen Neumann", ("Interview with Jürgen Neumann, board member of an energy cooperative in "
                       "Bavaria"), "Jürgen"),
    ("“just transition”", "Renewable energy cooperatives and the just transition",
     "just transition"),
    ("Phillipines", "Cooperatives in the Philippines: the fastest growing sector",
     "Philippines"),
    ("spotlight interview", ("Interview with Priya Raman, chief executive of a dairy "
                            "cooperative in Tamil Nadu"), None),
])
def test_query_family_in_the_web_ui(web, query: str, expected: str, marked: str | None) -> None:
    soup = web(query)
    hits = {" ".join(h2.get_text().split()): h2 for h2 in soup.select("li.hit h2")}
    assert expected in hits
    if marked:
        assert marked in [m.get_text() for m in hits[expected].find_all("mark")]
