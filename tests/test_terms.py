"""Top terms and co-occurrence over a result set (search.research.terms, .cooccurrence)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from answers_support import ITEMS
from tests_support import request

from search import InputError, cooccurrence, terms_by_period, top_terms
from search.research.cooccurrence import log_dice
from search.research.terms import g2_scores, log_ratios


def _g2(a: int, s: int, b: int, r: int) -> float:
    """Dunning's G² written out cell by cell."""
    n, held = s + r, a + b
    cells = [(a, s * held / n), (b, r * held / n), (s - a, s * (n - held) / n),
             (r - b, r * (n - held) / n)]
    return 2 * sum(o * math.log(o / e) for o, e in cells if o)


@pytest.mark.parametrize(("a", "s", "b", "r"), [(4, 4, 0, 8), (2, 3, 1, 9), (30, 100, 40, 900),
                                                 (1, 50, 0, 50)])
def test_g2_is_dunnings_log_likelihood(a: int, s: int, b: int, r: int) -> None:
    found = g2_scores(np.array([a]), s, np.array([b]), r)[0]
    assert found == pytest.approx(_g2(a, s, b, r))
    ratio = log_ratios(np.array([a]), s, np.array([b]), r)[0]
    assert ratio == pytest.approx(math.log2((a / s) / (max(b, 0.5) / r)))


def test_the_words_of_a_set_against_the_rest(answers_engine) -> None:
    found = top_terms(answers_engine, request(q="coffee"))
    assert found.set_items == 4 and found.reference_items == len(ITEMS) - 4
    assert found.searched == ["coffee"]  # the query's own word is left out
    words = {t.text: t for t in found.words}
    assert "cooperatives" not in words  # in 9 of 12 items: no surprise in 4 of 4
    assert "fair" in words and words["fair"].in_set == 2 and words["fair"].in_whole == 2
    assert words["fair"].g2 == pytest.approx(_g2(2, 4, 0, 8))
    assert all(t.g2 >= 3.84 for t in found.words + found.phrases)
    assert [t.g2 for t in found.words] == sorted((t.g2 for t in found.words), reverse=True)
    phrases = {t.text: t for t in found.phrases}
    assert phrases["fair trade"].query == '"fair trade"' and phrases["fair trade"].phrase


def test_a_term_counts_items_as_a_search_for_it_finds_them(answers_engine) -> None:
    found = top_terms(answers_engine, request(date_from="2022", date_to="2022"))
    for term in found.words + found.phrases:
        inside = answers_engine.search(request(q=term.query, date_from="2022", date_to="2022"))
        everywhere = answers_engine.search(request(q=term.query))
        assert inside.total == term.in_set and everywhere.total == term.in_whole, term
    assert "solidarity" in {t.text for t in found.words}


def test_the_whole_corpus_has_nothing_to_compare_with(answers_engine) -> None:
    found = top_terms(answers_engine, request())
    assert found.reference_items == 0 and "nothing to compare" in found.note
    assert found.words[0].text == "cooperatives"  # most items first
    assert found.words[0].in_set == found.words[0].in_whole


def test_per_period_against_the_rest_of_the_set(answers_engine) -> None:
    periods = {p.period: p.terms for p in terms_by_period(answers_engine, request(), "year")}
    assert list(periods) == ["2020", "2021", "2022", "2023"]
    assert "coffee" in {t.text for t in periods["2021"].words}
    assert "solidarity" in {t.text for t in periods["2022"].words}
    assert "COVID-19" in {t.text for t in periods["2020"].words}
    assert periods["2021"].whole == "corpus" and periods["2021"].set_items == 4
    within = terms_by_period(answers_engine, request(q="cooperatives"), "year")
    assert all(p.terms.whole == "results" for p in within)
    with pytest.raises(InputError, match="year, quarter or month"):
        terms_by_period(answers_engine, request(), "week")


def test_limits_are_checked(answers_engine) -> None:
    with pytest.raises(InputError, match="limit must be from 1"):
        top_terms(answers_engine, request(), limit=0)
    assert len(top_terms(answers_engine, request(), limit=3).words) == 3


def test_cooccurrence_counts_and_table(answers_engine) -> None:
    found = cooccurrence(answers_engine, request(q="coffee"))
    assert found.set_items == 4 and found.scope_items == len(ITEMS)
    assert found.query_words == ["coffee"]
    terms = {t.text: t for t in found.terms}
    cooperatives = terms["cooperatives"]
    assert cooperatives.with_query == 4
    assert cooperatives.in_scope == sum(1 for item in ITEMS if "ooperative" in
                                        item["title"] + item["summary"] + item.get("body", ""))
    assert cooperatives.log_dice == pytest.approx(14 + math.log2(2 * 4 / (4 + cooperatives.in_scope)))
    assert [t.log_dice for t in found.terms] == sorted((t.log_dice for t in found.terms),
                                                       reverse=True)
    # The table: items of the set holding both words; its diagonal, items holding each.
    labels, counts = found.labels, found.counts
    assert labels[0] == "coffee" and counts[0][0] == 4
    fair, union = labels.index("fair"), labels.index("cooperatives")
    assert counts[fair][union] == counts[union][fair] == 2
    assert all(counts[i][j] <= min(counts[i][i], counts[j][j])
               for i in range(len(labels)) for j in range(len(labels)))


def test_cooccurrence_needs_words_and_keeps_filters(answers_engine) -> None:
    with pytest.raises(InputError, match="needs words"):
        cooccurrence(answers_engine, request())
    found = cooccurrence(answers_engine, request(q="cooperatives", date_from="2021",
                                                 date_to="2021"))
    assert found.scope_items == 4 and found.set_items == 4
    assert log_dice(np.array([3]), 3, np.array([3]))[0] == pytest.approx(14)


def test_period_keys_are_the_timelines() -> None:
    from search.research.terms import period_keys
    from search.research.timeline import period_key

    days = np.array([20210101, 20210331, 20210401, 20211231, 20240229])
    for by in ("year", "quarter", "month"):
        assert period_keys(days, by).tolist() == [period_key(int(d), by) for d in days]
