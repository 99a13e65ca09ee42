"""The index terms of a text without Whoosh's Token generator chain, for the fast build.

`search.analysis` describes the analyzers as chains of Whoosh filters passing
one mutable `Token` along. Per word, that costs a dozen generator steps and
attribute writes; a build analyses some 50 million words at 1M items. Here
the same analysis is split in two:

- the per-word part (lowercase, fold, stop words, compounds; then spelling,
  variants, stemming) is a pure function of the word, so it is worked out
  once per distinct word and kept in a dict;
- the one step that looks across words, `JoinFilter` ("viet nam" ->
  "vietnam", and later positions moving up by one), runs explicitly over
  (text, position) pairs, as do the StopFilter's renumbering of positions and
  the CompoundFilter's parts at the joined word's position.

`FastAnalyzer.positions(text)` returns what Whoosh's `Positions.word_values`
collects from the real chain in "index" mode: each term with its positions in
the order the chain emits them (duplicates and all). Equality with the real
chain is what tests/test_fastanalysis.py checks, word list by word list.

One quirk of the chain is reproduced on purpose: `CompoundFilter` decides
whether to emit a compound's parts after yielding the joined word, by looking
at the shared token's text, which the filters downstream have by then
respelt, mapped to its variant and stemmed, unless `JoinFilter` held or
joined the word (then it holds a copy and the token's text is unchanged).

`from_analyzer` recognises the two analyzers of `search.analysis` by their
parts and reads its tables (stop words, families, joins, variants, stemmer)
from the analyzer object itself; for any other analyzer it returns None and
the caller uses Whoosh's own `field.index`. Whoosh internals relied on (2.7.x):
`CompositeAnalyzer.items`, `RegexTokenizer.expression`, `StopFilter.stops`,
`.min`, `.max`, `.renumber`, `StemFilter.stemfn`, `.ignore`, `.lang`.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable

from whoosh.analysis import LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.analysis.analyzers import CompositeAnalyzer

from corpus.model import fold
from search.text.analysis import (
    _JOINERS,
    _POSSESSIVE,
    _PREFIX_MAX,
    CompoundFilter,
    FoldFilter,
    JoinFilter,
    SpellingFilter,
    VariantFilter,
    _respell,
)

# A term's positions, in the order the analyzer chain emits them.
TermPositions = dict[str, list[int]]
_NEWS_CHAIN = (RegexTokenizer, LowercaseFilter, FoldFilter, StopFilter, CompoundFilter,
               JoinFilter, SpellingFilter, VariantFilter, StemFilter)
_EXACT_CHAIN = (RegexTokenizer, LowercaseFilter)


class FastAnalyzer:
    """Base: `positions(text)` gives {term: [positions]} as the Whoosh chain would."""

    def positions(self, text: str) -> TermPositions:
        raise NotImplementedError


class ExactFastAnalyzer(FastAnalyzer):
    """`RegexTokenizer | LowercaseFilter`: words as written, lower-cased, numbered 0, 1, ..."""

    def __init__(self, tokenize: Callable[[str], list[str]]) -> None:
        self._tokenize = tokenize

    def tokenize(self, text: str) -> list[str]:
        """The words as written, in order (a word's term is its `lower()`, its position
        its place in the list)."""
        return self._tokenize(text)

    def positions(self, text: str) -> TermPositions:
        found: TermPositions = {}
        for pos, word in enumerate(self._tokenize(text)):
            word = word.lower()
            known = found.get(word)
            if known is None:
                found[word] = [pos]
            else:
                known.append(pos)
        return found


class NewsFastAnalyzer(FastAnalyzer):
    """The news analyzer of `search.analysis`, word by word (see the module docstring)."""

    def __init__(self, tokenize: Callable[[str], list[str]], stop: StopFilter,
                 families: frozenset[str], joins: dict[tuple[str, str], str],
                 variants: dict[str, str], stem: Callable[[str], str],
                 unstemmed: frozenset[str]) -> None:
        self._tokenize = tokenize
        self._stops, self._minsize, self._maxsize = stop.stops, stop.min, stop.max
        self._renumber = stop.renumber
        self._families = families
        self._joins = joins
        self._firsts = frozenset(first for first, _ in joins)
        self._variants = variants
        self._stem = stem
        self._unstemmed = unstemmed
        # raw word -> None (a stop word) or (joined form, parts to emit or None)
        self._words: dict[str, tuple[str, tuple[str, ...] | None] | None] = {}
        self._finals: dict[str, str] = {}   # word after compounds/joins -> index term
        # raw word -> its index term, for the words that need nothing but the per-word
        # steps (no compound, not the first word of a join); "" for a stop word
        self._plain: dict[str, str] = {}

    # -- per word, memoised ---------------------------------------------------------------

    def _word(self, raw: str) -> tuple[str, tuple[str, ...] | None] | None:
        """Lowercase, fold, stop, compound: None for a stop word, else the joined form
        ("" when nothing is left, as for a lone apostrophe) and the compound's parts."""
        text = fold(raw.lower())
        size = len(text)
        found: tuple[str, tuple[str, ...] | None] | None
        if size < self._minsize or (self._maxsize is not None and size > self._maxsize) \
                or text in self._stops:
            found = None
        elif not _JOINERS.search(text):
            found = (text, None)
        else:
            if _POSSESSIVE.search(text):
                text = text[:-2]
            parts = [part for part in _JOINERS.split(text) if part]
            if not parts:
                found = ("", None)
            elif len(parts) < 2 or len(parts[0]) <= _PREFIX_MAX:
                found = ("".join(parts), None)
            else:
                found = ("".join(parts), tuple(part for part in parts if len(part) >= 2))
        self._words[raw] = found
        if found is None:
            self._plain[raw] = ""
        elif found[1] is None and found[0] and found[0] not in self._firsts:
            self._plain[raw] = self.final(found[0])
        return found

    def final(self, text: str) -> str:
        """Spelling, variant, stem: the index term of a word after compounds and joins."""
        term = self._finals.get(text)
        if term is None:
            term = _respell(text)
            term = self._variants.get(term, term)
            if term not in self._unstemmed:
                term = self._stem(term)
            self._finals[text] = term
        return term

    def term_of(self, raw: str) -> str:
        """The index term of one word on its own, as written ("Cooperatives" ->
        "cooperative", "co-operators" -> "cooperative"): "" for a stop word or nothing.
        Joins and a compound's extra parts are left out: they need the words around."""
        term = self._plain.get(raw)
        if term is not None:
            return term
        word = self._words[raw] if raw in self._words else self._word(raw)
        if word is None or not word[0]:
            return ""
        return self.final(word[0])

    @property
    def renumbers(self) -> bool:
        """True when positions move up past a stop word (the chain's StopFilter renumbers):
        then `plain_terms` and `plain_term` apply."""
        return bool(self._renumber)

    def plain_term(self, raw: str) -> str | None:
        """The index term of a word as written when it needs only the per-word steps, as
        `plain_terms` reads it: "" for a stop word (removed, later words move up), None
        for a word that makes its text go through `positions` (a join's first word, a
        compound with parts, nothing left of it), and None for every word when the
        analyzer does not renumber positions past stop words (then `plain_terms` never
        applies)."""
        if not self._renumber:
            return None
        term = self._plain.get(raw)
        if term is None and raw not in self._words:
            self._word(raw)
            term = self._plain.get(raw)
        return term

    # -- a whole text ---------------------------------------------------------------------

    def plain_terms(self, text: str) -> tuple[list[str], int] | None:
        """The terms of `text` in order and the position of the first, each next one a
        position further on, when every word needs only the per-word steps (no join, no
        compound's parts, nothing left of a word): what `positions` gives, a word at a
        time. None otherwise (then `positions` is the way)."""
        if not self._renumber:
            return None
        words = self._tokenize(text)
        plain = self._plain
        terms = list(map(plain.get, words))
        if None in terms:
            # Words not met before: worked out (and memoised) now; any that is not plain
            # (a join, a compound's parts) leaves the text to `positions`.
            for at, term in enumerate(terms):
                if term is None:
                    raw = words[at]
                    if raw not in self._words:
                        self._word(raw)
                    term = plain.get(raw)
                    if term is None:
                        return None
                    terms[at] = term
        kept = list(filter(None, terms))
        if not kept:
            return kept, 0
        first = 0
        while not terms[first]:  # leading stop words: the first word keeps its place
            first += 1
        return kept, first

    def positions(self, text: str) -> TermPositions:
        plain, words, finals = self._plain, self._words, self._finals
        joins, firsts, families = self._joins, self._firsts, self._families
        final = self.final
        found: TermPositions = {}
        held: tuple[str, int] | None = None
        shift = 0

        def emit(piece: str, at: int) -> None:
            term = finals.get(piece) or final(piece)
            known = found.get(term)
            if known is None:
                found[term] = [at]
            else:
                known.append(at)

        def join_step(piece: str, pos: int) -> bool:
            """JoinFilter on one word; True if it passed the word on unchanged."""
            nonlocal held, shift
            at = pos - shift
            if held is not None:
                closed = joins.get((held[0], piece))
                if closed and at == held[1] + 1:
                    emit(closed, held[1])
                    emit(*held)
                    emit(piece, held[1])
                    shift += 1
                    held = None
                    return False
                emit(*held)
                held = None
            if piece in firsts:
                held = (piece, at)
                return False
            emit(piece, at)
            return True

        pos = -1
        renumber = self._renumber
        for index, raw in enumerate(self._tokenize(text)):
            term = plain.get(raw)
            if term is not None and held is None:  # the common case, inlined
                if term:
                    pos = index if pos < 0 or not renumber else pos + 1
                    at = pos - shift
                    known = found.get(term)
                    if known is None:
                        found[term] = [at]
                    else:
                        known.append(at)
                continue  # "": a stop word, removed (later words move up)
            word = words[raw] if raw in words else self._word(raw)
            if word is None:
                continue
            pos = index if pos < 0 or not renumber else pos + 1
            joined, parts = word
            if not joined:
                continue  # nothing left of the word, but its position is used up
            passed = join_step(joined, pos)
            # CompoundFilter looks at the token's text after yielding the joined form: the
            # final term if JoinFilter passed the token on, else the joined form as it is.
            if parts is None or (final(joined) if passed else joined) in families:
                continue
            for part in parts:
                join_step(part, pos)
        if held is not None:
            emit(*held)
        return found


