"""Exports of the whole result set (CSV, JSON Lines) and the Atom feed."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from tests_support import csv_provenance, request, split_export

from corpus import read_sources

ATOM = "{http://www.w3.org/2005/Atom}"


def all_ids(engine, **params) -> list[str]:
    return [h.article.id for h in engine.export(request(**params))[1]]


def test_csv_export_is_the_whole_result_set_in_order(client, engine):
    response = client.get("/export.csv?q=cooperative&per_page=2&page=2&sort=oldest")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.is_streamed
    assert 'filename="news-search-cooperative.csv"' in response.headers["Content-Disposition"]
    body = response.get_data(as_text=True)
    provenance = csv_provenance(client, "/export.csv?q=cooperative&per_page=2&page=2&sort=oldest")
    assert provenance["query"] == "cooperative" and provenance["sort"] == "oldest"
    assert provenance["generation"] == engine.generation.id == \
        response.headers["X-Index-Generation"]
    assert str(provenance["search_url"]).endswith("/?q=cooperative&sort=oldest")
    rows = list(csv.DictReader(io.StringIO(body)))
    expected = all_ids(engine, q="cooperative", sort="oldest")
    assert len(expected) > 2  # more than the page asked for
    assert [row["id"] for row in rows] == expected
    assert list(rows[0]) == ["id", "date", "kind", "title", "summary", "date_end", "collection",
                             "url", "permalink", "source", "countries", "regions"]
    assert [row["permalink"] for row in rows] == [f"http://localhost/items/{i}" for i in expected]
    article = engine.get(rows[0]["id"])
    assert rows[0]["title"] == article.title and rows[0]["date"] == article.date.isoformat()


def test_jsonl_export_reads_back_as_a_corpus(client, engine, tmp_path: Path):
    response = client.get("/export.jsonl")
    assert response.status_code == 200 and response.is_streamed
    provenance, body = split_export(response.get_data(as_text=True), "jsonl")
    assert provenance["generation"] == engine.generation.id and provenance["query"] == ""
    records = [json.loads(line) for line in body.splitlines()]
    assert [r["id"] for r in records] == all_ids(engine)
    path = tmp_path / "export.jsonl"
    path.write_text(response.get_data(as_text=True), encoding="utf-8")
    result = read_sources([path])
    assert not result.problems
    assert sorted(a.id for a in result.articles) == sorted(r["id"] for r in records)


def test_exports_follow_the_filters(client, engine):
    kind = engine.values("kind")[0]
    raw = client.get(f"/export.jsonl?from=2024-01&to=2024-01&kind={kind}").get_data(as_text=True)
    provenance, body = split_export(raw, "jsonl")
    assert provenance["from"] == "2024-01" and provenance["kinds"] == [kind]
    records = [json.loads(line) for line in body.splitlines()]
    assert [r["id"] for r in records] == all_ids(engine, date_from="2024-01",
                                                 date_to="2024-01", kind=kind)
    assert all(r["date"].startswith("2024-01") for r in records)
    empty = client.get("/export.csv?q=zebra")
    assert empty.status_code == 200
    assert empty.get_data(as_text=True).splitlines() == [
        "id,date,kind,title,summary,date_end,collection,url,permalink,source,countries,regions"]


def test_csv_cells_cannot_run_as_formulas(odd_client):
    body = odd_client.get("/export.csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(body)))
    cells = [cell for row in rows[1:] for cell in row]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    titles = {row[3] for row in rows[1:]}
    assert "'=HYPERLINK(\"http://evil.example\",\"click\")" in titles
    assert "'-2 degrees: @cooperatives in the cold" in titles
    summaries = {row[4] for row in rows[1:]}
    assert "'+SUM(A1:A9) looks like a formula" in summaries


@pytest.mark.parametrize("cell, expected", [("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"),
                                            ("@x", "'@x"), ("\tx", "'\tx"), ("a=b", "a=b"),
                                            ("", "")])
def test_spreadsheet_safe(cell, expected):
    from corpus.csvfile import restore_cell, spreadsheet_safe
    assert spreadsheet_safe(cell) == expected
    assert restore_cell(spreadsheet_safe(cell)) == cell


def test_feed_carries_the_newest_matches(client, engine):
    response = client.get("/feed.atom?q=cooperative&sort=oldest&page=3")
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    root = ET.fromstring(response.data)
    assert root.tag == f"{ATOM}feed"
    assert "'cooperative'" in root.findtext(f"{ATOM}title")
    entries = root.findall(f"{ATOM}entry")
    expected = all_ids(engine, q="cooperative", sort="newest")[:20]
    assert [e.findtext(f"{ATOM}id").rsplit("/", 1)[1] for e in entries] == expected
    assert root.findtext(f"{ATOM}updated") == entries[0].findtext(f"{ATOM}updated")
    links = {l.get("rel"): l.get("href") for l in root.findall(f"{ATOM}link")}
    assert links["self"] == "http://localhost/feed.atom?q=cooperative&sort=oldest"
    assert links["alternate"] == "http://localhost/?q=cooperative&sort=oldest"
    first = entries[0]
    assert first.find(f"{ATOM}link").get("href") == f"http://localhost/items/{expected[0]}"


def test_feed_text_is_escaped_xml(odd_client):
    root = ET.fromstring(odd_client.get("/feed.atom").data)
    titles = [e.findtext(f"{ATOM}title") for e in root.findall(f"{ATOM}entry")]
    assert "<script>alert('x')</script> & <b>bold</b> cooperatives" in titles


def test_feed_size_setting(bundled_index):
    from webui import create_app
    client = create_app({"INDEX_DIR": str(bundled_index), "FEED_SIZE": 3}).test_client()
    root = ET.fromstring(client.get("/feed.atom").data)
    assert len(root.findall(f"{ATOM}entry")) == 3


def test_engine_checks_an_export_before_streaming_it(engine):
    from search import InputError
    with pytest.raises(InputError) as error:
        engine.export(request(kind="Podcast"))  # raises on the call, not on next()
    assert error.value.param == "kind"
