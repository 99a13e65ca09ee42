"""Find the words of a text that match a query's terms: Whoosh's highlighting, memoized.

`spans(text, terms, analyzer, phrases)` gives the (start, end) character spans
of the words whose index terms are among `terms`, the ones Whoosh's
`highlight` marks, and of each run of words that makes one of `phrases`; a
front end renders them (`<mark>` in the web UI, plain text or colour in the
command line). A word's terms are those it is indexed under, so a compound
is marked for its parts as it is found by them ("youth-led" for `youth`,
"ITC-ILO" for `ILO`). A word of a phrase is marked only where the phrase
stands (`"social and solidarity economy"` does not mark "social" in "social
inclusion"). Whoosh's highlighter runs the whole analyzer chain over
every text shown, a generator per filter per word: at 20 hits with title and
summary that was most of the time of a page for a rare word. Almost every
step of the chain works on one word at a time, so here each distinct word is
analysed once (per analyzer) and remembered, and the text is split with the
analyzer's own tokenizer pattern.

A text is split at white space (the tokenizer's words never hold any) and each
piece looked up in a table per query of what its words are to the query: C
loops over a text, where a Python loop over every word was most of a page's
marks.

The one step that looks at two words together is `JoinFilter` ("viet nam" ->
"vietnam"): in a text holding a word that can start such a pair, each such
word is analysed with the word after it, and only when the two do join (a
token of the chain runs across both) does the text go through the full chain,
its matched tokens kept as Whoosh's formatter keeps them (in order, none
overlapping the one before). `tests/test_highlighting.py`
compares the spans, rendered, with Whoosh's own highlight over every title and
summary of the test corpora.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from itertools import accumulate, compress
from typing import Any, TypeVar

from whoosh.analysis import Analyzer, CompositeAnalyzer, RegexTokenizer

from search.cache import LRUCache
from search.text.analysis import TOKEN_PATTERN, JoinFilter

MAX_WORDS = 200_000  # remembered words per analyzer (then forgotten and relearnt)
ANALYZERS = 8

Span = tuple[int, int]
_PIECE = re.compile(r"\S+")
_JOIN = "\x00join"  # among a piece's terms: a word of it may join the next (no term has NUL)
_NONE: frozenset[str] = frozenset()
_T = TypeVar("_T")
# A piece of text between white space: its terms (with `_JOIN` when a word of it may
# join the next) and its words (start, end, terms, whether it may join the next).
_Piece = tuple[frozenset[str], tuple[tuple[int, int, frozenset[str], bool], ...]]


@dataclass(frozen=True, slots=True)
class _Word:
    terms: frozenset[str]  # what the analyzer makes of the word on its own
    may_join: bool         # it can start a two-word join: use the full chain
    stop: bool             # a stop word: indexed at no position


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
        # The text's words are its pieces' words (no word holds white space).
        self.by_pieces = self.pattern is not None and \
            (self.pattern.pattern, self.pattern.flags) == (TOKEN_PATTERN.pattern,
                                                          TOKEN_PATTERN.flags)
        self.words: dict[str, _Word] = {}
        self.pairs: dict[str, frozenset[str]] = {}
        self.joined: dict[tuple[str, int], bool] = {}
        self.pieces: dict[str, _Piece] = {}
        self.lock = threading.Lock()

    def word(self, text: str) -> _Word:
        found = self.words.get(text)
        if found is None:
            may_join = self.before_join is not None and any(
                t.text in self.firsts
                for t in self.before_join(text, mode="query", removestops=False))
            stop = not any(True for _ in self.analyzer(text, mode="index"))
            found = self._remember(self.words, text,
                                   _Word(self._terms(text), may_join, stop))
        return found

    def pair(self, text: str) -> frozenset[str]:
        """The terms of two words analysed together (a join's closed form among them)."""
        found = self.pairs.get(text)
        if found is None:
            found = self._remember(self.pairs, text, self._terms(text))
        return found

    def piece(self, text: str) -> _Piece:
        """The terms of a piece of text between white space (with `_JOIN` among them
        when one of its words may join the next), and its words: (start, end, terms,
        whether it may join the next).
        The tokenizer's words never hold white space, so a text's words are its
        pieces' words; pieces recur as words do ("the", "cooperatives,")."""
        found = self.pieces.get(text)
        if found is not None:
            return found
        word = self.words.get
        words: list[tuple[int, int, frozenset[str], bool]] = []
        union: set[str] = set()
        for match in self.pattern.finditer(text):  # type: ignore[union-attr]
            known = word(match.group()) or self.word(match.group())
            words.append((match.start(), match.end(), known.terms, known.may_join))
            union |= known.terms
            if known.may_join:
                union.add(_JOIN)
        found = frozenset(union), tuple(words)
        # (No lock: the assignment is one step; a table cleared meanwhile only forgets.)
        if len(self.pieces) >= MAX_WORDS:
            self.pieces.clear()
        self.pieces[text] = found
        return found

    def joins(self, text: str, split: int) -> bool:
        """Whether the two words of `text` (the first ending at `split`) are joined into
        one by the chain: a token then runs across the end of the first."""
        found = self.joined.get((text, split))
        if found is None:
            found = self._remember(self.joined, (text, split), any(
                token.startchar < split < token.endchar
                for token in self.analyzer(text, chars=True, mode="index",
                                           removestops=False)))
        return found

    def _terms(self, text: str) -> frozenset[str]:
        # As indexed: a compound's parts are terms of it too.
        return frozenset(t.text for t in self.analyzer(text, mode="index", removestops=False))

    def _remember(self, table: dict[Any, _T], text: Any, found: _T) -> _T:
        with self.lock:
            if len(table) >= MAX_WORDS:
                table.clear()
            table[text] = found
        return found


_memos: LRUCache[_Memo] = LRUCache(ANALYZERS)
_last_memo: list[_Memo] = []  # the one used last (a page's texts share two analyzers)


def _memo(analyzer: Analyzer) -> _Memo:
    last = _last_memo[0] if _last_memo else None
    if last is not None and last.analyzer is analyzer:
        return last
    found = _memos.get_or_make(id(analyzer), lambda: _Memo(analyzer))
    if found is None or found.analyzer is not analyzer:  # an id reused by a new analyzer
        found = _Memo(analyzer)
        _memos.put(id(analyzer), found)
    _last_memo[:] = [found]
    return found


def spans(text: str, terms: frozenset[str], analyzer: Analyzer,
          phrases: frozenset[tuple[str, ...]] = frozenset()) -> tuple[Span, ...]:
    """The (start, end) of each word of `text` whose terms (through `analyzer`) meet
    `terms`, and of each run of words making one of `phrases` (tuples of terms), in
    order and not overlapping."""
    if (not terms and not phrases) or not text:
        return ()
    memo = _memo(analyzer)
    firsts = frozenset(phrase[0] for phrase in phrases) if phrases else _NONE
    quick = None if memo.pattern is None else _spans(text, terms, firsts, memo)
    if quick is None:  # the full chain (a possible two-word join, another tokenizer)
        found = _chain_spans(text, terms, analyzer)
        may_start_phrase = bool(phrases)
    else:
        found, may_start_phrase = quick
        if not may_start_phrase:  # the words' own spans: in order, none overlapping
            return tuple(found)
    if may_start_phrase:  # phrases need positions: the full chain, only then
        found.extend(_phrase_spans(text, phrases, analyzer))
    return _merged(found)


def rough_spans(text: str, terms: frozenset[str], analyzer: Analyzer,
                phrases: frozenset[tuple[str, ...]] = frozenset()) -> tuple[Span, ...]:
    """Where `terms` and `phrases` stand, a word at a time: stop words take no
    position, two words that join ("Viet Nam") are one, a phrase stands where its words
    follow one another. Cheap on a long text (each distinct word and pair analysed
    once), for choosing which passage of it to show; the passage shown is then marked
    exactly with `spans` (compounds' parts, the analyzer's own positions)."""
    if (not terms and not phrases) or not text:
        return ()
    memo = _memo(analyzer)
    if memo.pattern is None:  # another tokenizer: no word-at-a-time pass
        return spans(text, terms, analyzer, phrases)
    matches = list(memo.pattern.finditer(text))
    # The text's positions: (start, end, terms), a joined pair one position.
    slots: list[tuple[int, int, frozenset[str]]] = []
    skip = False
    for at, match in enumerate(matches):
        if skip:
            skip = False
            continue
        known = memo.word(match.group())
        if known.may_join and at + 1 < len(matches):
            following = matches[at + 1]
            pair = memo.pair(text[match.start():following.end()])
            if not pair <= known.terms | memo.word(following.group()).terms:  # joined
                slots.append((match.start(), following.end(), pair))
                skip = True
                continue
        if not known.stop:
            slots.append((match.start(), match.end(), known.terms))
    found = []
    for at, (start, end, known_terms) in enumerate(slots):
        if not known_terms.isdisjoint(terms):
            found.append((start, end))
            continue
        for phrase in phrases:
            last = at + len(phrase) - 1
            if last < len(slots) and all(term in slots[at + offset][2]
                                         for offset, term in enumerate(phrase)):
                found.append((start, slots[last][1]))
                break
    return tuple(found)


# What a word is to one query: -1 it may join the next word (the full chain is
# needed), else a sum of HIT (its terms meet the query's) and STARTS (it may start
# one of the query's phrases); 0 for most words. A small table per analyzer and
# query, a few queries kept: the words of a page's hits, looked up there rather
# than in the analyzer's memo of every word seen (in a busy process, a large table
# out of the CPU's caches). (For a tokenizer other than the house one: that one's
# texts are read by pieces, below.)
HIT, STARTS, JOINS = 1, 2, -1
QUERIES = 32
_verdicts: LRUCache[dict[str, int]] = LRUCache(QUERIES)


def _verdict(memo: _Memo, word: str, terms: frozenset[str], firsts: frozenset[str]) -> int:
    known = memo.word(word)
    if known.may_join:
        return JOINS
    return (0 if known.terms.isdisjoint(terms) else HIT) + \
        (0 if known.terms.isdisjoint(firsts) else STARTS)


def _spans(text: str, terms: frozenset[str], firsts: frozenset[str],
           memo: _Memo) -> tuple[list[Span], bool] | None:
    """The words' spans a word at a time, and whether a word may start a phrase; None
    when a word may join the next (the full chain is needed)."""
    if memo.by_pieces:
        return _piece_spans(text, terms, firsts, memo)
    table = _verdicts.get_or_make((memo, terms, firsts), dict)
    assert table is not None  # (made by dict(), never None)
    if len(table) >= MAX_WORDS:
        table.clear()
    seen = table.get
    found = []
    phrase = False
    for match in memo.pattern.finditer(text):  # type: ignore[union-attr]
        word = match.group()
        verdict = seen(word)
        if verdict is None:
            verdict = table[word] = _verdict(memo, word, terms, firsts)
        if verdict:
            if verdict == JOINS:
                return None
            if verdict & HIT:
                found.append(match.span())
            if verdict & STARTS:
                phrase = True
    return found, phrase


# What a piece is to one query: 0 when none of its words counts, else (flags, the
# spans of its hits within it), flags a sum of HIT, STARTS and MAY_JOIN (a word of it
# may join the next). A small table per analyzer and query in front of the memo's
# pieces: a page's texts looked up there, not in the memo of every piece seen (a large
# table of sets, out of the CPU's caches in a busy process: in the benchmark's mix
# that cost as much as it saved). A query asked the first time fills it from the memo.
MAY_JOIN = 4
_Verdict = int | tuple[int, tuple[Span, ...]]
_pieces: LRUCache[dict[str, _Verdict]] = LRUCache(QUERIES)
_last: list[tuple[object, dict[str, _Verdict]]] = []  # the query marked last, at hand


def _query_pieces(memo: _Memo, terms: frozenset[str],
                  firsts: frozenset[str]) -> dict[str, _Verdict]:
    key = (memo, terms, firsts)
    last = _last[0] if _last else None
    if last is not None and last[0] == key:
        table = last[1]
    else:
        made = _pieces.get_or_make(key, dict)
        assert made is not None  # (made by dict(), never None)
        table = made
        _last[:] = [(key, table)]
    if len(table) >= MAX_WORDS:
        table.clear()
    return table


def _piece_verdict(memo: _Memo, piece: str, terms: frozenset[str],
                   firsts: frozenset[str]) -> _Verdict:
    union, words = memo.piece(piece)
    if terms.isdisjoint(union) and firsts.isdisjoint(union) and _JOIN not in union:
        return 0
    flags = (0 if terms.isdisjoint(union) else HIT) | \
        (0 if firsts.isdisjoint(union) else STARTS) | (MAY_JOIN if _JOIN in union else 0)
    return flags, tuple((begin, end) for begin, end, known, _ in words
                        if not known.isdisjoint(terms))


def _piece_spans(text: str, terms: frozenset[str], firsts: frozenset[str],
                 memo: _Memo) -> tuple[list[Span], bool] | None:
    """`_spans` by the pieces of `text` between white space (see `_Memo.piece`): the
    pieces looked up in the query's table in a C loop (split, map), the few that count
    read one by one; None when two words join."""
    pieces = text.split()
    if not pieces:
        return [], False
    table = _query_pieces(memo, terms, firsts)
    known = list(map(table.get, pieces))
    if None in known:
        for at, verdict in enumerate(known):
            if verdict is None:
                known[at] = table[pieces[at]] = _piece_verdict(memo, pieces[at], terms,
                                                               firsts)
    counting = list(compress(range(len(pieces)), known))
    if not counting:
        return [], False
    ends = list(accumulate(map(len, pieces)))
    spaced = len(text) == ends[-1] + len(pieces) - 1  # one space between pieces
    if spaced:
        def start_of(at: int) -> int:
            return ends[at - 1] + at if at else 0
    else:
        marks = [match.start() for match in _PIECE.finditer(text)]

        def start_of(at: int) -> int:
            return marks[at]
    flags = [known[at][0] for at in counting]  # type: ignore[index]
    joining = [at for at, flag in zip(counting, flags) if flag & MAY_JOIN]
    if joining and _joined(text, pieces, start_of, joining, memo):
        return None
    found: list[Span] = []
    for at in counting:
        start = start_of(at)
        found.extend((start + begin, start + end)
                     for begin, end in known[at][1])  # type: ignore[index]
    return found, any(flag & STARTS for flag in flags)


def _joined(text: str, pieces: list[str], start_of: Callable[[int], int],
            joining: list[int], memo: _Memo) -> bool:
    """Whether a word of the pieces `joining` (those with a word that may join the next,
    "viet" before "nam") is joined with the word after it by the chain. Where none is,
    the chain gives each word the terms it has alone."""
    for at in joining:
        words = memo.piece(pieces[at])[1]
        for index, (begin, end, _, may_join) in enumerate(words):
            if not may_join:
                continue
            if index + 1 < len(words):
                following = start_of(at) + words[index + 1][1]
            else:  # the first word of a later piece (some pieces hold none: "-", "&")
                following = next((start_of(later) + found[0][1] for later in
                                  range(at + 1, len(pieces))
                                  if (found := memo.piece(pieces[later])[1])), -1)
                if following < 0:
                    continue
            if memo.joins(text[start_of(at) + begin:following], end - begin):
                return True
    return False


def _words(text: str, analyzer: Analyzer) -> list[tuple[int, Span, set[str]]]:
    """(position, span of the whole word, its terms) for each word as indexed; a
    compound's parts (at its position, inside its span) are terms of the word."""
    words: list[tuple[int, Span, set[str]]] = []
    for token in analyzer(text, positions=True, chars=True, mode="index"):
        if words and words[-1][0] == token.pos and token.startchar < words[-1][1][1]:
            words[-1][2].add(token.text)
            continue
        words.append((token.pos, (token.startchar, token.endchar), {token.text}))
    return words


def _chain_spans(text: str, terms: frozenset[str], analyzer: Analyzer) -> list[Span]:
    found = []
    end = 0
    for token in analyzer(text, chars=True, mode="index", removestops=False):
        if token.startchar < end:  # a part of the word just marked
            continue
        if token.text in terms:
            # The whole word, when the term is a part of a compound.
            found.append((token.startchar, token.endchar))
            end = token.endchar
    return _widened(text, found, analyzer)


def _widened(text: str, found: list[Span], analyzer: Analyzer) -> list[Span]:
    """Spans of compound parts widened to their whole word."""
    if not found:
        return found
    whole = [span for _, span, _ in _words(text, analyzer)]
    out = []
    for start, end in found:
        word = next((w for w in whole if w[0] <= start and end <= w[1]), (start, end))
        out.append(word)
    return out


def _phrase_spans(text: str, phrases: frozenset[tuple[str, ...]],
                  analyzer: Analyzer) -> list[Span]:
    """Where each phrase stands: its words at consecutive positions, as indexed."""
    if not phrases:
        return []
    words = _words(text, analyzer)
    at: dict[int, tuple[Span, set[str]]] = {pos: (span, found) for pos, span, found in words}
    spans_found = []
    for pos, span, found in words:
        for phrase in phrases:
            if phrase[0] not in found:
                continue
            last = span
            for offset, term in enumerate(phrase[1:], start=1):
                there = at.get(pos + offset)
                if there is None or term not in there[1]:
                    break
                last = there[0]
            else:
                spans_found.append((span[0], last[1]))
    return spans_found


def _merged(found: list[Span]) -> tuple[Span, ...]:
    """Spans in order, none overlapping the one before (a longer one first)."""
    out: list[Span] = []
    for start, end in sorted(set(found), key=lambda s: (s[0], -s[1])):
        if out and start < out[-1][1]:
            if end > out[-1][1]:
                out[-1] = (out[-1][0], end)
            continue
        out.append((start, end))
    return tuple(out)
