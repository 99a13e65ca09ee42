"""The fast analysis of the build gives exactly the terms and positions of the Whoosh chain.

`search.fastanalysis` replaces Whoosh's Token generator chain with per-word
memos and an explicit join step; here both run over every title, summary and
kind of the bundled corpus, the relevance corpora, a synthetic corpus, and
generated text full of compounds, joins, stop words, accents and quotes.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests_support import make_synthetic

from corpus import BUNDLED_CORPUS, read_sources
from search.text.analysis import STOP_WORDS, exact_analyzer, news_analyzer, read_variants
from search.text.wordwise import ExactFastAnalyzer, NewsFastAnalyzer, TermPositions, from_analyzer
from search.text.schema import build_schema

pytestmark = pytest.mark.slow  # the quick loop (pytest -m "not slow") skips this module

RELEVANCE = Path(__file__).resolve().parent / "relevance"
NEWS = news_analyzer()
EXACT = exact_analyzer()
FAST_NEWS = from_analyzer(NEWS)
FAST_EXACT = from_analyzer(EXACT)


def chain(analyzer, text: str) -> TermPositions:
    """What Whoosh's Positions.word_values collects from the analyzer in index mode."""
    found: dict[str, list[int]] = defaultdict(list)
    for token in analyzer(text, mode="index", positions=True, boosts=True):
        if not token.stopped:
            found[token.text].append(token.pos)
    return dict(found)


def assert_same(text: str) -> None:
    assert FAST_NEWS.positions(text) == chain(NEWS, text), text
    assert FAST_EXACT.positions(text) == chain(EXACT, text), text


def test_the_schema_analyzers_are_recognised() -> None:
    schema = build_schema()
    for name in ("title", "summary", "kind"):
        assert isinstance(from_analyzer(schema[name].analyzer), NewsFastAnalyzer)
    for name in ("title_exact", "summary_exact"):
        assert isinstance(from_analyzer(schema[name].analyzer), ExactFastAnalyzer)


def test_other_analyzers_are_not_taken_for_ours() -> None:
    from whoosh.analysis import StandardAnalyzer

    assert from_analyzer(StandardAnalyzer()) is None
    assert from_analyzer(build_schema()["id"].analyzer) is None


@pytest.mark.parametrize("text", [
    "ITC-ILO Turin", "cooperatives in Viet Nam grow", "the self help group", "Self-help",
    "Jeun'ess ILO’s co-op e-News", "viet nam viet nam", "xx-viet nam", "viet-nam",
    "ʼ alone", "Côte d’Ivoire labor organizations", "a", "", "e news letter", "jeun ess",
    "Viet Nam's self help e news", "co-co-op", "ilo-ilo-ilo", "labor-center organizing",
    "the of in Viet the Nam", "viet viet nam nam", "Şanlıurfa Søren Nguyễn Văn An",
    "x-self help", "ab-viet-nam", "self-helped", "Co-operativenesses", "sel-f hel-p", "self-help help", "selfhelps-coops", "e-news letters",
])
def test_tricky_texts(text: str) -> None:
    assert_same(text)


def articles(paths: list[Path]):
    result = read_sources(paths)
    assert result.articles
    return result.articles


def test_the_bundled_and_relevance_corpora() -> None:
    for article in articles([BUNDLED_CORPUS, RELEVANCE / "corpus-a.txt",
                             RELEVANCE / "corpus-b.txt"]):
        for text in (article.title, article.summary, article.kind):
            assert_same(text)


def test_a_synthetic_corpus(tmp_path: Path) -> None:
    for article in articles([make_synthetic(1_500, 7, tmp_path / "synthetic.jsonl")]):
        for text in (article.title, article.summary, article.kind):
            assert_same(text)


_VARIANTS = read_variants()
_PIECES = sorted({*STOP_WORDS, *_VARIANTS.words, *(w for pair in _VARIANTS.joins for w in pair),
                  "ITC", "ILO", "co", "op", "e", "Côte", "d", "Ivoire", "Şanlıurfa", "Jürgen",
                  "labor", "center", "organization", "analyzing", "help", "self", "s", "x",
                  "2023", "helped", "helping", "ʼ", "ß", "İ", "ﬁ", "Ǆ", "news", "letter", "ess", "jeun", "nam"})
_GLUE = st.sampled_from([" ", "  ", "-", "'", "\u2019", "\u2018", "\u02bc", "\u2010",
                         "\u2011", "\u00ad", ", ", ". ", "'s ", "\u2019s ", " (", ") "])


@st.composite
def news_like(draw) -> str:
    words = draw(st.lists(st.sampled_from(_PIECES) | st.text(min_size=1, max_size=6),
                          max_size=14))
    text = ""
    for word in words:
        text += word + draw(_GLUE)
    return text


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(news_like())
def test_generated_text(text: str) -> None:
    assert_same(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_arbitrary_text(text: str) -> None:
    assert_same(text)
