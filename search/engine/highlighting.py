"""Mark the words of a text that match a query's terms: Whoosh's highlight, memoized.

`whoosh.highlight.highlight` runs the whole analyzer chain over every text
shown, a generator per filter per word: at 20 hits with title and summary
that was most of the time of a page for a rare word. Almost every step of
the chain works on one word at a time, so here each distinct word is
analysed once (per analyzer) and remembered; the text is split with the
analyzer's own tokenizer pattern, and the matching spans are handed to
Whoosh's own `HtmlFormatter`, so the markup is Whoosh's to the byte.

The one step that looks at two words together is `JoinFilter` ("viet nam" ->
"vietnam"): a text holding a word that can start such a pair is highlighted
by Whoosh's full chain instead. `tests/test_highlighting.py` compares both
ways over every title and summary of the test corpora.
"""

from __future__ import annotations

import html
import threading
from dataclasses import dataclass

from whoosh.analysis import Analyzer, CompositeAnalyzer, RegexTokenizer, Token
from whoosh.highlight import Fragment, HtmlFormatter, WholeFragmenter, highlight

from search.text.analysis import JoinFilter
from search.cache import LRUCache

MAX_WORDS = 200_000  # remembered words per analyzer (then forgotten and relearnt)
ANALYZERS = 8


@dataclass(frozen=True, slots=True)
class _Word:
    terms: frozenset[str]  # what the analyzer makes of the word on its own
    may_join: bool         # it can start a two-word join: use the full chain


class _Memo:
    """What one analyzer makes of each word, remembered."""

    def __init__(self, analyzer: Analyzer) -> None:
        self.analyzer = analyzer
        items = list(getattr(analyzer, "items", [analyzer]))
        tokenizer = items[0]
        self.pattern = tokenizer.expression if isinstance(tokenizer, RegexTokenizer) else None
        self.before_join: Analyzer | None = None
        self.firsts: frozenset[str] = frozenset()
        for at, item in enumerate(items):
            if isinstance(item, JoinFilter):
                self.before_join = CompositeAnalyzer(*items[:at])
                self.firsts = item.firsts
        self.words: dict[str, _Word] = {}
        self.lock = threading.Lock()

    def word(self, text: str) -> _Word:
        found = self.words.get(text)
        if found is None:
            terms = frozenset(t.text for t in self.analyzer(text, mode="query",
                                                            removestops=False))
            may_join = self.before_join is not None and any(
                t.text in self.firsts
                for t in self.before_join(text, mode="query", removestops=False))
            found = _Word(terms, may_join)
            with self.lock:
                if len(self.words) >= MAX_WORDS:
                    self.words.clear()
                self.words[text] = found
        return found


_memos: LRUCache[_Memo] = LRUCache(ANALYZERS)


def _memo(analyzer: Analyzer) -> _Memo:
    found = _memos.get_or_make(id(analyzer), lambda: _Memo(analyzer))
    if found is None or found.analyzer is not analyzer:  # an id reused by a new analyzer
        found = _Memo(analyzer)
        _memos.put(id(analyzer), found)
    return found


def _formatter() -> HtmlFormatter:
    return HtmlFormatter(tagname="mark", classname="hl", termclass="t")


def mark(text: str, terms: frozenset[str], analyzer: Analyzer) -> str:
    """`text` HTML-escaped, with each word whose term is in `terms` wrapped in
    `<mark class="hl tN">` (N numbers the distinct words marked, 0-4)."""
    if not terms or not text:
        return html.escape(text, quote=False)
    memo = _memo(analyzer)
    spans = None if memo.pattern is None else _spans(text, terms, memo)
    if spans is None:  # the full chain (a possible two-word join, another tokenizer)
        marked = highlight(text, set(terms), analyzer, WholeFragmenter(charlimit=None),
                           _formatter(), top=1, mode="query")
        return marked or html.escape(text, quote=False)
    if not spans:
        return html.escape(text, quote=False)
    matches = [Token(startchar=start, endchar=end, matched=True) for start, end in spans]
    return _formatter()(text, [Fragment(text, matches)])


def _spans(text: str, terms: frozenset[str], memo: _Memo) -> list[tuple[int, int]] | None:
    spans = []
    word = memo.word
    for found in memo.pattern.finditer(text):  # type: ignore[union-attr]
        known = word(found.group())
        if known.may_join:
            return None
        if not known.terms.isdisjoint(terms):
            spans.append(found.span())
    return spans