class _LastTokens:
    """`findall` that remembers its last text: the exact fields analyse the same string
    object as the field before them (title, title_exact), so it is split once."""

    def __init__(self, findall: Callable[[str], list[str]]) -> None:
        self._findall = findall
        self._last: tuple[str | None, list[str]] = (None, [])  # one object: thread-safe

    def __call__(self, text: str) -> list[str]:
        last = self._last
        if last[0] is text:
            return last[1]
        words = self._findall(text)
        self._last = (text, words)
        return words


_SHARED: dict[object, _LastTokens] = {}


def _tokenizer(tokenizer: RegexTokenizer) -> Callable[[str], list[str]] | None:
    if tokenizer.gaps or tokenizer.expression.groups:
        return None  # findall would give groups, not whole matches
    expression = tokenizer.expression
    if expression not in _SHARED:
        _SHARED[expression] = _LastTokens(expression.findall)
    return _SHARED[expression]


_FAST: dict[int, FastAnalyzer | None] = {}  # id(analyzer) -> its fast form, while it lives


def from_analyzer(analyzer: object) -> FastAnalyzer | None:
    """A FastAnalyzer equivalent to `analyzer` in index mode, or None if it is not one of
    the two chains of `search.analysis`. The same analyzer object gets the same one, so
    the fields that share an analyzer (title, summary) and the build's term lists share
    its memo of words already analysed."""
    key = id(analyzer)
    if key in _FAST:
        return _FAST[key]
    fast = _from_analyzer(analyzer)
    try:
        weakref.finalize(analyzer, _FAST.pop, key, None)
    except TypeError:  # an object that takes no weak reference: not memoised
        return fast
    _FAST[key] = fast
    return fast


