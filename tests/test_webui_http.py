"""HTTP conventions: validators and 304s from the index generation, CORS, gzip, and the
same headers on errors."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest

from corpus import read_sources
from search import build_index

CACHED = ["/api/search?q=cooperative", "/api/items/{item}", "/export.csv?q=kenya",
          "/export.csv.json?q=kenya", "/export.jsonl", "/feed.atom?q=kenya"]


def first_id(client) -> str:
    return client.get("/api/search?per_page=1").get_json()["hits"][0]["id"]


@pytest.mark.parametrize("url", CACHED)
def test_answers_carry_validators_and_a_repeat_gets_304(client, url):
    url = url.format(item=first_id(client))
    first = client.get(url)
    first.close()
    assert first.status_code == 200
    tag = first.headers["ETag"]
    assert tag.startswith('W/"') and first.headers["Last-Modified"]
    assert first.headers["Cache-Control"] == "no-cache"
    again = client.get(url, headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == tag
    since = client.get(url, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304
    other = client.get(url, headers={"If-None-Match": 'W/"something-else"'})
    other.close()
    assert other.status_code == 200


def test_tags_differ_by_request_and_change_with_the_generation(tmp_path: Path):
    from webui import create_app
    source = tmp_path / "a.jsonl"
    source.write_text(json.dumps({"title": "Kenya cooperatives", "date": "2024-01-02"}) + "\n",
                      encoding="utf-8")
    index = tmp_path / "index"
    build_index(read_sources([source]), index)
    client = create_app({"INDEX_DIR": str(index), "TESTING": True}).test_client()
    tag = client.get("/api/search?q=kenya").headers["ETag"]
    assert client.get("/api/search?q=cooperatives").headers["ETag"] != tag
    more = tmp_path / "b.jsonl"
    more.write_text(json.dumps({"title": "Kenya again", "date": "2024-02-02"}) + "\n",
                    encoding="utf-8")
    build_index(read_sources([more]), index, update=True)
    after = client.get("/api/search?q=kenya", headers={"If-None-Match": tag})
    assert after.status_code == 200 and after.get_json()["total"] == 2
    assert after.headers["ETag"] != tag


def test_errors_carry_no_validators(client):
    bad = client.get("/api/search?from=garbage")
    assert bad.status_code == 400 and "ETag" not in bad.headers


# -- CORS ------------------------------------------------------------------------------


def cors_client(bundled_index, origins: str):
    from webui import create_app
    return create_app({"INDEX_DIR": str(bundled_index), "TESTING": True,
                       "CORS": origins}).test_client()


def test_no_cross_origin_reads_by_default(client):
    response = client.get("/api/search", headers={"Origin": "https://notebook.example"})
    assert "Access-Control-Allow-Origin" not in response.headers


def test_any_origin_may_read_the_api_and_its_errors(bundled_index):
    client = cors_client(bundled_index, "*")
    origin = {"Origin": "https://notebook.example"}
    for url, status in (("/api/search?q=kenya", 200), ("/api/search?from=garbage", 400),
                        ("/openapi.json", 200), ("/feed.atom", 200)):
        response = client.get(url, headers=origin)
        assert response.status_code == status
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert "ETag" in response.headers["Access-Control-Expose-Headers"]
    preflight = client.options("/api/search", headers={
        **origin, "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "if-none-match"})
    assert preflight.status_code == 200
    assert "If-None-Match" in preflight.headers["Access-Control-Allow-Headers"]
    assert "GET" in preflight.headers["Access-Control-Allow-Methods"]


def test_listed_origins_only(bundled_index):
    client = cors_client(bundled_index, "https://a.example http://localhost:8888")
    allowed = client.get("/api/search", headers={"Origin": "http://localhost:8888"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "http://localhost:8888"
    assert "Origin" in allowed.headers["Vary"]
    other = client.get("/api/search", headers={"Origin": "https://b.example"})
    assert "Access-Control-Allow-Origin" not in other.headers
    assert "Origin" in other.headers["Vary"]


# -- compression -------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/api/search?per_page=100", "/?per_page=100",
                                 "/export.csv", "/export.jsonl", "/feed.atom"])
def test_text_answers_are_gzipped_for_clients_that_accept_it(client, url):
    plain = client.get(url)
    zipped = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert plain.headers.get("Content-Encoding") is None
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped.headers["Vary"]
    # The same answer, but for the times in it (elapsed, retrieved).
    # (A number of milliseconds is written "9.5 ms" or "12 ms": digits and points go.)
    assert re.sub(rb"[\d.]+", b"", gzip.decompress(zipped.data)) == re.sub(rb"[\d.]+", b"", plain.data)
    assert len(zipped.data) < len(plain.data) / 2


def test_errors_carry_the_same_headers(client):
    for url in ("/api/search?from=garbage", "/no/such/page", "/items/nothing-here"):
        response = client.get(url, headers={"Accept-Encoding": "gzip"})
        assert response.status_code in (400, 404)
        assert response.headers["Content-Security-Policy"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "Accept-Encoding" in response.headers["Vary"]
