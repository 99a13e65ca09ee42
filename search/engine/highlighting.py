"""Find the words of a text that match a query's terms: Whoosh's highlighting, memoized.

`spans(text, terms, analyzer)` gives the (start, end) character spans of the
words whose index terms are among `terms`, the ones Whoosh's `highlight`
marks; a front end renders them (`<mark>` in the web UI, plain text or colour
in the command line). Whoosh's highlighter runs the whole analyzer chain over
every text shown, a generator per filter per word: at 20 hits with title and
summary that was most of the time of a page for a rare word. Almost every
step of the chain works on one word at a time, so here each distinct word is
analysed once (per analyzer) and remembered, and the text is split with the
analyzer's own tokenizer pattern.

The one step that looks at two words together is `JoinFilter` ("viet nam" ->
"vietnam"): a text holding a word that can start such a pair goes through the
full chain instead, its matched tokens kept as Whoosh's formatter keeps them
(in order, none overlapping the one before). `tests/test_highlighting.py`
compares the spans, rendered, with Whoosh's own highlight over every title and
summary of the test corpora.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from whoosh.analysis import Analyzer, CompositeAnalyzer, RegexTokenizer

from search.text.analysis import JoinFilter
from search.cache import LRUCache

MAX_WORDS = 200_000  # remembered words per analyzer (then forgotten and relearnt)
ANALYZERS = 8

Span = tuple[int, int]


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


def spans(text: str, terms: frozenset[str], analyzer: Analyzer) -> tuple[Span, ...]:
    """The (start, end) of each word of `text` whose term (through `analyzer`) is in
    `terms`, in order and not overlapping."""
    if not terms or not text:
        return ()
    memo = _memo(analyzer)
    found = None if memo.pattern is None else _spans(text, terms, memo)
    if found is None:  # the full chain (a possible two-word join, another tokenizer)
        found = []
        end = 0
        for token in analyzer(text, chars=True, mode="query", removestops=False):
            if token.text in terms and token.startchar >= end:
                found.append((token.startchar, token.endchar))
                end = token.endchar
    return tuple(found)


def _spans(text: str, terms: frozenset[str], memo: _Memo) -> list[Span] | None:
    found = []
    word = memo.word
    for match in memo.pattern.finditer(text):  # type: ignore[union-attr]
        known = word(match.group())
        if known.may_join:
            return None
        if not known.terms.isdisjoint(terms):
            found.append(match.span())
    return found
