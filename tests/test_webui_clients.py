"""What leaves the machine, read by the clients researchers use.

Citations are parsed by bibtexparser (with its LaTeX decoder) and rispy; an
item page's embedded metadata by extruct (JSON-LD, OpenGraph) and by the
Highwire rules Zotero and Google Scholar follow; every CSV by
`pandas.read_csv(url)` with no option, over HTTP from a server the test starts
on 127.0.0.1; the feed by feedparser.
"""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from corpus import read_sources
from search import build_index

BASE = "https://example.org/news"
# Items modelled on the ILO pages and on feeds: a hashtag, a formula, TeX specials, accents.
ITEMS = [
    {"title": "#CoffeePeople: the cooperatives behind your cup", "date": "2024-02-20",
     "kind": "News", "summary": "ILO’s week of #CoffeePeople stories; 50% of growers",
     "url": "https://www.ilo.org/resource/news/coffeepeople"},
    {"title": "=SUM(A1) and ~ tildes ^ carets \\ backslashes in Şanlıurfa",
     "date": "2023-11-02", "kind": "Statement", "summary": "-2 degrees & {braces}",
     "url": "https://news.example.com/2023/11/sanliurfa?id=7&x=%41"},
    {"title": "'Tis a co-op: an apostrophe first", "date": "2022-05-05", "kind": "News",
     "summary": "'=already quoted", "url": ""},
]


@pytest.fixture(scope="module")
def items_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("clients")
    source = folder / "clients.jsonl"
    source.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in ITEMS),
                      encoding="utf-8")
    build_index(read_sources([source]), folder / "index")
    return folder / "index"


@pytest.fixture(scope="module")
def app(items_index: Path):
    from webui import create_app
    return create_app({"INDEX_DIR": str(items_index), "TESTING": True, "BASE_URL": BASE})


@pytest.fixture
def client(app):
    return app.test_client()


def ids(client) -> dict[str, str]:
    """Item id by title."""
    hits = client.get("/api/search?per_page=100").get_json()["hits"]
    return {hit["title"]: hit["id"] for hit in hits}


def item_page(client, title: str) -> BeautifulSoup:
    html = client.get(f"/items/{ids(client)[title]}").get_data(as_text=True)
    return BeautifulSoup(html, "html.parser")


# -- citations ---------------------------------------------------------------------------


def _decode(value: str) -> str:
    from pylatexenc.latex2text import LatexNodes2Text
    # pylatexenc prints \textasciicircum as the modifier letter; LaTeX prints '^'.
    return LatexNodes2Text().latex_to_text(value).replace("\u02c6", "^")


@pytest.mark.parametrize("number", range(len(ITEMS)))
def test_bibtex_reads_back_exactly_with_bibtexparser(client, number):
    import bibtexparser
    item = ITEMS[number]
    soup = item_page(client, " ".join(item["title"].split()))
    library = bibtexparser.parse_string(soup.select_one("pre#cite-bibtex").get_text())
    assert not library.failed_blocks and len(library.entries) == 1
    entry = library.entries[0]
    fields = {field.key: field.value for field in entry.fields}
    # Title braced whole (its case kept); decoded as LaTeX: the very text, ~ and ^ included.
    assert fields["title"].startswith("{") and fields["title"].endswith("}")
    assert _decode(fields["title"]) == item["title"]
    assert fields["date"] == item["date"] and fields["urldate"] == date.today().isoformat()
    permalink = f"{BASE}/items/{entry.key}"
    if item["url"]:
        assert fields["url"] == item["url"]  # the original first
        assert permalink in fields["addendum"]
        assert _decode(fields["howpublished"]) == item["url"].split("/")[2].removeprefix("www.")
    else:
        assert fields["url"] == permalink
    if "ilo.org" in item["url"]:
        assert fields["author"] == "{International Labour Organization}"  # one corporate name
        assert _decode(fields["organization"]) == "International Labour Organization"


