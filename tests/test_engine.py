"""The engine over the real bundled corpus: dates, facets, sorting, paging, highlights, errors."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from corpus import read_sources
from search import Engine, InputError, build_index, open_engine
from tests_support import request, summary_html, title_html


def ids(page) -> list[str]:
    return [hit.article.id for hit in page.hits]


def test_keyword_search_finds_seed_items(engine: Engine) -> None:
    page = engine.search(request(q="cooperative"))
    assert page.total == 5
    titles = " ".join(hit.article.title for hit in page.hits)
    assert "Kenya" in titles and "Savvy Co-op" in titles
    assert all(hit.score is not None and hit.score > 0 for hit in page.hits)
    scores = [hit.score for hit in page.hits]
    assert scores == sorted(scores, reverse=True)


def test_february_2024_browse_is_exactly_five_newest_first(engine: Engine) -> None:
    page = engine.search(request(date_from="2024-02", date_to="2024-02"))
    assert page.total == 5
    days = [hit.article.date for hit in page.hits]
    assert days == sorted(days, reverse=True)
    assert all(d.year == 2024 and d.month == 2 for d in days)
    assert page.months == [("2024-02", 5)]


def test_facets_without_filter(engine: Engine) -> None:
    page = engine.search(request())
    assert page.total == 10
    assert page.years == [("2023", 1), ("2024", 9)]
    assert page.months == [("2023-12", 1), ("2024-01", 4), ("2024-02", 5)]
    assert page.facet_counts("kind") == [("News", 9), ("Spotlight Interviews with Co-operators", 1)]


@pytest.mark.parametrize("bounds, expected", [
    ({"date_from": "2024"}, 9),
    ({"date_to": "2023"}, 1),
    ({"date_from": "2024-01-31", "date_to": "31 Jan 2024"}, 2),
    ({"date_from": "Jan 2024", "date_to": "Jan 2024"}, 4),
    ({"date_from": "1 Feb 2024", "date_to": "2024-02-12"}, 3),
    ({"date_to": "2024-01-30"}, 3),
])
def test_date_bounds_and_partial_dates(engine: Engine, bounds: dict[str, str],
                                       expected: int) -> None:
    assert engine.search(request(**bounds)).total == expected


def test_partial_to_covers_its_whole_period() -> None:
    assert request(date_to="2024-02").date_to == date(2024, 2, 29)
    assert request(date_to="2023").date_to == date(2023, 12, 31)
    assert request(date_from="2023").date_from == date(2023, 1, 1)


def test_kind_filter_keeps_other_kinds_in_the_facet(engine: Engine) -> None:
    page = engine.search(request(kind="spotlight interviews with co-operators"))
    assert page.total == 1
    assert page.hits[0].article.kind == "Spotlight Interviews with Co-operators"
    assert dict(page.facet_counts("kind"))["News"] == 9
    assert page.years == [("2023", 1)]


def test_sorting(engine: Engine) -> None:
    newest = engine.search(request(q="cooperative", sort="newest"))
    oldest = engine.search(request(q="cooperative", sort="oldest"))
    assert [h.article.date for h in newest.hits] == sorted(h.article.date for h in newest.hits)[::-1]
    assert ids(oldest) == ids(newest)[::-1]
    assert newest.hits[0].score is None


def test_paging_covers_every_item_once(engine: Engine) -> None:
    pages = [engine.search(request(per_page=3, page=n)) for n in (1, 2, 3, 4)]
    seen = [i for page in pages for i in ids(page)]
    assert len(seen) == 10 == len(set(seen))
    assert pages[0].pages == 4 and (pages[3].first, pages[3].last) == (10, 10)
    with pytest.raises(InputError, match="past the last page") as error:
        engine.search(request(per_page=3, page=5))
    assert error.value.param == "page"


def test_query_syntax(engine: Engine) -> None:
    assert engine.search(request(q="kenya OR senegal")).total == 3
    assert engine.search(request(q="cooperative NOT kenya")).total == 3
    assert engine.search(request(q='"solidarity economy"')).total == 4
    assert engine.search(request(q="title:kenya")).total == 2
    assert engine.search(request(q="kind:spotlight")).total == 1
    assert engine.search(request(q="formalis*")).total == 1


def test_highlights_mark_matches(engine: Engine) -> None:
    hit = engine.search(request(q="kenya", sort="oldest")).hits[1]
    assert '<mark class="hl t0">Kenya</mark>' in title_html(hit)


def test_highlighting_escapes_html_in_the_data(tmp_path: Path) -> None:
    source = tmp_path / "xss.jsonl"
    source.write_text('{"title": "<script>alert(1)</script> Kenya & co", "date": "2022-01-01", '
                      '"summary": "<b>bold</b> Kenya <img src=x onerror=alert(2)>"}\n',
                      encoding="utf-8")
    build_index(read_sources([source]), tmp_path / "ix")
    engine = open_engine(tmp_path / "ix")
    for query in ("kenya", "", "bold"):
        hit = engine.search(request(q=query)).hits[0]
        for html in (title_html(hit), summary_html(hit)):
            assert "<script" not in html and "<img" not in html and "<b>" not in html
        assert "&lt;script&gt;" in title_html(hit)
        assert "&amp; co" in title_html(hit)


def test_words_no_item_contains_are_respelt_once(engine: Engine) -> None:
    page = engine.search(request(q="cooprative kenia"))
    assert page.total == engine.search(request(q="cooperative kenya")).total > 0
    assert page.respelt == [("cooprative", "cooperative"), ("kenia", "kenya")]
    assert page.suggestion is None  # searched instead: no "did you mean" on top
    assert engine.search(request(q="kenya")).suggestion is None


@pytest.mark.parametrize("field", ["day", "id", "url", "date", "kind_key", "source", "foo"])
def test_only_text_fields_can_be_named(engine: Engine, field: str) -> None:
    # `day:2024` is neither a column lookup nor, silently, two words: it is answered.
    for exact in ("", "1"):
        with pytest.raises(InputError) as error:
            engine.search(request(q=f"{field}:kenya", exact=exact))
        assert error.value.param == "q"
        assert f"\u201c{field}:\u201d" in error.value.message
        assert "title:, summary:, kind: and body:" in error.value.message
    # A colon before a space is punctuation, as in a title pasted in.
    assert engine.search(request(q=f"{field}: kenya")).total == \
        engine.search(request(q=f"{field} kenya")).total
    assert engine.search(request(q="title:kenya")).total == 2


@pytest.mark.parametrize("query", ["(((", "AND", "*", "the", "a*", '""', "((( OR )))"])
def test_junk_queries_are_clear_errors(engine: Engine, query: str) -> None:
    with pytest.raises(InputError) as error:
        engine.search(request(q=query))
    assert error.value.param == "q"
    assert "browse everything" in error.value.message or "too broad" in error.value.message


@pytest.mark.parametrize("params, param, words", [
    ({"date_from": "2025", "date_to": "2024"}, "from", "is after"),
    ({"date_from": "yesterday-ish"}, "from", "2024-02-06, 6 Feb 2024"),
    ({"date_to": "February"}, "to", "has no year"),
    ({"date_to": "2024-02-30"}, "to", "not a date that exists"),
    ({"sort": "best"}, "sort", "relevance, newest, oldest"),
    ({"page": "0"}, "page", "from 1 to"),
    ({"page": "two"}, "page", "whole number"),
    ({"per_page": "1000"}, "per_page", "out of range"),
    ({"q": "x" * 1001}, "q", "limit is 1,000"),
])
def test_bad_parameters_are_clear_errors(params: dict[str, str], param: str, words: str) -> None:
    with pytest.raises(InputError) as error:
        request(**params)
    assert error.value.param == param and words in error.value.message


def test_unknown_kind_names_the_known_ones(engine: Engine) -> None:
    with pytest.raises(InputError, match="kinds in this index are News, Spotlight"):
        engine.search(request(kind="Blog"))


def test_items_and_more_like_this(engine: Engine) -> None:
    item = engine.get("2024-02-01-ilo-supports-the-transformation-of-the-227dbb")
    assert item is not None and item.title.startswith("ILO supports the transformation")
    assert engine.get("no-such-item") is None
    similar = engine.more_like_this(item.id)
    assert similar and item.id not in [a.id for a in similar]


def test_stats(engine: Engine) -> None:
    stats = engine.stats()
    assert stats["items"] == 10 and stats["first"] == "2023-12-20"
    assert stats["years"] == {"2023": 1, "2024": 9}


def test_exact_words_switch_matches_literally(engine: Engine) -> None:
    assert engine.search(request(q="cooperative")).total == 5
    literal = engine.search(request(q="cooperative", exact=1))
    # Not "Co-op", "cooperatives" only, "co-operators", nor a kind that folds to it
    # ("Spotlight Interviews with Co-operators"): literal words of title and summary.
    assert literal.total == 3
    assert engine.search(request(q="co-operators", exact=1)).total == 1
    hit = engine.search(request(q="title:cooperatives", exact=1, sort="oldest")).hits[0]
    assert title_html(hit).startswith("COOPERATIVE IS BEAUTIFUL")  # the singular is not marked
    assert '<mark class="hl t0">cooperatives</mark>' in title_html(hit)


def test_random_sample_is_reproducible_for_a_seed(engine: Engine) -> None:
    def sample(seed: int) -> list[str]:
        return ids(engine.search(request(sort="random", seed=seed, per_page=10)))

    assert sample(7) == sample(7)
    assert sorted(sample(7)) == sorted(sample(8)) and sample(7) != sample(8)
    first = ids(engine.search(request(sort="random", seed=7, per_page=4)))
    assert first == sample(7)[:4]


def test_exact_words_switch_off_variants_synonyms_and_respelling(engine: Engine) -> None:
    # co-op is a variant of cooperative: literal words find only the items that say co-op.
    loose = engine.search(request(q="co-op"))
    literal = engine.search(request(q="co-op", exact="1"))
    assert 0 < literal.total < loose.total
    for hit in literal.hits:
        text = f"{hit.article.title} {hit.article.summary}".lower()
        assert "co-op" in text
    # Nor is an unknown word respelt to a known one.
    respelt = engine.search(request(q="cooperatve"))
    assert respelt.respelt and respelt.total
    assert engine.search(request(q="cooperatve", exact="1")).respelt == []


def test_words_of_an_or_are_respelt_only_when_no_item_has_them(engine: Engine) -> None:
    # Whoosh flattens `a OR b` into one OR of every field's term: `kind:kenya` alone is
    # in no item, yet the word is known. Each word is looked at as a whole.
    page = engine.search(request(q="kenya OR cooperative"))
    assert page.respelt == [] and page.total >= engine.search(request(q="kenya")).total
    reading = engine.explain(request(q="kenya OR cooperative"))
    assert not any("is in no item" in line for line in reading.lines + reading.notes)
    respelt = engine.search(request(q="kenya OR cooperatve"))
    assert [typed for typed, _ in respelt.respelt] == ["cooperatve"]


def test_a_date_time_bound_is_read_by_its_day_and_the_reading_says_so(engine: Engine) -> None:
    reading = engine.explain(request(date_from="2024-02-06T10:00:00+05:00"))
    assert any(line.startswith("Dated from 2024-02-06") for line in reading.lines)
    assert any("time and time zone were ignored" in note for note in reading.notes)
