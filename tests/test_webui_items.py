"""Item permalink pages (`/items/<id>`) and the item API: details, citations, similar items."""

from __future__ import annotations

from urllib.parse import urlencode

import json

from bs4 import BeautifulSoup
from tests_support import request


def first_hit(engine, **params):
    return engine.search(request(**params)).hits[0].article


def test_item_page_shows_the_item(page, engine):
    article = first_hit(engine, q="kenya")
    soup = page(f"/items/{article.id}")
    assert soup.select_one("article.item h1").get_text() == article.title
    assert soup.select_one("article.item time")["datetime"] == article.date.isoformat()
    assert soup.select_one("article.item .kind").get_text() == article.kind
    assert soup.select_one("article.item .summary").get_text() == article.summary
    assert article.source in soup.select_one("dl.details").get_text()
    permalink = f"http://localhost/items/{article.id}"
    assert soup.select_one("a.permalink")["href"] == permalink
    assert soup.select_one("dl.details button.copy")["data-copy"] == permalink
    assert soup.select_one("title").get_text().startswith(article.title)
    month = article.date.strftime("%Y-%m")
    browse = [a["href"] for a in soup.select("ul.browse a")]
    section = urlencode({"collection": article.collection})
    assert article.collection == "News, stories and statements on cooperatives"
    assert browse == [f"/?from={month}&to={month}", f"/?kind={article.kind}", f"/?{section}",
                      "/?country=KE"]
    assert soup.select_one("dd.collection").get_text() == article.collection
    places = soup.select("#places li")
    assert [p.select_one("a.place").get_text() for p in places] == ["Kenya"]
    assert "Kenya" in places[0].select_one(".evidence").get_text()
    assert "/?region=eastern-africa" in [a["href"] for a in places[0].select("a.region")]


def test_item_page_cites_in_three_forms(page, engine):
    article = first_hit(engine, q="kenya")
    soup = page(f"/items/{article.id}")
    plain = soup.select_one("pre#cite-plain").get_text()
    assert article.title in plain and str(article.date.year) in plain
    assert f"/items/{article.id}" in plain  # no original URL: the permalink is cited
    bibtex = soup.select_one("pre#cite-bibtex").get_text()
    assert bibtex.startswith(f"@misc{{{article.id},") and bibtex.rstrip().endswith("}")
    assert f"date = {{{article.date.isoformat()}}}" in bibtex
    ris = soup.select_one("pre#cite-ris").get_text().splitlines()
    assert ris[0] == "TY  - NEWS" and ris[-1].startswith("ER  -")
    assert f"TI  - {article.title}" in ris
    assert f"DA  - {article.date.strftime('%Y/%m/%d')}" in ris
    buttons = [b["data-copy-from"] for b in soup.select(".cite button.copy")]
    assert buttons == ["cite-plain", "cite-bibtex", "cite-ris"]


def test_more_like_this_links_to_other_items(page, engine, client):
    article = first_hit(engine, q="kenya")
    links = page(f"/items/{article.id}").select("#more-like-this a")
    expected = engine.more_like_this(article.id, limit=5)
    assert [a["href"] for a in links] == [f"/items/{other.id}" for other in expected]
    assert links and all(a["href"] != f"/items/{article.id}" for a in links)
    for link in links:
        assert client.get(link["href"]).status_code == 200


def test_item_api(client, engine):
    article = first_hit(engine, q="kenya")
    body = client.get(f"/api/items/{article.id}").get_json()
    assert {k: body[k] for k in article.to_dict()} == article.to_dict()
    assert body["href"] == f"http://localhost/items/{article.id}"
    assert [o["id"] for o in body["more_like_this"]] == \
        [o.id for o in engine.more_like_this(article.id, limit=5)]


def test_hit_titles_link_to_working_permalinks(page, client):
    for link in page("/").select("ol.hits h2 a"):
        assert link["href"].startswith("/items/")
        assert client.get(link["href"]).status_code == 200


def test_item_text_and_original_link_are_escaped(odd_client):
    response = odd_client.get("/?q=bold")
    raw = response.get_data(as_text=True)
    assert "<script>alert" not in raw and "<b>bold" not in raw
    soup = BeautifulSoup(raw, "html.parser")
    title = soup.select_one("ol.hits h2 a")
    assert "<script>alert('x')</script>" in title.get_text()
    item = BeautifulSoup(odd_client.get(title["href"]).get_data(as_text=True), "html.parser")
    assert item.select_one("article.item h1").get_text().startswith("<script>")
    assert item.select_one("a.original")["href"] == "https://example.org/odd"
    # No script runs but the site's own files: the one inline element is JSON-LD data.
    inline = [s for s in item.find_all("script") if not s.has_attr("src")]
    assert [s["type"] for s in inline] == ["application/ld+json"]
    assert "</" not in inline[0].string and json.loads(inline[0].string)["headline"]
    bibtex = item.select_one("pre#cite-bibtex").get_text()
    assert "title = {{<script>alert('x')</script> \\& <b>bold</b> cooperatives}}" in bibtex
    assert "url = {https://example.org/odd}" in bibtex
    ris = item.select_one("pre#cite-ris").get_text()
    assert "UR  - https://example.org/odd" in ris


def test_bibtex_escapes_tex_specials():
    from webui.cite import bibtex_escape
    assert bibtex_escape("50% of {coops} & more_things #1 ~ ^ \\ $x") == (
        r"50\% of \{coops\} \& more\_things \#1 \textasciitilde{} \textasciicircum{} "
        r"\textbackslash{} \$x")
