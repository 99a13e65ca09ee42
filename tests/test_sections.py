"""Sections and date ranges in the index: the `collection` facet (the section a listing's
heading names), near-duplicate kinds as one kind, and the end of a range on every page."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from corpus import read_sources
from search import Engine, InputError, build_index, open_engine
from test_layouts import PROJECTS, PUBLICATIONS
from tests_support import request

SPOTLIGHT = [
    {"title": "Interview with a baker", "date": "2023-05-01",
     "kind": "Spotlight Interviews with Co-operators", "summary": "Bread."},
    {"title": "Interview with a farmer", "date": "2023-06-01",
     "kind": "Spotlight Interviews with Cooperators", "summary": "Fields."},
    {"title": "Interview with a weaver", "date": "2023-07-01",
     "kind": "Spotlight Interviews with Co-operators", "summary": "Cloth."},
]


@pytest.fixture(scope="module")
def sections(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("sections")
    (folder / "projects.txt").write_text(PROJECTS, encoding="utf-8")
    (folder / "publications.txt").write_text(PUBLICATIONS, encoding="utf-8")
    (folder / "spotlight.jsonl").write_text(
        "".join(json.dumps(item) + "\n" for item in SPOTLIGHT), encoding="utf-8")
    build_index(read_sources([folder]), folder / "index")
    return folder / "index"


@pytest.fixture(scope="module")
def engine(sections: Path) -> Engine:
    return open_engine(sections)


@pytest.fixture
def client(sections: Path):  # type: ignore[no-untyped-def]
    from webui import create_app
    return create_app({"INDEX_DIR": str(sections), "TESTING": True}).test_client()


def test_the_section_is_a_facet_and_a_filter(engine: Engine) -> None:
    counts = dict(engine.search(request()).facet_counts("collection"))
    projects = "Projects on cooperatives and social and solidarity economy"
    assert counts[projects] >= 2 and "Publications and tools on cooperatives" in counts
    found = engine.search(request(collection=projects.lower(), per_page=50))
    assert found.total == counts[projects]
    assert all(hit.article.collection == projects for hit in found.hits)
    with pytest.raises(InputError, match="unknown section 'Nowhere': sections in this index"):
        engine.search(request(collection="Nowhere"))


def test_kinds_spelled_two_ways_are_one_kind(engine: Engine) -> None:
    kinds = dict(engine.search(request()).facet_counts("kind"))
    assert kinds["Spotlight Interviews with Co-operators"] == 3  # as most items write it
    assert "Spotlight Interviews with Cooperators" not in kinds
    either = engine.search(request(kind="Spotlight Interviews with Cooperators"))
    assert either.total == 3


def test_a_range_keeps_its_end_on_the_item_page_api_and_exports(client, engine) -> None:  # type: ignore[no-untyped-def]
    hit = next(h for h in engine.search(request(per_page=50)).hits if h.article.date_end)
    article = hit.article
    page = BeautifulSoup(client.get(f"/items/{article.id}").get_data(as_text=True),
                         "html.parser")
    meta = page.select_one("article.item p.meta").get_text()
    assert "\u2013" in meta and str(article.date_end.year) in meta
    assert page.select_one("dd.collection").get_text() == article.collection
    item = client.get(f"/api/items/{article.id}").get_json()
    assert item["date_end"] == article.date_end.isoformat()
    assert item["collection"] == article.collection
    export = client.get("/export.csv?collection=" + article.collection).get_data(as_text=True)
    header, *rows = export.splitlines()
    assert "date_end" in header.split(",") and "collection" in header.split(",")
    assert any(article.date_end.isoformat() in row for row in rows)
    api = client.get("/api/search", query_string={"collection": article.collection}).get_json()
    assert api["collections"] == [article.collection]
    assert api["facets"]["collections"][article.collection] == api["total"]


def test_the_cli_filters_by_section(sections: Path) -> None:
    from webui.cli import main

    result = CliRunner().invoke(main, ["search", "--collection",
                                       "Publications and tools on cooperatives", "--json",
                                       "--index", str(sections)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["total"] > 0
    assert all(h["collection"] == "Publications and tools on cooperatives"
               for h in data["hits"])