def test_ris_reads_back_with_rispy(client):
    import rispy
    item = ITEMS[0]
    soup = item_page(client, item["title"])
    [record] = rispy.loads(soup.select_one("pre#cite-ris").get_text())
    assert record["type_of_reference"] == "NEWS" and record["title"] == item["title"]
    assert record["urls"] == [item["url"], f"{BASE}/items/{record['id']}"]
    assert record["publisher"] == "International Labour Organization"
    assert record["authors"] == ["International Labour Organization"]
    assert record["date"] == "2024/02/20" and record["access_date"]


def test_plain_citation_names_who_and_the_original_first(client):
    soup = item_page(client, ITEMS[0]["title"])
    text = soup.select_one("pre#cite-plain").get_text()
    assert text.startswith("International Labour Organization. \u201c#CoffeePeople")
    assert text.index(ITEMS[0]["url"]) < text.index(f"{BASE}/items/")
    assert "clients.jsonl" not in text and "accessed" in text
    assert soup.select_one("dd.publisher").get_text() == "International Labour Organization"


def test_publisher_comes_from_settings_for_other_sources(items_index, tmp_path):
    from webui import create_app
    rules = tmp_path / "publishers.txt"
    rules.write_text("example.com = Example News Ltd\n", encoding="utf-8")
    client = create_app({"INDEX_DIR": str(items_index), "TESTING": True, "BASE_URL": BASE,
                         "PUBLISHERS_FILE": str(rules), "PUBLISHER": "Coop Archive"}).test_client()
    news = item_page(client, ITEMS[1]["title"]).select_one("pre#cite-ris").get_text()
    assert "PB  - Example News Ltd" in news and "AU  - Example News Ltd" in news
    plain = item_page(client, ITEMS[2]["title"]).select_one("pre#cite-ris").get_text()
    assert "PB  - Coop Archive" in plain


def test_a_bad_publishers_file_names_its_line(items_index, tmp_path):
    from webui import create_app
    from webui.settings import SettingError
    rules = tmp_path / "publishers.txt"
    rules.write_text("# rules\nexample.com Example News\n", encoding="utf-8")
    with pytest.raises(SettingError, match=r"publishers.txt:2: write each rule as"):
        create_app({"INDEX_DIR": str(items_index), "PUBLISHERS_FILE": str(rules)})


# -- embedded metadata -------------------------------------------------------------------


def test_item_pages_embed_metadata_extruct_reads(client):
    import extruct
    item = ITEMS[0]
    item_id = ids(client)[item["title"]]
    html = client.get(f"/items/{item_id}").get_data(as_text=True)
    found = extruct.extract(html, base_url=f"{BASE}/items/{item_id}",
                            syntaxes=["json-ld", "opengraph"], uniform=True)
    [article] = found["json-ld"]
    assert article["@type"] == "NewsArticle" and article["headline"] == item["title"]
    assert article["datePublished"] == item["date"] and article["url"] == item["url"]
    assert article["mainEntityOfPage"] == f"{BASE}/items/{item_id}"
    assert article["publisher"]["name"] == "International Labour Organization"
    [graph] = found["opengraph"]
    assert graph["@type"] == "article" and graph["og:title"] == item["title"]
    assert graph["og:url"] == f"{BASE}/items/{item_id}"
    assert graph["article:published_time"] == item["date"]


def test_item_pages_carry_highwire_tags_and_links(client):
    item = ITEMS[0]
    item_id = ids(client)[item["title"]]
    soup = BeautifulSoup(client.get(f"/items/{item_id}").get_data(as_text=True), "html.parser")
    tags = {meta["name"]: meta["content"] for meta in soup.find_all("meta", attrs={"name": True})
            if meta["name"].startswith("citation_")}
    assert tags["citation_title"] == item["title"]
    assert tags["citation_author"] == "International Labour Organization"
    assert tags["citation_publication_date"] == "2024/02/20"
    assert tags["citation_public_url"] == f"{BASE}/items/{item_id}"
    assert tags["citation_fulltext_html_url"] == item["url"]
    assert soup.find("link", rel="canonical")["href"] == f"{BASE}/items/{item_id}"
    alternate = soup.find("link", rel="alternate", type="application/json")["href"]
    assert client.get(alternate).get_json()["id"] == item_id


