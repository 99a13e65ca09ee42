"""Query syntax as researchers type it (search/query/syntax.py): web-search `-word` and
`+word`, fields that are empty or unknown, unclosed quotes, and literal exact words."""

from __future__ import annotations

import pytest
from tests_support import index_of, request

from search import Engine, InputError, open_engine
from search.query.syntax import prepare


def ids(engine: Engine, query: str, **params: object) -> set[str]:
    return {hit.article.id for hit in engine.search(request(q=query, per_page=100,
                                                            **params)).hits}


@pytest.mark.parametrize(("typed", "prepared"), [
    ("japan -cooperative", "japan NOT cooperative"),
    ("-cooperative japan", "NOT cooperative japan"),
    ('kenya -"social economy"', 'kenya NOT "social economy"'),
    ("kenya -(senegal OR ghana)", "kenya NOT (senegal OR ghana)"),
    ("+japan +care", "japan care"),
    ("co-op C++ covid - recovery", "co-op C++ covid - recovery"),  # inside words, alone
    ('"a -b +c"', '"a -b +c"'),                                    # quoted: as typed
    ("title: kenya", "title:kenya"),
    ("Title:Kenya", "title:Kenya"),
    ("Focus: Korea", "Focus  Korea"),                              # punctuation
    ("see http://example.org", "see http //example.org"),
])
def test_prepare(typed: str, prepared: str) -> None:
    assert prepare(typed).text == prepared


def test_minus_excludes_as_web_search_engines_do(ilo_engine: Engine) -> None:
    japan = ids(ilo_engine, "japan")
    without = ids(ilo_engine, "japan -cooperative")
    assert without == ids(ilo_engine, "japan NOT cooperative")
    assert without and without < japan  # fewer, and not "must contain cooperative"
    assert not without & ids(ilo_engine, "cooperative")
    assert ids(ilo_engine, "+japan +care") == ids(ilo_engine, "japan care")
    lines = ilo_engine.explain(request(q="japan -cooperative")).lines
    assert lines[:2] == ["Must contain: \u201cjapan\u201d.",
                         "Must not contain: \u201ccooperative\u201d."]


@pytest.mark.parametrize("query", ["title:", "kenya summary:", "title: AND kenya",
                                   "(kind:)"])
def test_a_field_with_nothing_after_it_says_so(ilo_engine: Engine, query: str) -> None:
    with pytest.raises(InputError) as error:
        ilo_engine.search(request(q=query))
    assert error.value.param == "q"
    assert "has nothing after it" in error.value.message
    assert "e.g. " in error.value.message  # and what to write


@pytest.mark.parametrize("query", ["foo:bar", "kenya author:smith", 'lang:"en"'])
def test_an_unknown_field_names_the_fields_there_are(ilo_engine: Engine, query: str) -> None:
    with pytest.raises(InputError) as error:
        ilo_engine.search(request(q=query))
    name = query.split()[-1].split(":")[0]
    assert error.value.param == "q"
    assert error.value.message.startswith(f"\u201c{name}:\u201d in \u201c{name}:")
    assert "title:, summary:, kind: and body:" in error.value.message


def test_an_unclosed_quote_is_a_phrase_to_the_end_with_a_note(ilo_engine: Engine) -> None:
    page = ilo_engine.search(request(q='"social and solidarity'))
    assert page.total == ilo_engine.search(request(q='"social and solidarity"')).total > 0
    notes = ilo_engine.explain(request(q='"social and solidarity')).notes
    assert notes == [("The quote before \u201csocial and solidarity\u201d was not closed: it "
                     "was read as a phrase to the end of the query. Close the quote where "
                     "the phrase ends.")]
    assert ilo_engine.explain(request(q='kenya "')).notes == [
        "A quote at the end of the query closed nothing and was left out."]


def test_the_web_page_answers_syntax_errors_with_the_input_kept(page_of) -> None:
    soup = page_of("/?q=foo%3Abar", status=400)
    assert "not a field that can be searched" in soup.select_one("#form-error").get_text()
    assert soup.select_one("#q")["value"] == "foo:bar"
    assert soup.select_one("#q")["aria-invalid"] == "true"


def test_exact_words_switch_off_variants_and_synonyms(ilo_engine: Engine) -> None:
    # "co-op" as written: the housing co-ops item says "co-ops", not "co-op"; no item
    # that says "cooperative" or a kind "Co-operators" comes in.
    literal = ids(ilo_engine, "co-ops", exact=1)
    assert len(literal) == 1
    assert len(ids(ilo_engine, "co-ops")) > 10  # the whole family, without the switch
    assert ids(ilo_engine, "youth", exact=1) == ids(ilo_engine, '"youth"', exact=1)
    reading = ilo_engine.explain(request(q="youth", exact=1)).lines
    assert not any("also finds" in line or "also matches" in line for line in reading)
    # Synonyms are off: "young people" items that do not say "youth" stay out.
    assert ids(ilo_engine, "youth", exact=1) < ids(ilo_engine, "youth")


def test_exact_co_op_is_the_literal_word_only(ilo_engine: Engine) -> None:
    # No item writes "co-op" as such ("co-ops", "Co-operative" and "coops" do): with the
    # switch nothing is found, and the page says so; without it the family is found.
    page = ilo_engine.search(request(q="co-op", exact=1))
    assert page.total == 0 and page.respelt == []
    assert ilo_engine.search(request(q="co-op")).total > 5
    notes = ilo_engine.explain(request(q="co-op", exact=1)).notes
    assert notes == [("No item contains \u201cco-op\u201d written exactly so: check the "
                     "spelling, or search without Exact words to find its other forms.")]


# -- two words the index closes up, typed apart -------------------------------------------

# As on the real pages: the name only ever written closed up ("Vietnam", "Selfhelp").
JOINS = [
    {"title": "Cooperatives in Vietnam", "date": "2024-05-01", "kind": "News",
     "summary": "Written closed up."},
    {"title": "Selfhelp groups", "date": "2024-05-04", "kind": "News",
     "summary": "Closed up."},
    {"title": "Help for the self-employed", "date": "2024-05-05", "kind": "News",
     "summary": "Both words, not the name."},
    # "view" is one letter from "viet": typed alone, "viet" would be respelt to it.
    {"title": "A view of the sector", "date": "2024-05-06", "kind": "News",
     "summary": "Another view."},
]


@pytest.fixture(scope="module")
def joins_engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    return open_engine(index_of(JOINS, tmp_path_factory.mktemp("joins")))


@pytest.mark.parametrize("query", ["Viet Nam", "viet nam", "vietnam", '"Viet Nam"',
                                   "cooperatives viet nam"])
def test_viet_nam_typed_apart_finds_it_written_closed_up(joins_engine: Engine,
                                                         query: str) -> None:
    found = joins_engine.search(request(q=query, per_page=100))
    assert [hit.article.title for hit in found.hits] == ["Cooperatives in Vietnam"], query
    hit = found.hits[0]
    assert "Vietnam" in [hit.article.title[s:e] for s, e in hit.title_spans], query


def test_self_help_typed_apart_finds_the_name_closed_up(joins_engine: Engine) -> None:
    titles = [hit.article.title for hit in joins_engine.search(request(q="self help")).hits]
    assert "Selfhelp groups" in titles


def test_exact_words_are_not_closed_up(joins_engine: Engine) -> None:
    """The exact-words switch searches the words as written: no item writes `viet nam`."""
    assert joins_engine.search(request(q="viet nam", exact=1)).total == 0