def _chain_pattern(analyzer: object, chain: tuple[type, ...]) -> re.Pattern[str] | None:
    """The word pattern of `analyzer` when it is the filter chain `chain` with a tokenizer
    that matches words (not gaps), else None."""
    if not isinstance(analyzer, CompositeAnalyzer):
        return None
    items = analyzer.items
    if tuple(type(item) for item in items) != chain or items[0].gaps:
        return None
    return items[0].expression


def literal_pattern(analyzer: object) -> re.Pattern[str] | None:
    """The word pattern of a literal-word analyzer (`RegexTokenizer | LowercaseFilter`:
    a term is a word as written, lower-cased, at its place among the words), None for
    any other analyzer."""
    return _chain_pattern(analyzer, _EXACT_CHAIN)


def news_pattern(analyzer: object) -> re.Pattern[str] | None:
    """The word pattern of the news analyzer's chain (its tokenizer's), None for any other
    analyzer."""
    return _chain_pattern(analyzer, _NEWS_CHAIN)


def _from_analyzer(analyzer: object) -> FastAnalyzer | None:
    if not isinstance(analyzer, CompositeAnalyzer):
        return None
    items = analyzer.items
    kinds = tuple(type(item) for item in items)
    if kinds == _EXACT_CHAIN:
        tokenize = _tokenizer(items[0])
        return None if tokenize is None else ExactFastAnalyzer(tokenize)
    if kinds != _NEWS_CHAIN:
        return None
    tokenize = _tokenizer(items[0])
    stem = items[8]
    if tokenize is None or stem.lang:
        return None
    return NewsFastAnalyzer(tokenize, items[3], items[4].families, items[5].joins,
                            items[7].variants, stem.stemfn, stem.ignore)
