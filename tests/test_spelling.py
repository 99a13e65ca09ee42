"""Respelling and "did you mean": one rule (search/query/respelling.py) over the lexicon.

Fewest edits, then the most items in the query's context, never a word that
finds nothing; the page says what was searched instead once, and no "did you
mean" on top of it.
"""

from __future__ import annotations

import pytest
from tests_support import request

from search import Engine
from search.query.lexicon import Lexicon


def test_lexicon_finds_near_words_by_optimal_string_alignment() -> None:
    lexicon = Lexicon(["youth", "young", "solidarity", "solidary", "solidar", "cooperative",
                       "cooperatives", "co-operative", "kenya", "ab", "12th"])
    assert "ab" not in lexicon and "12th" not in lexicon  # too short, or not letters
    assert lexicon.near("youht", 1) == [("youth", 1)]  # a swap is one edit
    assert lexicon.near("solidarty", 2) == [("solidarity", 1), ("solidary", 1), ("solidar", 2)]
    assert lexicon.near("cooperatve", 2) == [("cooperative", 1), ("co-operative", 2),
                                             ("cooperatives", 2)]
    assert lexicon.near("kenya", 2) == []  # the word itself is not near itself
    assert lexicon.near("zzzzzz", 2) == []
    # Words longer than the indexed prefix: a slip after it is found too.
    assert lexicon.near("cooperatives", 1) == [("cooperative", 1)]
    assert lexicon.near("coperative", 1) == [("cooperative", 1)]


def test_lexicon_letters_beyond_the_common_ones_are_still_checked() -> None:
    # 300 letters: the rarest share one code in the dictionary, and are told apart after.
    words = [chr(0x4e00 + i) * 4 for i in range(300)] + ["économie", "economie"]
    lexicon = Lexicon(words)
    assert lexicon.near("economie", 1) == [("économie", 1)]
    rare = chr(0x4e00 + 299)
    assert lexicon.near(rare * 3 + "x", 1) == [(rare * 4, 1)]


@pytest.mark.parametrize(("typed", "searched"), [
    ("solidarty economy", "solidarity economy"),   # not "solidary" (1 item), "Solidar"
    ("cooperatve", "cooperative"),                 # the family, not a rare form
    ("youht", "youth"),                            # a swap of two letters
    ("Kenia", "Kenya"),                            # in the case typed
])
def test_unknown_words_are_searched_as_the_best_word(ilo_engine: Engine, typed: str,
                                                     searched: str) -> None:
    page = ilo_engine.search(request(q=typed))
    same = ilo_engine.search(request(q=searched))
    assert page.total == same.total > 0
    assert [hit.article.id for hit in page.hits] == [hit.article.id for hit in same.hits]
    assert " ".join(used for _, used in page.respelt) in searched
    assert page.suggestion is None


def test_respelling_keeps_the_phrase_context(ilo_engine: Engine) -> None:
    # "solidarity" and "solidary" are one edit from "solidarty"; with "finance" around it,
    # "solidary finance" finds an item and "solidarity finance" does too: more wins.
    found = {w: ilo_engine.search(request(q=f"{w} finance")).total
             for w in ("solidarity", "solidary")}
    best = max(found, key=lambda w: (found[w], w == "solidarity"))
    page = ilo_engine.search(request(q="solidarty finance"))
    assert page.respelt == [("solidarty", best)]
    # With "vendors", only "solidary" finds anything: it is chosen there.
    page = ilo_engine.search(request(q="solidarty vendors"))
    assert page.respelt == [("solidarty", "solidary")] and page.total == 1


def test_a_compound_is_not_respelt_into_another_word(ilo_engine: Engine) -> None:
    page = ilo_engine.search(request(q="self-help"))
    assert page.total == 0 and page.respelt == [] and page.suggestion is None
    notes = ilo_engine.explain(request(q="self-help")).notes
    assert notes == [("No item contains \u201cself-help\u201d: check the spelling, or search "
                     "its parts as separate words (self help).")]


def test_a_word_with_no_near_word_gets_one_note(ilo_engine: Engine) -> None:
    page = ilo_engine.search(request(q="zqxwv"))
    assert page.total == 0 and not page.respelt and page.suggestion is None
    explanation = ilo_engine.explain(request(q="zqxwv"))
    assert explanation.notes == [("No item contains \u201czqxwv\u201d: check the spelling, or "
                                 "try the start of the word with * (zqx*).")]


def test_respelt_words_are_described_where_they_stand_not_twice(ilo_engine: Engine) -> None:
    explanation = ilo_engine.explain(request(q="solidarty economy"))
    assert explanation.lines[0] == ("Must contain: \u201csolidarity\u201d (for \u201csolidarty"
                                    "\u201d, which no item contains); \u201ceconomy\u201d.")
    assert explanation.notes == []  # no "is in no item: check the spelling" as well
    assert not any("solidarty" in line for line in explanation.lines[1:])


def test_did_you_mean_for_a_rare_word_when_a_near_one_finds_far_more(ilo_engine: Engine
                                                                     ) -> None:
    # "solidary economy" finds nothing (the one "solidary" item is about finance), while
    # "solidarity economy" finds several: suggested, not searched (the word exists).
    page = ilo_engine.search(request(q="solidary economy"))
    assert page.total == 0 and page.respelt == []
    assert page.suggestion == "solidarity economy"
    # A word known and common enough is never second-guessed.
    assert ilo_engine.search(request(q="cooperative economy")).suggestion is None


def test_exact_words_are_not_respelt_but_get_a_suggestion(ilo_engine: Engine) -> None:
    page = ilo_engine.search(request(q="cooperatve", exact=1))
    assert page.total == 0 and page.respelt == []
    assert page.suggestion == "cooperative"


def test_the_page_says_once_what_was_searched_instead(page_of, ilo_engine: Engine) -> None:
    soup = page_of("/?q=solidarty+economy")
    notes = [p.get_text() for p in soup.select("p.suggestion")]
    assert notes == [("No item contains \u201csolidarty\u201d: showing results for "
                     "\u201csolidarity economy\u201d.")]
    total = ilo_engine.search(request(q="solidarity economy")).total
    assert soup.select_one("#total").get_text().startswith(
        f"{total} results for 'solidarity economy'")
    assert not soup.select("#reading ul.notes")
