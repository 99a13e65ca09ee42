"""The memoized highlighter's spans, rendered by the web UI, are what Whoosh's `highlight` marks.

Every title and summary of the bundled corpus, the relevance corpora and a
synthetic corpus is highlighted both ways, for terms drawn from the text
itself (so most texts have marks), for terms of the variant families and
joins ("viet nam", "co-operators"), and through both analyzers.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from whoosh.highlight import HtmlFormatter, WholeFragmenter, highlight

from corpus import BUNDLED_CORPUS, read_sources
from search.text.analysis import analyze, exact_analyzer, news_analyzer
from search.engine.highlighting import spans
from webui.marks import to_html

from test_perf_equivalence import _make_corpus_module

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
        for terms in (frozenset(chooser.sample(own, min(3, len(own)))), fixed, frozenset()):
            expected = _whoosh(text, terms, analyzer)
            assert to_html(text, spans(text, terms, analyzer)) == expected, (text, terms)
            marked += "<mark" in expected
    assert marked > 500
