"""Hostile web input: anything in any parameter of any route is a 200, 400 or 404 (never
a 500, never a traceback); expensive queries are refused with a clear message; markup
from the URL or the corpus is shown as text everywhere; security headers on every
response; the server writes nothing and item ids cannot reach outside the index.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import quote, quote_from_bytes, urlencode

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpus import read_sources
from search import build_index
from webui import create_app
from webui.cli import main

# -- a corpus with markup in every field --------------------------------------------------------

PAYLOAD = "<script>alert(1)</script><img src=x onerror=alert(2)>\"'&amp;"
HOSTILE = [
    {"title": f"Cooperative {PAYLOAD} title", "date": "2024-01-05",
     "kind": "<b onmouseover=alert(3)>Kind</b>", "summary": f"Summary {PAYLOAD} cooperative "
     "</mark><mark class=x>", "url": "https://example.org/?a=<script>&b=\"q\""},
    {"title": '=HYPERLINK("http://evil.example","click") cooperative', "date": "2024-01-04",
     "kind": "+Formula", "summary": "-2+3 cooperative", "url": ""},
    {"title": "@SUM(1+1) cooperative", "date": "2024-01-03", "kind": "-Minus",
     "summary": "=cmd|' /C calc'!A0 cooperative", "url": ""},
    {"title": "Plain cooperative in Kenya", "date": "2023-06-01", "kind": "News",
     "summary": "Nothing odd here.", "url": ""},
]
# Enough distinct words that 'zq*' expands past the engine's limit (2,000 words).
VOCABULARY = [{"title": f"Vocabulary item {n}", "date": "2022-03-01", "kind": "News",
               "summary": " ".join(f"zq{n * 100 + k:04d}" for k in range(100))}
              for n in range(30)]
ROUTES = ["/", "/api/search", "/export.csv", "/export.jsonl", "/feed.atom", "/compare",
          "/compare.csv", "/kwic", "/kwic.csv"]
PARAMS = ["q", "exact", "from", "to", "kind", "sort", "seed", "per_page", "page", "by",
          "measure", "baseline", "width", "order"]
HTML_ROUTES = {"/", "/compare", "/kwic"}


@pytest.fixture(scope="module")
def hostile_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    source = folder / "hostile.jsonl"
    source.write_text("".join(json.dumps(item) + "\n" for item in HOSTILE + VOCABULARY),
                      encoding="utf-8")
    build_index(read_sources([source]), folder / "index")
    return folder / "index"


@pytest.fixture(scope="module")
def client(hostile_index: Path):
    return create_app({"INDEX_DIR": str(hostile_index)}).test_client()


@pytest.fixture(scope="module")
def hostile_ids(client) -> dict[str, str]:
    hits = client.get("/api/search?q=cooperative&per_page=100").get_json()["hits"]
    return {hit["title"]: hit["id"] for hit in hits}


def snapshot(index_dir: Path) -> dict[str, str]:
    return {str(p.relative_to(index_dir)): hashlib.sha1(p.read_bytes()).hexdigest()
            for p in sorted(index_dir.rglob("*")) if p.is_file()}


def body_of(response) -> str:
    """The whole body (a streamed export read to its end); the response is then closed."""
    try:
        return response.get_data(as_text=True)
    finally:
        response.close()


def assert_no_traceback(text: str) -> None:
    assert "Traceback" not in text
    assert not re.search(r'File "[^"]+", line \d+', text)


def assert_inert(html: str) -> BeautifulSoup:
    """No script but our own static file, no event handler, no script: link. The one
    inline element allowed is an item page's JSON-LD: data the browser never runs, which
    no text can close (`<` is written \\u003c)."""
    soup = BeautifulSoup(html, "html.parser")
    for script in soup.find_all("script"):
        if script.get("type") == "application/ld+json":
            assert "<" not in script.get_text() and json.loads(script.get_text())
            continue
        assert script.get("src", "").startswith("/static/") and not script.get_text().strip()
    for tag in soup.find_all(True):
        assert tag.name not in {"iframe", "object", "embed", "base", "img", "style"}, tag
        for name, value in tag.attrs.items():
            assert not name.lower().startswith("on"), tag
            if name in {"href", "src", "action", "formaction", "xlink:href"} and \
                    value != "data:,":  # the empty favicon
                scheme = re.sub(r"[\s\x00-\x1f]", "", str(value)).lower().split(":", 1)[0]
                assert scheme not in {"javascript", "data", "vbscript"}, tag
    return soup


# -- any input: 200, 400 or 404, never a 500 or a traceback -------------------------------------

any_text = st.text(st.characters(codec="utf-8"), max_size=120)
param_name = st.sampled_from(PARAMS + ["", "x", "q[]", "Q", "kind ", "page\x00"])
pairs = st.lists(st.tuples(param_name, any_text), max_size=8)
PROPERTY = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])  # 2 shared cores


def check_answer(response) -> None:
    text = body_of(response)  # reads a streamed export to the end
    assert response.status_code in {200, 400, 404}, (response.status_code, text[:300])
    assert_no_traceback(text)


@pytest.mark.parametrize("route", ROUTES)
@PROPERTY
@given(query=pairs)
def test_any_parameters_get_an_answer_never_a_500(client, route: str,
                                                  query: list[tuple[str, str]]) -> None:
    response = client.get(route, query_string=urlencode(query), follow_redirects=True)
    check_answer(response)
    if route in HTML_ROUTES and response.status_code in {200, 400}:
        assert_inert(body_of(response))


@pytest.mark.parametrize("route", ROUTES)
@PROPERTY
@given(name=param_name, raw=st.binary(max_size=120), repeat=st.integers(1, 4))
def test_any_bytes_in_a_parameter_get_an_answer(client, route: str, name: str, raw: bytes,
                                                repeat: int) -> None:
    """Percent-encoded bytes that need not be UTF-8, repeated."""
    one = f"{quote(name, safe='')}={quote_from_bytes(raw, safe='')}"
    response = client.get(route, query_string="&".join([one] * repeat), follow_redirects=True)
    check_answer(response)


@pytest.mark.parametrize("prefix", ["/items/", "/api/items/"])
@PROPERTY
@given(item_id=st.one_of(any_text, st.binary(max_size=300).map(
    lambda raw: quote_from_bytes(raw, safe=""))))
def test_any_item_id_gets_an_answer(client, prefix: str, item_id: str) -> None:
    response = client.get(prefix + quote(item_id, safe="%"), follow_redirects=True)
    check_answer(response)
    assert response.status_code in {200, 404}


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("size", [2_000, 100_000])
def test_long_parameters_are_refused_or_bounded(client, route: str, size: int) -> None:
    for name in PARAMS:
        response = client.get(route, query_string=urlencode({name: "7" * size}))
        check_answer(response)
        assert response.status_code in {200, 400}


# -- expensive queries, refused with a clear message --------------------------------------------

def nested(depth: int) -> str:
    text = "kenya"
    for level in range(depth):
        text = f"(w{level} OR ({text} AND x{level}))"
    return text


EXPENSIVE = {
    "*": "would match every item",
    "a*": "too broad",
    "?*": "too broad",
    "*ya": "too broad",
    "zq*": "matches more than 2,000 different words",
    " OR ".join([f"zq{a}*" for a in range(3)] + [f"zq{a}{b}*" for a in range(3) for b in range(10)]):
        "match more than 5,000 different words together",
    " OR ".join(f"w{n}" for n in range(120)): "more than 64 terms",
    " OR ".join(f"w{n}" for n in range(300)): "the limit is 1,000",
    nested(12): "nests brackets more than 8 deep",
    "x" * 100_000: "the query is 100,000 characters long; the limit is 1,000",
    "kenya " * 400: "the limit is 1,000",
}


@pytest.mark.parametrize("query", list(EXPENSIVE), ids=lambda q: q[:20])
def test_expensive_queries_are_refused_with_a_clear_message(client, query: str) -> None:
    api = client.get("/api/search", query_string=urlencode({"q": query}))
    assert api.status_code == 400
    assert api.get_json()["param"] == "q"
    assert EXPENSIVE[query] in api.get_json()["error"]
    page = client.get("/", query_string=urlencode({"q": query}))
    assert page.status_code == 400
    assert EXPENSIVE[query].lower() in assert_inert(body_of(page)).get_text().lower()
    for route in ("/export.csv", "/export.jsonl", "/feed.atom"):
        assert client.get(route, query_string=urlencode({"q": query})).status_code == 400


def test_a_narrower_prefix_over_the_same_words_is_answered(client) -> None:
    answer = client.get("/api/search?q=zq1*&per_page=5").get_json()
    assert answer["total"] == 10  # zq1000-zq1999: ten vocabulary items, 1,000 words


# -- markup is text everywhere ------------------------------------------------------------------

def test_markup_in_the_query_and_every_parameter_is_shown_as_text(client) -> None:
    for name in PARAMS:
        for route in ("/", "/api/search", "/feed.atom"):
            response = client.get(route, query_string=urlencode({name: PAYLOAD}))
            assert response.status_code in {200, 400}
            text = body_of(response)
            if route == "/api/search":  # JSON is data, never rendered: the type says so
                assert response.mimetype == "application/json"
                assert response.headers["X-Content-Type-Options"] == "nosniff"
                continue
            assert "<script>alert(1)</script>" not in text
            assert "onerror=alert(2)>" not in text
            if route == "/":
                soup = assert_inert(text)
                shown = [soup.get_text()] + [field.get("value", "") for field in
                                             soup.find_all(["input", "option"])]
                if name not in {"page", "per_page", "seed"}:  # numbers: only the error says
                    # shown as typed (an error message may shorten it)
                    assert any(PAYLOAD[:18] in value for value in shown), name


def test_markup_in_the_corpus_is_text_on_the_result_page(client) -> None:
    soup = assert_inert(body_of(client.get("/?q=cooperative&per_page=100")))
    text = soup.get_text()
    assert f"Cooperative {PAYLOAD} title" in text.replace("\n", "")
    assert "<b onmouseover=alert(3)>Kind</b>" in text  # the kind, and its facet label
    for mark in soup.find_all("mark"):  # highlights: marks around text, nothing else
        assert not mark.find(True), mark
    assert not soup.find("mark", class_="x")  # the summary's own "<mark class=x>" is text


def test_markup_in_a_kind_is_text_in_its_chip_and_facet(client) -> None:
    kind = "<b onmouseover=alert(3)>Kind</b>"
    soup = assert_inert(body_of(client.get("/", query_string=urlencode({"kind": kind}))))
    labelled = [tag for tag in soup.find_all(["a", "button", "label", "span", "li"])
                if kind in tag.get_text()]
    assert labelled, "the kind is shown (as text) in a chip or facet"


def test_markup_in_the_corpus_is_text_on_the_item_page(client, hostile_ids) -> None:
    item_id = hostile_ids[f"Cooperative {PAYLOAD} title"]
    response = client.get(f"/items/{item_id}")
    assert response.status_code == 200
    soup = assert_inert(body_of(response))
    assert f"Cooperative {PAYLOAD} title" in soup.get_text()
    assert f"Summary {PAYLOAD} cooperative </mark><mark class=x>" in soup.get_text()
    assert not soup.find("mark", class_="x")


def test_markup_in_the_corpus_is_text_in_the_feed(client) -> None:
    response = client.get("/feed.atom?q=cooperative")
    assert response.status_code == 200
    root = ET.fromstring(response.get_data())
    atom = "{http://www.w3.org/2005/Atom}"
    titles = [entry.findtext(f"{atom}title") for entry in root.iter(f"{atom}entry")]
    assert f"Cooperative {PAYLOAD} title" in titles
    assert {el.tag.split("}")[-1] for el in root.iter()} <= {
        "feed", "title", "id", "updated", "link", "author", "name", "generator", "entry",
        "category", "summary"}
    for link in root.iter(f"{atom}link"):
        assert link.get("href", "").startswith(("http://", "https://"))


def csv_rows(text: str) -> list[list[str]]:
    """The rows of a CSV export, without its provenance comment lines."""
    data = "".join(line for line in io.StringIO(text, newline="").readlines()
                   if not line.startswith("#"))
    return list(csv.reader(io.StringIO(data, newline="")))


@pytest.mark.parametrize("url", ["/export.csv?q=cooperative", "/kwic.csv?q=cooperative",
                                 "/kwic.csv?q=cooperative&order=left&width=1",
                                 "/compare.csv?q=%3Dcmd%7C%27+%2FC+calc%27%21A0&q=-2%2B3",
                                 "/compare.csv?q=cooperative&q=%40SUM"])
def test_no_csv_cell_starts_a_formula(client, url: str) -> None:
    response = client.get(url)
    assert response.status_code in {200, 400}
    for row in csv_rows(body_of(response)):
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (url, row)


def test_exports_carry_the_corpus_exactly_and_csv_cells_never_run(client) -> None:
    lines = body_of(client.get("/export.jsonl?q=cooperative")).splitlines()
    records = [record for record in map(json.loads, lines) if "_provenance" not in record]
    exported = {record["title"]: record for record in records}
    for item in HOSTILE:
        assert exported[item["title"]]["summary"] == " ".join(item["summary"].split())
        assert exported[item["title"]]["kind"] == item["kind"]
    header, *cells = csv_rows(body_of(client.get("/export.csv?q=cooperative")))
    rows = [dict(zip(header, row)) for row in cells]
    assert len(rows) == len(HOSTILE)
    for row in rows:
        for cell in row.values():
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), row
    titles = {row["title"] for row in rows}
    assert "'=HYPERLINK(\"http://evil.example\",\"click\") cooperative" in titles
    assert "'@SUM(1+1) cooperative" in titles
    assert {row["kind"] for row in rows} >= {"'+Formula", "'-Minus"}


# -- headers --------------------------------------------------------------------------------------

HEADER_URLS = ["/", "/?q=kenya", "/?from=nonsense", "/help", "/compare?q=kenya",
               "/kwic?q=kenya", "/compare.csv?q=kenya", "/api/search?q=kenya",
               "/api/search?page=0", "/export.csv", "/export.jsonl", "/feed.atom",
               "/items/nothing-here", "/api/items/nothing-here", "/no/such/page",
               "/static/style.css"]


@pytest.mark.parametrize("url", HEADER_URLS)
def test_security_headers_on_every_response(client, url: str) -> None:
    response = client.get(url)
    body_of(response)
    assert response.status_code != 500
    csp = response.headers.get("Content-Security-Policy", "")
    directives = {part.split()[0]: part.split()[1:] for part in csp.split(";") if part.strip()}
    scripts = directives.get("script-src", directives.get("default-src"))
    assert scripts is not None and "'unsafe-inline'" not in scripts
    assert "'unsafe-eval'" not in scripts
    assert directives.get("frame-ancestors") == ["'none'"]
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    assert response.headers.get("Referrer-Policy") in {"no-referrer", "same-origin",
                                                        "strict-origin-when-cross-origin"}
    assert response.headers.get("X-Frame-Options") == "DENY"


def test_no_page_carries_inline_script_or_style(client, hostile_ids) -> None:
    item_id = hostile_ids["Plain cooperative in Kenya"]
    for url in ("/", "/?q=cooperative", "/help", f"/items/{item_id}", "/?from=x",
                "/compare?q=cooperative&q=kenya", "/kwic?q=cooperative"):
        soup = assert_inert(body_of(client.get(url)))
        assert not soup.find_all(style=True)


# -- read-only, and nothing outside the index ----------------------------------------------------

def test_no_route_accepts_a_write(client, hostile_index: Path, hostile_ids) -> None:
    before = snapshot(hostile_index)
    item_id = hostile_ids["Plain cooperative in Kenya"]
    urls = ROUTES + ["/help", f"/items/{item_id}", f"/api/items/{item_id}", "/static/style.css"]
    for url in urls:
        for method in ("POST", "PUT", "DELETE", "PATCH"):
            response = client.open(url, method=method, data={"q": "x", "title": "injected"})
            assert response.status_code == 405, (method, url)
            assert_no_traceback(body_of(response))
    assert snapshot(hostile_index) == before


TRAVERSALS = ["../CURRENT", "..%2fCURRENT", "..%2F..%2F..%2Fetc%2Fpasswd", "%2e%2e%2fCURRENT",
              "%2e%2e/%2e%2e/meta.json", "..\\..\\CURRENT", "CURRENT%00", "%00",
              "2024-01-05-x%00..%2f..%2fCURRENT", "%c0%ae%c0%ae%2fCURRENT",
              "\uff0e\uff0e\uff0fCURRENT", "gen-*", "*", "x" * 5000, "meta.json", ".lock"]


@pytest.mark.parametrize("prefix", ["/items/", "/api/items/", "/static/"])
@pytest.mark.parametrize("item_id", TRAVERSALS, ids=lambda t: t[:24])
def test_ids_cannot_reach_outside_the_index(client, hostile_index: Path, prefix: str,
                                            item_id: str) -> None:
    response = client.get(prefix + item_id)
    text = body_of(response)
    assert response.status_code in {400, 404}, (prefix + item_id, response.status_code)
    assert_no_traceback(text)
    generation = (hostile_index / "CURRENT").read_text().strip()
    assert generation not in text and "root:x:0" not in text and "MAIN_" not in text


def test_a_barrage_of_requests_writes_nothing(client, hostile_index: Path, hostile_ids) -> None:
    before = snapshot(hostile_index)
    for n, title in enumerate(hostile_ids):
        for url in (f"/items/{hostile_ids[title]}", f"/?q=cooperative&page={n % 3 + 1}",
                    "/export.csv?q=zq1*", "/feed.atom", f"/api/search?q={quote(title[:40])}"):
            assert client.get(url).status_code in {200, 400}
    assert snapshot(hostile_index) == before


def test_serve_binds_to_loopback_unless_told_otherwise() -> None:
    help_text = CliRunner().invoke(main, ["serve", "--help"]).output
    assert re.search(r"--host TEXT.*default:\s*127\.0\.0\.1", " ".join(help_text.split()))
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert "--host 0.0.0.0" in readme  # binding elsewhere is a documented, explicit choice



@pytest.mark.parametrize("url", ["/compare", "/compare.csv", "/kwic", "/kwic.csv"])
def test_every_query_box_has_the_same_length_limit(client, url: str) -> None:
    """Compare takes several queries: each one is bounded like the search box's."""
    response = client.get(url, query_string=urlencode([("q", "kenya"), ("q", "7" * 20_000)]))
    text = body_of(response)
    assert response.status_code == 400, text[:300]
    assert "the limit is 1,000" in text.lower()
