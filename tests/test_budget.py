"""The cost model: cheap checks refuse what is known too big, the meter stops what runs over.

Budgets come from one declaration (`search.budget.BUDGET_LIMITS`), as settings;
a phrase's distance no longer costs time in proportion to it.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from tests_support import request
from whoosh import query as wq

from search import Budget, InputError, OverBudget, open_engine
from search.budget import BUDGET_LIMITS, Meter


def test_budget_fields_are_the_declared_limits() -> None:
    assert [f for f in Budget.__dataclass_fields__] == [limit.name for limit in BUDGET_LIMITS]
    defaults = Budget.defaults()
    assert all(getattr(defaults, limit.name) == limit.default for limit in BUDGET_LIMITS)
    with pytest.raises(KeyError):
        Budget.defaults(nonsense=1)


def test_a_huge_phrase_distance_is_refused_with_the_limit(engine) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match=r"~999,999,999 is over the limit of 200 words"):
        engine.search(request(q='"social economy"~999999999'))
    assert engine.search(request(q='"social economy"~200')).total >= \
        engine.search(request(q='"social economy"')).total


@pytest.mark.parametrize("slop", [1, 2, 5, 40, 200])
def test_phrase_distances_match_as_whoosh_does(engine, slop: int) -> None:  # type: ignore[no-untyped-def]
    view = engine.handle.view()
    for words in (["cooperative", "economy"], ["social", "economy"], ["ilo", "cooperative"]):
        phrase = wq.Phrase("summary", words, slop=slop)
        ours = set(np.flatnonzero(view.evaluator().mask(phrase)).tolist())
        assert ours == set(view.searcher.docs_for_query(phrase)), (words, slop)


def test_reading_too_many_postings_stops_with_what_to_change(bundled_index: Path) -> None:
    tight = open_engine(bundled_index, page_cache=0, budget=Budget.defaults(postings=12))
    assert tight.search(request(q="kenya")).total  # a rare word fits
    with pytest.raises(OverBudget, match="more than 12 postings: use fewer or rarer"):
        tight.search(request(q="the OR ilo OR cooperative* OR news*"))


def test_running_out_of_time_is_a_503_with_retry_after(bundled_index: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from webui import create_app

    ticks = itertools.count(0.0, 10.0)  # every look at the clock, ten seconds later
    monkeypatch.setattr("search.budget.time.monotonic", lambda: next(ticks))
    with pytest.raises(OverBudget) as stopped:
        Meter(Budget.defaults(seconds=1.0)).check_time()
    assert stopped.value.retry_after == 5 and "time limit" in stopped.value.message
    client = create_app({"INDEX_DIR": str(bundled_index), "TESTING": True,
                         "PAGE_CACHE": 0}).test_client()
    for url in ("/?q=cooperative", "/api/search?q=cooperative"):
        response = client.get(url)
        assert response.status_code == 503 and response.headers["Retry-After"] == "5"
        assert "time limit" in response.get_data(as_text=True)
    page = client.get("/?q=cooperative").get_data(as_text=True)
    assert 'value="cooperative"' in page  # the form keeps what was typed


def test_exports_and_prefixes_have_their_limits(bundled_index: Path) -> None:
    small = open_engine(bundled_index, page_cache=0,
                        budget=Budget.defaults(export_items=3, expansions=10))
    with pytest.raises(OverBudget, match="would hold 10 items, over the limit of 3"):
        small.export(request())
    assert len(list(small.export(request(q="kenya"))[1])) <= 3
    with pytest.raises(InputError, match="more than 10 different words together"):
        small.search(request(q="c*"[:1] + "o*"))


def test_budgets_are_settings(bundled_index: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from webui import create_app

    monkeypatch.setenv("NEWS_SEARCH_BUDGET_SLOP", "5")
    client = create_app({"INDEX_DIR": str(bundled_index), "TESTING": True}).test_client()
    refused = client.get('/api/search?q="social economy"~6')
    assert refused.status_code == 400 and "over the limit of 5" in refused.get_json()["error"]
    assert client.get('/api/search?q="social economy"~5').status_code == 200
    monkeypatch.setenv("NEWS_SEARCH_BUDGET_SECONDS", "soon")
    from webui.settings import SettingError
    with pytest.raises(SettingError, match="NEWS_SEARCH_BUDGET_SECONDS='soon': must be a number"):
        create_app({"INDEX_DIR": str(bundled_index)})


def test_keyword_in_context_stops_at_its_line_limit_with_a_note(bundled_index: Path) -> None:
    from search import kwic

    small = open_engine(bundled_index, page_cache=0, budget=Budget.defaults(kwic_lines=10))
    found = kwic(small, request(q="cooperative OR ilo OR the OR news"))
    assert len(found.lines) == 10 and found.total > 3
    assert "Stopped at the limit of 10 lines" in found.note and "narrow the search" in found.note
    full = kwic(open_engine(bundled_index, page_cache=0), request(q="kenya"))
    assert full.note == "" and full.lines


def test_the_kwic_page_and_api_say_where_they_stopped(bundled_index: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from bs4 import BeautifulSoup

    from webui import create_app

    monkeypatch.setenv("NEWS_SEARCH_BUDGET_KWIC_LINES", "10")
    client = create_app({"INDEX_DIR": str(bundled_index), "TESTING": True}).test_client()
    soup = BeautifulSoup(client.get("/kwic?q=cooperative+OR+ilo").get_data(as_text=True),
                         "html.parser")
    assert len(soup.select("table.kwic-lines tbody tr")) == 10
    assert "Stopped at the limit of 10 lines" in soup.find(id="kwic-note").get_text()
    body = client.get("/api/kwic?q=cooperative+OR+ilo").get_json()
    assert len(body["lines"]) == 10 and body["note"].startswith("Stopped")


@pytest.mark.parametrize("share", [1, 10**9], ids=["merged-numbers", "one-mask"])
def test_a_term_counts_against_the_budget_once_per_request(
        engine, share: int, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """A word matched in every field at once (`Evaluator.any_of`: merged postings while few,
    else one mask written from the segments' own numbers) and then scored counts its
    postings once, as reading it through `postings` alone does; the documents are
    Whoosh's either way."""
    from search.postings import docsets

    monkeypatch.setattr(docsets, "DENSE_SHARE", share)
    view = engine.handle.view()
    fields = ["title", "summary", "body"]
    terms = [(field, "cooperative") for field in fields]
    evaluator = view.evaluator(Meter(Budget.defaults()))
    found = evaluator.any_of(terms)
    counted = evaluator.meter.postings
    alone = view.evaluator(Meter(Budget.defaults()))
    for field in fields:
        alone.postings(field, "cooperative")
    assert counted == alone.meter.postings > 0
    for field in fields:  # scoring reads the same postings: not counted again
        evaluator.postings(field, "cooperative")
    assert evaluator.meter.postings == counted
    either = wq.Or([wq.Term(field, "cooperative") for field in fields])
    assert set(found.ids.tolist()) == set(view.searcher.docs_for_query(either))


def test_a_prefix_is_expanded_once_per_index_version(bundled_index: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """A prefix's words, checked against the limits, are kept on its node for the index
    version, and the match, the scores and the highlighting read them there: the term
    lists are read once per page. Another version, text or field is expanded afresh; a
    prefix past a limit is read no further than the limit, and its words are not kept."""
    from whoosh import query as wq

    from search._whoosh import expansion

    engine = open_engine(bundled_index, page_cache=0)
    calls = []
    real = wq.Prefix.expanded_terms

    def counted(self, reader, phrases=False):  # type: ignore[no-untyped-def]
        calls.append(self.text)
        fields.append(self.fieldname)
        return real(self, reader, phrases)

    fields: list[str] = []
    monkeypatch.setattr(wq.Prefix, "expanded_terms", counted)
    for sort in ("relevance", "newest"):  # (matched, scored, highlighted; by date, unscored)
        calls.clear()
        fields.clear()
        page = engine.search(request(q="coop*", sort=sort))
        assert page.total > 0 and page.hits
        assert len(set(calls)) == 1 and "title" in fields
        assert len(fields) == len(set(fields))  # each field's prefix read once
    view = engine.handle.view()
    reader = view.reader
    node = wq.Prefix("title", "coop")
    calls.clear()
    words = expansion(node, reader)
    assert words == list(real(node, reader)) and words and calls == ["coop"]
    assert expansion(node, reader) is words and calls == ["coop"]  # kept
    node.text = "kenya"[:3]  # another text: afresh
    assert expansion(node, reader) == list(real(node, reader)) and calls == ["coop", "ken"]
    other = wq.Prefix("title", "coop")
    assert expansion(other, reader, most=0) is None  # past the limit: not kept
    assert "_news_expansion" not in other.__dict__
    monkeypatch.setattr(type(reader), "generation", lambda self: -7)  # another version
    assert expansion(node, reader) == list(real(node, reader)) and calls[-1] == "ken"
    assert len(calls) == 4
