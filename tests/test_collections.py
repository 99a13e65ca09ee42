"""Collections: items named by id in the URL, their citations and exports, a search in them."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import bibtexparser
import pytest
from answers_support import ITEMS
from bs4 import BeautifulSoup
from tests_support import request

from corpus import read_sources
from search import MAX_IDS, InputError, clean_ids, collection


def _ids(engine, count: int) -> list[str]:  # type: ignore[no-untyped-def]
    return [hit.article.id for hit in engine.search(request(sort="oldest", per_page=50)).hits][
        :count]


def test_a_collection_keeps_its_order_and_names_the_missing(answers_engine) -> None:
    ids = _ids(answers_engine, 4)[::-1]
    found = collection(answers_engine, (*ids[:2], "2020-01-01-no-such-item", *ids[2:]))
    assert [hit.article.id for hit in found.hits] == ids
    assert found.missing == ("2020-01-01-no-such-item",) and found.found == 4
    assert not found.searched


def test_a_search_within_a_collection(answers_engine) -> None:
    ids = _ids(answers_engine, len(ITEMS))
    found = collection(answers_engine, tuple(ids), request(q="coffee"))
    assert found.searched and len(found.hits) == 4
    assert all("offee" in hit.article.title + hit.article.summary for hit in found.hits)
    assert all(hit.title_spans or hit.summary_spans for hit in found.hits)  # words marked
    only_two = collection(answers_engine, tuple(ids[:2]), request(q="coffee"))
    assert len(only_two.hits) <= 2


def test_a_collection_is_bounded() -> None:
    assert clean_ids([" a ", "b", "a", ""]) == ("a", "b")
    with pytest.raises(InputError, match="at most 1,000 items"):
        clean_ids([f"id-{n}" for n in range(MAX_IDS + 1)])


def test_the_page_lists_the_items_and_the_missing(answers_client, answers_engine) -> None:
    ids = _ids(answers_engine, 3)
    url = "/collection?" + "&".join(f"id={i}" for i in [*ids, "gone-item"])
    soup = BeautifulSoup(answers_client.get(url).data, "html.parser")
    kept = [box["value"] for box in soup.select("#collected input[name=id]")]
    assert kept == ids and all(box.has_attr("checked")
                               for box in soup.select("#collected input[name=id]"))
    missing = soup.find(id="collection-missing")
    assert "gone-item" in missing.get_text()
    assert "gone-item" not in missing.find("a")["href"]  # "leave it out"
    files = {a["data-format"]: a["href"] for a in soup.select("a.collection-file")}
    assert set(files) == {"BibTeX", "RIS", "CSL-JSON", "CSV", "JSON Lines", "JSON API"}
    assert all(href.count("id=") == 4 for href in files.values())
    too_many = answers_client.get("/collection?" + "&".join(f"id=x{n}" for n in range(1001)))
    assert too_many.status_code == 400 and b"at most 1,000" in too_many.data


def test_adding_from_a_search_without_javascript(answers_client, answers_engine) -> None:
    first = _ids(answers_engine, 1)
    soup = BeautifulSoup(answers_client.get(f"/collection?id={first[0]}&add=coffee").data,
                         "html.parser")
    offered = [box["value"] for box in soup.select("#candidates input[name=id]")]
    assert offered and first[0] not in offered
    form = soup.find(id="collection-form")
    assert form["method"] == "get" and form.find("button", id="update-collection")


def test_bulk_citations_parse(answers_client, answers_engine) -> None:
    ids = _ids(answers_engine, 3)
    query = "&".join(f"id={i}" for i in ids)
    bib = answers_client.get(f"/collection.bib?{query}")
    assert bib.status_code == 200 and "attachment" in bib.headers["Content-Disposition"]
    library = bibtexparser.parse_string(bib.get_data(as_text=True))
    assert not library.failed_blocks
    entries = {entry.key: {f.key: f.value for f in entry.fields} for entry in library.entries}
    assert list(entries) == ids
    titles = {hit.article.id: hit.article.title for hit in answers_engine.search(
        request(per_page=50)).hits}
    assert all(fields["title"].strip("{}") == titles[key] for key, fields in entries.items())
    ris = answers_client.get(f"/collection.ris?{query}").get_data(as_text=True)
    assert ris.count("TY  - NEWS") == 3 and ris.count("ER  - ") == 3
    csl = json.loads(answers_client.get(f"/collection.csl.json?{query}").data)
    assert [item["id"] for item in csl] == ids
    assert all(item["type"] == "article-newspaper" and len(item["issued"]["date-parts"][0]) == 3
               for item in csl)


def test_collection_exports_read_back(answers_client, answers_engine, tmp_path: Path) -> None:
    ids = _ids(answers_engine, 5)
    query = "&".join(f"id={i}" for i in ids)
    response = answers_client.get(f"/collection.csv?{query}")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [row["id"] for row in rows] == ids
    assert all(row["permalink"].endswith(f"/items/{row['id']}") for row in rows)
    described = answers_client.get(f"/collection.csv.json?{query}").get_json()
    assert described["dc:provenance"]["ids"] == ids
    assert [c["titles"] for c in described["tableSchema"]["columns"]][:2] == ["id", "date"]
    jsonl = answers_client.get(f"/collection.jsonl?{query}").get_data(as_text=True)
    (tmp_path / "back.jsonl").write_text(jsonl, encoding="utf-8")
    assert [a.id for a in read_sources([tmp_path / "back.jsonl"]).articles] == ids
    api = answers_client.get(f"/api/collection?{query}&id=nope&q=coffee").get_json()
    assert api["missing"] == ["nope"] and api["found"] == 5 and api["searched"]
    assert all("coffee" in (i["title"] + i["summary"]).lower() for i in api["items"])
    empty = answers_client.get("/collection.bib")
    assert empty.status_code == 400 and b"at least one item" in empty.data


def test_items_can_be_ticked_on_result_and_item_pages(answers_client, answers_engine) -> None:
    soup = BeautifulSoup(answers_client.get("/?q=coffee").data, "html.parser")
    form = soup.find("form", id="collect")
    assert form["action"] == "/collection" and form["method"] == "get"
    boxes = soup.select("li.hit input.collect")
    assert len(boxes) == 4 and all(box["form"] == "collect" and box["name"] == "id"
                                   for box in boxes)
    item = BeautifulSoup(answers_client.get(f"/items/{boxes[0]['value']}").data, "html.parser")
    box = item.select_one("form#collect input.collect")
    assert box["value"] == boxes[0]["value"]
