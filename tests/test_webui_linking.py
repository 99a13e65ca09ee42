"""The site's address: NEWS_SEARCH_BASE_URL, declared proxies, and an untrusted Host header.

Every route is asked with `Host: evil.invalid` (and forwarded headers no proxy
was declared for): with a base URL, no answer names anything but the base URL;
without one, nothing names the Host at all.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from webui.settings import SettingError, parse_base_url, parse_origins

BASE = "https://example.org/news"
FORGED = {"Host": "evil.invalid", "X-Forwarded-Host": "forged.invalid",
          "X-Forwarded-Proto": "gopher", "X-Forwarded-Prefix": "/forged"}
# A sample URL for each route with arguments or that needs a query.
SAMPLES = {
    "items.item": ["/items/{item}"], "api.item": ["/api/items/{item}"],
    "search.index": ["/", "/?q=kenya&per_page=2", "/?q=kenya&from=nonsense"],
    "api.search": ["/api/search?q=kenya&per_page=1", "/api/search?q=cooperative&page=2"],
    "research.compare": ["/compare", "/compare?q=kenya&q=sse"],
    "research.compare_csv": ["/compare.csv?q=kenya"],
    "research.compare_csv_metadata": ["/compare.csv.json?q=kenya"],
    "research.kwic_page": ["/kwic", "/kwic?q=kenya"],
    "research.kwic_csv": ["/kwic.csv?q=kenya"],
    "research.kwic_csv_metadata": ["/kwic.csv.json?q=kenya"],
    "static": ["/static/style.css", "/static/copy.js"],
}
ERRORS = ["/no/such/page", "/items/no-such-item", "/api/search?from=garbage"]


def every_url(app, item: str) -> list[str]:
    """A URL for every GET route of the app (new routes without arguments included), and
    some errors."""
    urls = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SAMPLES:
            urls += [u.format(item=item) for u in SAMPLES[rule.endpoint]]
        else:
            assert not rule.arguments, f"add a sample URL for {rule.endpoint} ({rule.rule})"
            urls.append(rule.rule)
    return [*dict.fromkeys(urls), *ERRORS]


def make_app(bundled_index: Path, **config):
    from webui import create_app
    return create_app({"INDEX_DIR": str(bundled_index), "TESTING": True, **config})


def item_id(engine) -> str:
    return engine.export(__import__("tests_support").request(q="kenya"))[1].__next__().article.id


def texts(response) -> str:
    """What leaves the machine: the body and every header."""
    headers = "\n".join(f"{k}: {v}" for k, v in response.headers.items())
    body = response.get_data().decode("utf-8", "replace")  # a PNG chart is bytes
    response.close()
    return headers + "\n" + body


def test_with_a_base_url_no_answer_names_the_host_or_this_machine(bundled_index, engine):
    app = make_app(bundled_index, BASE_URL=BASE)
    client = app.test_client()
    seen = 0
    for url in every_url(app, item_id(engine)):
        response = client.get(url, headers=FORGED)
        assert response.status_code < 500, url
        text = texts(response)
        for leak in ("evil.invalid", "forged.invalid", "127.0.0.1", "localhost", "gopher"):
            assert leak not in text, (url, leak)
        absolute = set(re.findall(r"https?://[^\s\"'<>)]+", text))
        own = {link for link in absolute if link.startswith(BASE + "/") or link == BASE}
        seen += len(own)
    assert seen > 50  # the links are there, on the base URL


def test_with_a_base_url_every_kind_of_link_uses_it(bundled_index, engine):
    client = make_app(bundled_index, BASE_URL=BASE).test_client()
    item = item_id(engine)
    api = client.get("/api/search?q=kenya&per_page=1", headers=FORGED).get_json()
    assert api["links"]["self"] == f"{BASE}/api/search?q=kenya&per_page=1"
    assert api["links"]["html"] == f"{BASE}/?q=kenya&per_page=1"
    assert api["hits"][0]["href"].startswith(f"{BASE}/items/")
    soup = BeautifulSoup(client.get(f"/items/{item}", headers=FORGED).get_data(as_text=True),
                         "html.parser")
    assert soup.find("link", rel="canonical")["href"] == f"{BASE}/items/{item}"
    assert soup.select_one("a.permalink")["href"] == f"{BASE}/items/{item}"
    # Page links are on the prefix too, and the prefixed path serves the same page.
    assert soup.select_one("a.brand")["href"] == "/news/"
    assert client.get(f"/news/items/{item}", headers=FORGED).status_code == 200
    assert f"{BASE}/items/{item}" in soup.select_one("pre#cite-plain").get_text()
    feed = client.get("/feed.atom?q=kenya", headers=FORGED).get_data(as_text=True)
    assert f"<id>{BASE}/items/" in feed and f'href="{BASE}/feed.atom?q=kenya"' in feed


def test_without_a_base_url_an_unknown_host_is_never_repeated(bundled_index, engine):
    app = make_app(bundled_index)
    client = app.test_client()
    for url in every_url(app, item_id(engine)):
        text = texts(client.get(url, headers=FORGED))
        assert "evil.invalid" not in text and "forged" not in text, url
    api = client.get("/api/search?q=kenya&per_page=1", headers=FORGED).get_json()
    assert api["links"]["self"] == "/api/search?q=kenya&per_page=1"
    assert api["hits"][0]["href"].startswith("/items/")
    feed = client.get("/feed.atom?q=kenya", headers=FORGED).get_data(as_text=True)
    assert "<id>urn:uuid:" in feed and 'href="/items/' in feed


@pytest.mark.parametrize("host", ["localhost:8000", "127.0.0.1:8000", "[::1]:8000"])
def test_this_machine_is_trusted_as_the_browser_names_it(bundled_index, host):
    client = make_app(bundled_index).test_client()
    api = client.get("/api/search?per_page=1", headers={"Host": host}).get_json()
    assert api["links"]["self"] == f"http://{host}/api/search?per_page=1"


def test_a_declared_proxy_is_trusted_and_an_undeclared_one_is_not(bundled_index):
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "search.example.net",
               "X-Forwarded-Prefix": "/coops", "X-Forwarded-For": "203.0.113.9"}
    proxied = make_app(bundled_index, PROXY_HOPS=1).test_client()
    api = proxied.get("/api/search?per_page=1", headers=headers).get_json()
    assert api["links"]["self"] == "https://search.example.net/coops/api/search?per_page=1"
    assert api["hits"][0]["href"].startswith("https://search.example.net/coops/items/")
    direct = make_app(bundled_index).test_client()
    api = direct.get("/api/search?per_page=1", headers=headers).get_json()
    assert api["links"]["self"] == "http://localhost/api/search?per_page=1"


@pytest.mark.parametrize("raw, expected", [
    ("https://example.org/news/", "https://example.org/news"),
    ("  HTTP://Example.org:8080 ", "http://example.org:8080"),
])
def test_base_urls_are_read_plainly(raw, expected):
    assert parse_base_url(raw) == expected


@pytest.mark.parametrize("raw", ["example.org", "ftp://example.org", "https://",
                                 "https://example.org/?q=1", "https://u@example.org",
                                 "https://example.org/#x", "https://example.org:port"])
def test_a_bad_base_url_says_what_to_give(raw):
    with pytest.raises(SettingError, match="NEWS_SEARCH_BASE_URL=.*https://example.org/news"):
        parse_base_url(raw)


def test_cors_origins_are_checked():
    assert parse_origins("*") == ("*",)
    assert parse_origins("https://a.example, http://localhost:8888") == (
        "https://a.example", "http://localhost:8888")
    assert parse_origins("") == ()
    for bad in ("a.example", "https://a.example/path", "* https://a.example"):
        with pytest.raises(SettingError, match="NEWS_SEARCH_CORS"):
            parse_origins(bad)


def test_serve_refuses_a_bad_base_url_before_building_anything(tmp_path):
    from webui.cli import main, serve_config
    index = tmp_path / "index"
    result = CliRunner().invoke(main, ["serve", "--index", str(index), "--base-url",
                                       "example.org/news"])
    assert result.exit_code == 1 and "--base-url" in result.output
    assert not index.exists()
    config = serve_config(index, "https://example.org/news", 2)
    assert config == {"INDEX_DIR": str(index), "BASE_URL": "https://example.org/news",
                      "PROXY_HOPS": 2}
