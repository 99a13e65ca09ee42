"""The JSON search API: the search page's parameters, one page of results as JSON."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from tests_support import request


def test_search_api_answers_like_the_engine(client, engine):
    response = client.get("/api/search?q=cooperative&per_page=2&sort=newest")
    assert response.status_code == 200 and response.mimetype == "application/json"
    body = response.get_json()
    expected = engine.search(request(q="cooperative", per_page=2, sort="newest")).to_dict()
    for key in ("query", "total", "page", "per_page", "pages", "sort", "facets", "suggestion"):
        assert body[key] == expected[key], key
    assert [h["id"] for h in body["hits"]] == [h["id"] for h in expected["hits"]]
    for hit in body["hits"]:
        assert hit["href"] == f"http://localhost/items/{hit['id']}"
        assert set(hit) >= {"title", "date", "kind", "summary", "title_html", "summary_html"}


def test_search_api_links_page_through_the_results(client, engine):
    total = engine.search(request(q="cooperative")).total
    seen: list[str] = []
    url = "/api/search?q=cooperative&per_page=2"
    while url:
        body = client.get(url).get_json()
        seen += [h["id"] for h in body["hits"]]
        following = body["links"]["next"]
        if following:
            parts = urlsplit(following)
            assert parts.path == "/api/search"
            assert parse_qs(parts.query)["q"] == ["cooperative"]
            url = f"{parts.path}?{parts.query}"
        else:
            url = ""
    assert len(seen) == total == len(set(seen))
    assert urlsplit(body["links"]["html"]).path == "/"
    assert body["links"]["prev"] is not None


def test_search_api_says_what_it_respelt_or_suggests(client, engine):
    body = client.get("/api/search?q=kenia").get_json()
    assert body["respelt"] == [{"typed": "kenia", "searched": "kenya"}]
    assert body["total"] == engine.search(request(q="kenya")).total
    assert body["suggestion"] is None
    # Exact words are searched as typed: a suggestion instead.
    body = client.get("/api/search?q=kenia&exact=1").get_json()
    assert body["total"] == 0 and body["respelt"] == []
    assert body["suggestion"] == engine.search(request(q="kenia", exact=1)).suggestion == "kenya"


def test_search_api_with_filters(client, engine):
    kind = engine.values("kind")[0]
    body = client.get(f"/api/search?from=2024-01&to=2024-01&kind={kind}").get_json()
    assert body["from"] == "2024-01-01" and body["to"] == "2024-01-31"
    assert body["kinds"] == [kind]
    assert all(h["date"].startswith("2024-01") and h["kind"] == kind for h in body["hits"])
    assert body["total"] == engine.search(request(date_from="2024-01", date_to="2024-01",
                                                  kind=kind)).total


def test_a_rebuilt_index_shows_up_without_a_restart(tmp_path):
    import json

    from corpus import read_sources
    from search import build_index
    from webui import create_app
    source = tmp_path / "items.jsonl"
    item = {"title": "Zanzibar seaweed cooperative", "date": "2022-06-01", "kind": "News"}
    source.write_text(json.dumps(item) + "\n", encoding="utf-8")
    build_index(read_sources([source]), tmp_path / "index")
    client = create_app({"INDEX_DIR": str(tmp_path / "index")}).test_client()
    assert client.get("/api/search?q=seaweed").get_json()["total"] == 1
    assert client.get("/api/search?q=pemba").get_json()["total"] == 0
    more = {"title": "Pemba seaweed farmers", "date": "2022-07-01", "kind": "News"}
    source.write_text(json.dumps(item) + "\n" + json.dumps(more) + "\n", encoding="utf-8")
    build_index(read_sources([source]), tmp_path / "index")
    assert client.get("/api/search?q=seaweed").get_json()["total"] == 2
    assert client.get("/api/search?q=pemba").get_json()["total"] == 1
