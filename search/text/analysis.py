"""Analyzers: how titles, summaries and queries become index terms.

The chain, in order:

    tokenizer     words, keeping hyphenated and apostrophe compounds whole
                  ("co-operators", "jeun'ess", "ILO’s"); straight, curly and
                  modifier apostrophes and the Unicode hyphens all count
    lowercase
    fold          accents and special letters to ASCII ("Şanlıurfa" -> "sanliurfa")
    stop words    a short list; "us", "it" and "may" are words here
    compounds     "co-operators" -> "cooperators" (+ "itc", "ilo" for "ITC-ILO"
                  at the same position when indexing, so "ILO" finds "ITC-ILO";
                  not for prefixes like "co-" and "e-" or for words of a variant
                  family like "self-help"); possessive 's dropped
    joins         two words written apart that a variant closes up: "viet nam"
                  -> "vietnam", "self help" -> "selfhelp" (the words themselves
                  are indexed at the same position too)
    spelling      American spellings respelt the British way, from the stems in
                  data/variants.txt ("labor" -> "labour", "center" -> "centre")
                  and a rule for -ize, -ization, -yze ("organization" ->
                  "organisation")
    variants      word families from data/variants.txt to one canonical form
                  ("coops", "co-operators" -> "cooperative")
    stemming      Porter, except for the canonical forms, which stay as they are
                  (so "cooperation" does not meet "cooperative")

The same chain runs on queries (mode "query", without the extra parts), so
every spelling meets its twin whichever way round it was written.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from whoosh.analysis import (Analyzer, Filter, LowercaseFilter, RegexTokenizer, StemFilter,
                             StopFilter, Token)

from corpus.model import fold
from corpus.variants import load_variants, read_variants
from corpus.variants import respell as _respell

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
# Apostrophes: straight, right and left single quotes, modifier letter; hyphens:
# ASCII, Unicode hyphen, non-breaking hyphen, soft hyphen.
_APOSTROPHES = "'\u2019\u2018\u02bc"
_HYPHENS = "\\-\u2010\u2011\u00ad"
TOKEN_PATTERN = re.compile(rf"\w+(?:[{_APOSTROPHES}{_HYPHENS}]\w+)*", re.UNICODE)
STOP_WORDS = frozenset("a an and are as at be by for from in is of on or the to with".split())
_JOINERS = re.compile(rf"[{_APOSTROPHES}{_HYPHENS}]")
_POSSESSIVE = re.compile(rf"[{_APOSTROPHES}]s$")
# Prefixes whose compounds are not split into parts ("co-op" must not index "co").
_PREFIX_MAX = 2


class FoldFilter(Filter):
    """Fold accents and special letters to ASCII."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for token in tokens:
            token.text = fold(token.text)
            yield token


class CompoundFilter(Filter):
    """Join hyphenated and apostrophe compounds; index their parts too.

    The joined form carries the token's position; when indexing, the parts are
    emitted at the same position, so a phrase through the joined form still
    matches and a search for a single part finds the compound. A compound that
    starts with a short prefix ("co-op", "e-news") or is a word of a variant
    family ("self-help", "Jeun'ess") keeps only its joined form.
    """

    def __init__(self, families: frozenset[str] = frozenset()) -> None:
        self.families = families

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for token in tokens:
            text = token.text
            if not _JOINERS.search(text):
                yield token
                continue
            if _POSSESSIVE.search(text):
                text = text[:-2]
            parts = [part for part in _JOINERS.split(text) if part]
            if not parts:  # an apostrophe on its own ("ʼ" is a letter to the tokenizer)
                continue
            token.text = "".join(parts)
            # Later filters may move the (shared) token's position: keep it.
            pos = token.pos if token.positions else None
            yield token
            if (token.mode == "query" or len(parts) < 2 or len(parts[0]) <= _PREFIX_MAX
                    or token.text in self.families):
                continue
            start = token.startchar if token.chars else None
            for part in parts:
                if len(part) < 2:
                    continue
                token.text = part
                if pos is not None:
                    token.pos = pos
                if start is not None:
                    token.startchar = start + max(text.find(part), 0)
                    token.endchar = token.startchar + len(part)
                yield token


class JoinFilter(Filter):
    """Close up two words that a variant writes as one ("viet nam" -> "vietnam").

    Later positions move up by one, so phrases through the joined word match
    as they do through the closed form. When indexing, the two words are
    emitted too, at the joined word's position.
    """

    def __init__(self, joins: dict[tuple[str, str], str] | None = None) -> None:
        self.joins = joins if joins is not None else read_variants().joins
        self.firsts = frozenset(first for first, _ in self.joins)

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        joins, firsts = self.joins, self.firsts
        held: Token | None = None
        shift = 0
        for token in tokens:
            if shift and token.positions:
                token.pos -= shift
            if held is not None:
                joined = joins.get((held.text, token.text))
                if (joined and not token.stopped
                        and (not token.positions or token.pos == held.pos + 1)):
                    yield from self._joined(held, token, joined)
                    shift += 1
                    held = None
                    continue
                yield held
                held = None
            if token.text in firsts and not token.stopped:
                held = token.copy()
                continue
            yield token
        if held is not None:
            yield held

    @staticmethod
    def _joined(first: Token, second: Token, joined: str) -> Iterator[Token]:
        parts = [first.copy(), second.copy()] if first.mode != "query" else []
        first.text = joined
        if first.chars:
            first.endchar = second.endchar
        yield first
        for part in parts:
            if part.positions:
                part.pos = first.pos
            yield part


class SpellingFilter(Filter):
    """Respell American forms the British way (see `british`)."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for token in tokens:
            token.text = _respell(token.text)
            yield token


class VariantFilter(Filter):
    """Replace each known variant with its canonical form."""

    def __init__(self, variants: dict[str, str] | None = None) -> None:
        self.variants = variants if variants is not None else load_variants()

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        variants = self.variants
        for token in tokens:
            token.text = variants.get(token.text, token.text)
            yield token


def news_analyzer() -> Analyzer:
    """The analyzer for titles, summaries and kinds (see the module docstring)."""
    variants = read_variants()
    # Stop words go before compounds: StopFilter renumbers positions, and the
    # parts of a compound must keep the position of the joined form.
    return (RegexTokenizer(TOKEN_PATTERN) | LowercaseFilter() | FoldFilter()
            | StopFilter(stoplist=STOP_WORDS, minsize=1) | CompoundFilter(frozenset(variants.words))
            | JoinFilter(variants.joins) | SpellingFilter() | VariantFilter(variants.words)
            | StemFilter(ignore=variants.canonical, cachesize=50000))


def analyze(text: str, mode: str = "query") -> list[str]:
    """The index terms of `text` as the news analyzer gives them (for tests and tools)."""
    return [token.text for token in _analyzer()(text, mode=mode)]


@lru_cache(maxsize=1)
def _analyzer() -> Analyzer:
    return news_analyzer()


def exact_analyzer() -> Analyzer:
    """Literal words for the "exact words" switch: split and lower-cased, nothing else.

    Hyphenated and apostrophe compounds stay one word ("co-operative").
    """
    return RegexTokenizer(TOKEN_PATTERN) | LowercaseFilter()