def test_search_pages_link_their_json_and_feed(client):
    soup = BeautifulSoup(client.get("/?q=coffeepeople").get_data(as_text=True), "html.parser")
    links = {link["type"]: link["href"] for link in soup.find_all("link", rel="alternate")}
    assert client.get(links["application/json"]).get_json()["total"] == 1
    assert b"<feed" in client.get(links["application/atom+xml"]).data
    original = soup.select_one("ol.hits a.original")
    assert original["href"] == ITEMS[0]["url"]


def test_feedparser_reads_ids_and_links_on_the_base_url(client):
    import feedparser
    parsed = feedparser.parse(client.get("/feed.atom").data)
    assert not parsed.bozo and len(parsed.entries) == len(ITEMS)
    for entry in parsed.entries:
        assert entry.id.startswith(f"{BASE}/items/") and entry.link == entry.id


# -- CSV, as pandas reads it over HTTP ------------------------------------------------------


@pytest.fixture(scope="module")
def server(app) -> Iterator[str]:
    """The app on 127.0.0.1, on a port the system chooses, for this module."""
    from werkzeug.serving import make_server
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    httpd.server_close()
    thread.join(5)


EXPORT = ["id", "date", "kind", "title", "summary", "date_end", "collection", "url", "permalink",
          "source", "countries", "regions"]  # the record, then the derived facets (places)


@pytest.mark.parametrize("path, columns, rows", [
    ("/export.csv", EXPORT, 3),
    ("/export.csv?bom=1", EXPORT, 3),
    ("/compare.csv?q=coffeepeople&q=co-op", ["period", "all_items", "coffeepeople",
                                             "coffeepeople (share)", "co-op",
                                             "co-op (share)"], 3),
    ("/kwic.csv?q=cooperatives", ["id", "date", "field", "left", "match", "right", "title"], 2),
])
def test_pandas_reads_every_csv_with_no_option(server, path, columns, rows):
    import pandas
    frame = pandas.read_csv(server + path)
    assert list(frame.columns) == columns
    assert len(frame) == rows
    if path.startswith("/export.csv"):
        titles = set(frame["title"])
        assert ITEMS[0]["title"] in titles  # '#' is text, not a comment
        assert set(frame["permalink"]) == {f"{BASE}/items/{i}" for i in frame["id"]}


def test_bom_is_there_only_when_asked(client):
    assert client.get("/export.csv?bom=1").data.startswith("\ufeffid,".encode("utf-8"))
    assert client.get("/export.csv").data.startswith(b"id,date,")
    first = client.get("/export.csv?provenance=1").get_data(as_text=True).splitlines()[0]
    assert first.startswith("# news-search export: {")


def test_export_csv_reads_back_as_it_was(client, tmp_path):
    """The spreadsheet-safety quote is undone and the source kept, through a file."""
    path = tmp_path / "export.csv"
    path.write_bytes(client.get("/export.csv?bom=1").data)
    result = read_sources([path])
    assert not result.problems, [str(p) for p in result.problems]
    by_title = {a.title: a for a in result.articles}
    assert set(by_title) == {" ".join(i["title"].split()) for i in ITEMS}
    formula = by_title[ITEMS[1]["title"]]
    assert formula.summary == "-2 degrees & {braces}"
    assert by_title[ITEMS[2]["title"]].summary == "'=already quoted"
    assert all(a.source.startswith("clients.jsonl, line ") for a in result.articles)


def test_companion_metadata_describes_the_csv(client):
    response = client.get("/export.csv?q=coffeepeople")
    link = response.headers["Link"]
    companion = link.partition(">")[0].lstrip("<")
    metadata = client.get(companion).get_json()
    assert metadata["url"] == f"{BASE}/export.csv?q=coffeepeople"
    assert [c["titles"] for c in metadata["tableSchema"]["columns"]] == EXPORT
    assert metadata["dc:provenance"]["query"] == "coffeepeople"
    assert metadata["dc:provenance"]["generation"] == response.headers["X-Index-Generation"]
    frame_text = response.get_data(as_text=True)
    assert io.StringIO(frame_text).readline().startswith("id,")
