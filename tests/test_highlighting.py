"""The memoized highlighter's spans, rendered by the web UI, are what Whoosh's `highlight` marks.

Every title and summary of the bundled corpus, the relevance corpora and a
synthetic corpus is highlighted both ways, for terms drawn from the text
itself (so most texts have marks), for terms of the variant families and
joins ("viet nam", "co-operators"), and through both analyzers. Where the two
differ on purpose, it is tested on its own: a compound is marked for its
parts (Whoosh's query-mode highlight does not), and a phrase only where it
stands.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from test_perf_equivalence import _make_corpus_module
from whoosh.highlight import HtmlFormatter, WholeFragmenter, highlight

from corpus import BUNDLED_CORPUS, read_sources
from search.engine import highlighting
from search.engine.highlighting import spans
from search.text.analysis import analyze, exact_analyzer, news_analyzer
from webui.marks import to_html

HERE = Path(__file__).resolve().parent
EXTRA = ["Co-operators in Viet Nam & <b>Kenya</b>: the cooperative's workers, cooperatives!",
         "Self help groups and self-help; ITC-ILO labor organizations, organisation",
         "Vietnam viet nam VIET NAM viet  nam ʼ l’économie sociale, Şanlıurfa",
         "", "   ", "a the of", "e-news E-News enews"]


def _texts(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    folder = tmp_path_factory.mktemp("texts")
    synthetic = _make_corpus_module().make_corpus(300, seed=5, path=folder / "s.jsonl")
    sources = [BUNDLED_CORPUS, synthetic, *sorted((HERE / "relevance").glob("corpus-*.txt"))]
    articles = read_sources(sources).articles
    return [text for a in articles for text in (a.title, a.summary)] + EXTRA


def _whoosh(text: str, terms: frozenset[str], analyzer) -> str:  # type: ignore[no-untyped-def]
    import html

    marked = highlight(text, set(terms), analyzer, WholeFragmenter(charlimit=None),
                       HtmlFormatter(tagname="mark", classname="hl", termclass="t"),
                       top=1, mode="query")
    return marked or html.escape(text, quote=False)


@pytest.mark.parametrize("which", ["news", "exact"])
def test_marks_equal_whoosh_highlight(tmp_path_factory: pytest.TempPathFactory,
                                      which: str) -> None:
    analyzer = news_analyzer() if which == "news" else exact_analyzer()
    chooser = random.Random(3)
    fixed = frozenset(analyze("cooperative vietnam selfhelp kenya worker labour ilo organisation")
                      + ["co-operators", "viet", "nam", "ilo"])
    marked = 0
    for text in _texts(tmp_path_factory):
        own = sorted({t.text for t in analyzer(text, mode="query")})
        # Compound parts ("youth" of "youth-led") are marked here and not by Whoosh.
        parts = {t.text for t in analyzer(text, mode="index")} - set(own)
        for terms in (frozenset(chooser.sample(own, min(3, len(own)))), fixed - parts,
                      frozenset()):
            expected = _whoosh(text, terms, analyzer)
            assert to_html(text, spans(text, terms, analyzer)) == expected, (text, terms)
            marked += "<mark" in expected
    assert marked > 500


@pytest.mark.parametrize(("text", "terms", "marked"), [
    ("Youth-led cooperatives for youth", "youth", ["Youth-led", "youth"]),
    ("ITC-ILO and the ILO", "ILO", ["ITC-ILO", "ILO"]),
    ("Viet Nam: women-owned enterprises", "women", ["women-owned"]),
    ("youth-led, youth-led", "led", ["youth-led", "youth-led"]),
])
def test_compounds_are_marked_for_their_parts(text: str, terms: str, marked: list[str]) -> None:
    found = spans(text, frozenset(analyze(terms)), news_analyzer())
    assert [text[start:end] for start, end in found] == marked


def test_a_phrase_is_marked_where_it_stands_only() -> None:
    phrase = tuple(analyze("social and solidarity economy"))
    text = "Social inclusion in the social and solidarity economy; solidarity economy."
    found = spans(text, frozenset(), news_analyzer(), frozenset({phrase}))
    assert [text[s:e] for s, e in found] == ["social and solidarity economy"]
    # With a word of its own beside the phrase, that word is marked everywhere.
    found = spans(text, frozenset(analyze("inclusion")), news_analyzer(), frozenset({phrase}))
    assert [text[s:e] for s, e in found] == ["inclusion", "social and solidarity economy"]
    # Through a compound, and over a two-word join ("Viet Nam" is one word to the index).
    viet = tuple(analyze("vietnam cooperatives"))
    text = "Viet Nam cooperatives and Vietnam's co-operatives"
    found = spans(text, frozenset(), news_analyzer(), frozenset({viet}))
    assert [text[s:e] for s, e in found] == ["Viet Nam cooperatives", "Vietnam's co-operatives"]


JOINING = ["viet, nam; Viet-Nam viet\nnam viet the nam self help, self-help and self",
           "nam viet nam viet viet viet nam e news E-news self selfhelp help viet",
           "Jeun ess and jeunesse: viet\u00a0nam  self\thelp  workers of viet",
           "Co-operators in Viet Nam, self-help groups in viet", "viet", "workers viet"]


@pytest.mark.parametrize("which", ["news", "exact"])
def test_words_that_may_join_are_marked_as_the_full_chain_marks_them(
        monkeypatch: pytest.MonkeyPatch, which: str) -> None:
    # A text with a word that may start a join ("viet", "self") is marked a word at a
    # time unless two of its words do join; the full chain, for every such text, is
    # what that must equal (a join's parts marked as the chain marks them).
    analyzer = news_analyzer() if which == "news" else exact_analyzer()
    queries = [frozenset(analyze(words)) for words in (
        "viet", "nam", "vietnam", "self help", "selfhelp", "enews", "e news", "jeunesse",
        "workers cooperative")] + [frozenset({"viet", "nam", "self", "help", "e"})]
    cases = [(text, terms) for text in JOINING for terms in queries]
    with monkeypatch.context() as patched:
        patched.setattr(highlighting, "_joined", lambda *args: True)
        chain = [spans(text, terms, analyzer) for text, terms in cases]
    assert [spans(text, terms, analyzer) for text, terms in cases] == chain
    assert sum(map(bool, chain)) > 10
