"""Reproducible citations on the web: generation in the footer and API, "Interpreted as",
"Cite this search", and the notice for a URL cited with another generation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from corpus import BUNDLED_CORPUS, read_sources
from search import build_index
from tests_support import csv_provenance, split_export


def test_footer_and_api_name_the_generation(page, client, engine) -> None:
    generation = engine.generation
    soup = page("/")
    footer = soup.find(id="generation").get_text(" ", strip=True)
    assert generation.id in footer and generation.built_at in footer and "10 items" in footer
    body = client.get("/api/search?q=kenya").get_json()
    assert body["generation"] == generation.to_dict()
    assert body["generation_notice"] is None


def test_interpreted_as_lists_the_reading_and_the_surprises(page) -> None:
    soup = page("/?q=%22social+economy%22+kenya+or+zzyzx&from=2024")
    reading = soup.find(id="reading")
    lines = [li.get_text() for li in reading.find("ul").find_all("li")]
    assert lines[0].startswith("Must contain: the phrase \u201csocial economy\u201d")
    assert "Dated from 2024-01-01 to the last item, inclusive." in lines
    notes = [li.get_text() for li in reading.find("ul", class_="notes").find_all("li")]
    assert any("\u201cor\u201d in lower case" in n for n in notes)
    assert any("No item contains \u201czzyzx\u201d" in n for n in notes)
    assert reading.has_attr("open")


def test_cite_this_search_carries_url_count_generation_and_time(page, engine) -> None:
    soup = page("/?q=kenya&from=2024")
    cite = soup.find(id="cite-search")
    url = cite.find("a")["href"]
    assert url.startswith("http://localhost/?q=kenya&from=2024&gen=")
    assert url.endswith(engine.generation.id)
    plain = cite.find(id="cite-search-plain").get_text()
    assert "2 results for 'kenya'" in plain and "2 items" in plain
    assert f"Index generation {engine.generation.id}" in plain and "retrieved" in plain
    bibtex = cite.find(id="cite-search-bibtex").get_text()
    assert bibtex.startswith("@misc{search-") and f"url = {{{url}}}" in bibtex
    ris = cite.find(id="cite-search-ris").get_text()
    assert ris.startswith("TY  - DATA") and f"UR  - {url}" in ris


@pytest.fixture
def growing(tmp_path: Path):
    """An index built from the bundled corpus, and a way to add items to it."""
    from webui import create_app
    index_dir = tmp_path / "index"
    first = build_index(read_sources([BUNDLED_CORPUS]), index_dir).generation
    app = create_app({"INDEX_DIR": str(index_dir), "TESTING": True})

    def add(*titles: str) -> str:
        extra = tmp_path / f"extra-{len(titles)}.jsonl"
        extra.write_text("".join(json.dumps({"title": t, "date": "2024-03-01"}) + "\n"
                                 for t in titles), encoding="utf-8")
        return build_index(read_sources([extra]), index_dir, update=True).generation

    return app.test_client(), first, add


def test_a_url_cited_with_an_older_generation_says_what_changed(growing) -> None:
    from bs4 import BeautifulSoup
    client, first, add = growing
    same = BeautifulSoup(client.get(f"/?q=kenya&gen={first}").get_data(as_text=True),
                         "html.parser")
    assert same.find(id="change-notice") is None
    newer = add("Kenya dairy cooperatives", "Kenya savings groups")
    soup = BeautifulSoup(client.get(f"/?q=kenya&gen={first}").get_data(as_text=True),
                         "html.parser")
    notice = soup.find(id="change-notice").get_text()
    assert f"generation {first}" in notice and f"generation {newer}" in notice
    assert "10 items" in notice and "12 items" in notice and "2 more items" in notice
    api = client.get(f"/api/search?q=kenya&gen={first}").get_json()
    assert "2 more items" in api["generation_notice"]
    unknown = BeautifulSoup(client.get("/?q=kenya&gen=20000101T000000Z-abcd")
                            .get_data(as_text=True), "html.parser")
    assert "has no record of" in unknown.find(id="change-notice").get_text()


def test_exports_carry_provenance_and_read_back(client, engine, tmp_path: Path) -> None:
    for kind in ("csv", "jsonl"):
        response = client.get(f"/export.{kind}?q=cooperative&kind=News")
        provenance = csv_provenance(client, "/export.csv?q=cooperative&kind=News") \
            if kind == "csv" else split_export(response.get_data(as_text=True), kind)[0]
        assert provenance["query"] == "cooperative" and provenance["kinds"] == ["News"]
        assert provenance["generation"] == engine.generation.id
        assert provenance["retrieved"]
        path = tmp_path / f"export.{kind}"
        path.write_text(response.get_data(as_text=True), encoding="utf-8")
        result = read_sources([path])
        assert not result.problems, [str(p) for p in result.problems]
        assert len(result.articles) == 4


def test_respelt_words_are_said_plainly_not_as_did_you_mean(page, client) -> None:
    soup = page("/?q=kenia")
    notice = soup.find("p", class_="respelt").get_text()
    assert notice == "No item contains \u201ckenia\u201d: showing results for \u201ckenya\u201d."
    assert soup.find(id="suggestion") is None
    assert len(soup.select("ol.hits > li")) == 2
    body = client.get("/api/search?q=kenia").get_json()
    assert body["respelt"] == [{"typed": "kenia", "searched": "kenya"}]


def test_items_with_all_but_one_word_are_shown_apart(page) -> None:
    soup = page("/?q=cooperative+kenya+senegal")
    assert soup.find(id="empty") is not None  # no item has all three
    partial = soup.find(id="partial")
    titles = [li.find("h2").get_text() for li in partial.select("ol.hits > li")]
    assert titles and all(("Kenya" in t or "Senegal" in t) for t in titles)
    assert "Not counted" in partial.get_text()
