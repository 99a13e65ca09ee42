"""The full text (`body`): searched below title and summary, shown as a snippet, whole on
its page, in the API, the exports and KWIC."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from search import Engine, kwic, open_engine
from search.engine.snippets import ELLIPSIS, snippet
from tests_support import index_of, request, split_export

LONG = " ".join(f"filler{i}" for i in range(120))
ITEMS = [
    {"title": "Beekeepers form a union", "date": "2024-03-01", "kind": "News",
     "summary": "A new union in the hills.",
     "body": f"{LONG}\n\nThe apiarists of the valley met in March. Apiarists sell honey "
             f"together now.\n\n{LONG}"},
    {"title": "Apiarists and their hives", "date": "2023-06-01", "kind": "News",
     "summary": "A guide for the new season.", "body": ""},
    {"title": "Dairy news", "date": "2022-01-05", "kind": "Statement",
     "summary": "Milk prices.", "body": "Nothing about bees at all.\n\nCheese, though."},
]


@pytest.fixture(scope="module")
def body_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return index_of(ITEMS, tmp_path_factory.mktemp("body"))


@pytest.fixture(scope="module")
def body_engine(body_index: Path) -> Engine:
    return open_engine(body_index)


@pytest.fixture
def body_client(body_index: Path):  # type: ignore[no-untyped-def]
    from webui import create_app
    return create_app({"INDEX_DIR": str(body_index), "TESTING": True}).test_client()


def test_a_word_only_in_a_body_is_found_with_a_snippet(body_engine: Engine) -> None:
    page = body_engine.search(request(q="honey"))
    assert [hit.article.title for hit in page.hits] == ["Beekeepers form a union"]
    hit = page.hits[0]
    assert not hit.summary_spans and hit.snippet
    assert [hit.snippet[s:e] for s, e in hit.snippet_spans] == ["honey"]
    assert len(hit.snippet) < 400 and hit.snippet.startswith(ELLIPSIS)
    assert "\n" not in hit.snippet and "filler119" not in hit.snippet


def test_the_title_ranks_above_the_body(body_engine: Engine) -> None:
    titles = [hit.article.title for hit in body_engine.search(request(q="apiarists")).hits]
    assert titles == ["Apiarists and their hives", "Beekeepers form a union"]
    no_body = body_engine.search(request(q="apiarists")).hits[0]
    assert no_body.snippet == "" and no_body.title_spans


def test_body_field_and_exact_words(body_engine: Engine) -> None:
    assert [h.article.title for h in body_engine.search(request(q="body:apiarists")).hits] \
        == ["Beekeepers form a union"]
    assert body_engine.search(request(q="body:union")).total == 0  # only in the title
    # Literal words only: "apiarist" (singular) is not in the text as written.
    assert body_engine.search(request(q="apiarist", exact="1")).total == 0
    exact = body_engine.search(request(q="cheese", exact="1"))
    assert [h.article.title for h in exact.hits] == ["Dairy news"]


def test_kwic_reads_the_body(body_engine: Engine) -> None:
    lines, total = kwic(body_engine, request(q="honey"))
    assert total == 1 and [(line.field, line.match) for line in lines] == [("body", "honey")]
    assert lines[0].left.endswith("Apiarists sell ")


def test_pages_api_and_exports_carry_the_body(body_client) -> None:  # type: ignore[no-untyped-def]
    soup = BeautifulSoup(body_client.get("/?q=honey").get_data(as_text=True), "html.parser")
    snippet_html = soup.select_one("li.hit p.snippet")
    assert snippet_html is not None and snippet_html.find("mark").get_text() == "honey"
    hit = body_client.get("/api/search?q=honey").get_json()["hits"][0]
    assert "body" not in hit and "<mark" in hit["snippet_html"] and hit["snippet_marks"]
    item_id = hit["id"]
    item = body_client.get(f"/api/items/{item_id}").get_json()
    assert item["body"] == ITEMS[0]["body"]
    page = BeautifulSoup(body_client.get(f"/items/{item_id}").get_data(as_text=True),
                         "html.parser")
    paragraphs = [p.get_text() for p in page.select("#full-text p")]
    assert len(paragraphs) == 3 and paragraphs[1].startswith("The apiarists of the valley")
    _, lines = split_export(body_client.get("/export.jsonl?q=honey").get_data(as_text=True),
                            "jsonl")
    assert json.loads(lines.splitlines()[0])["body"] == ITEMS[0]["body"]


@pytest.mark.parametrize(("text", "spans", "expected"), [
    ("short text with honey", [(16, 21)], "short text with honey"),
    ("a " * 200 + "honey and more honey " + "b " * 200, None, None),
])
def test_snippet_keeps_offsets(text: str, spans, expected) -> None:  # type: ignore[no-untyped-def]
    if spans is None:
        start = text.index("honey")
        spans = [(start, start + 5), (start + 15, start + 20)]
    shown, inside = snippet(text, spans)
    assert [shown[s:e] for s, e in inside] == ["honey"] * len(spans)
    if expected is not None:
        assert shown == expected
    else:
        assert shown.startswith(ELLIPSIS + " ") and shown.endswith(" " + ELLIPSIS)
        assert len(shown) <= 270


def test_no_spans_no_snippet() -> None:
    assert snippet("anything at all", []) == ("", ())


SCATTERED = " ".join(["social policy and the economy of the region"] * 12)
MARKING = [
    {"title": "A phrase late in the text", "date": "2024-05-01", "kind": "News",
     "summary": "Nothing here.",
     "body": f"{SCATTERED}\n\n{LONG}\n\nThe social economy grew.\n\n{LONG}"},
    {"title": "A joined name", "date": "2024-05-02", "kind": "News",
     "summary": "Nothing here.",
     "body": f"{LONG}\n\nCooperatives in Viet Nam met.\n\n{LONG}"},
    {"title": "A stop word inside", "date": "2024-05-03", "kind": "News",
     "summary": "Nothing here.",
     "body": f"{SCATTERED}\n\n{LONG}\n\nHoney and wax sold well.\n\n{LONG}"},
]


@pytest.fixture(scope="module")
def marking_engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    return open_engine(index_of(MARKING, tmp_path_factory.mktemp("marking")))


def marked(hit) -> list[str]:  # type: ignore[no-untyped-def]
    return [hit.snippet[s:e] for s, e in hit.snippet_spans]


def test_a_phrase_is_shown_where_it_stands_not_where_its_words_crowd(
        marking_engine: Engine) -> None:
    # The passage is chosen word by word, where "social" and "economy" stand most often;
    # the phrase stands only later, and the snippet shows it there, marked whole.
    hit = marking_engine.search(request(q='"social economy"')).hits[0]
    assert hit.article.title == "A phrase late in the text"
    assert marked(hit) == ["social economy"]
    assert "grew" in hit.snippet


def test_a_phrase_through_a_stop_word_is_shown_where_it_stands(
        marking_engine: Engine) -> None:
    hit = marking_engine.search(request(q='"honey wax"')).hits[0]
    assert hit.article.title == "A stop word inside"
    assert marked(hit) == ["Honey and wax"]


def test_a_two_word_name_is_marked_in_a_snippet(marking_engine: Engine) -> None:
    hit = marking_engine.search(request(q="vietnam")).hits[0]
    assert hit.article.title == "A joined name"
    assert marked(hit) == ["Viet Nam"]


def test_a_snippet_marks_what_whoosh_marks_in_the_passage(marking_engine: Engine) -> None:
    # Every word of the query in the passage is marked, none missed at its edges.
    hit = marking_engine.search(request(q="social region")).hits[0]
    words = [w.strip(".…") for w in hit.snippet.split()]
    assert sorted(set(marked(hit))) == ["region", "social"]
    assert len(marked(hit)) == words.count("social") + words.count("region")
