"""Analyzers: how titles, summaries and queries become index terms.

The chain, in order:

    tokenizer     words, keeping hyphenated and apostrophe compounds whole
                  ("co-operators", "jeun'ess", "ILO’s")
    lowercase
    fold          accents and special letters to ASCII ("Şanlıurfa" -> "sanliurfa")
    stop words    a short list; "us", "it" and "may" are words here
    compounds     "co-operators" -> "cooperators" (+ "co", "operators" at the same
                  position when indexing, so "self help" finds "self-help");
                  curly and straight apostrophes alike; possessive 's dropped
    variants      word families from data/variants.txt to one canonical form
                  ("coops", "co-operators" -> "cooperative"; "labor" -> "labour")
    stemming      Porter, except for the canonical forms, which stay as they are
                  (so "cooperation" does not meet "cooperative")
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from whoosh.analysis import (Analyzer, Filter, LowercaseFilter, RegexTokenizer, StemFilter,
                             StopFilter, Token)

from corpus.model import fold

DATA_DIR = Path(__file__).resolve().parent / "data"
TOKEN_PATTERN = re.compile(r"\w+(?:['\u2019\u2010\-]\w+)*", re.UNICODE)
STOP_WORDS = frozenset("a an and are as at be by for from in is of on or the to with".split())
_JOINERS = re.compile(r"['\u2019\u2010\-]")


@lru_cache(maxsize=1)
def load_variants(path: Path = DATA_DIR / "variants.txt") -> dict[str, str]:
    """Map each variant (and each canonical form) to its canonical form."""
    mapping: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        canonical, sep, variants = line.partition(":")
        if not sep:
            raise ValueError(f"{path}:{number}: expected 'canonical: variant, variant'")
        canonical = canonical.strip().lower()
        mapping[canonical] = canonical
        for variant in variants.split(","):
            if variant.strip():
                mapping[variant.strip().lower()] = canonical
    return mapping


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
    matches and a search for a single part finds the compound.
    """

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for token in tokens:
            text = token.text
            if not _JOINERS.search(text):
                yield token
                continue
            if re.search(r"['\u2019]s$", text):
                text = text[:-2]
            parts = [part for part in _JOINERS.split(text) if part]
            token.text = "".join(parts)
            yield token
            if token.mode != "query" and len(parts) > 1:
                start = token.startchar if token.chars else None
                for part in parts:
                    if len(part) < 2:
                        continue
                    token.text = part
                    if start is not None:
                        found = text.find(part)
                        token.startchar = start + max(found, 0)
                        token.endchar = token.startchar + len(part)
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
    protected = frozenset(load_variants().values())
    # Stop words go before compounds: StopFilter renumbers positions, and the
    # parts of a compound must keep the position of the joined form.
    return (RegexTokenizer(TOKEN_PATTERN) | LowercaseFilter() | FoldFilter()
            | StopFilter(stoplist=STOP_WORDS, minsize=1) | CompoundFilter() | VariantFilter()
            | StemFilter(ignore=protected, cachesize=50000))


def exact_analyzer() -> Analyzer:
    """Literal words for the "exact words" switch: split and lower-cased, nothing else.

    Hyphenated and apostrophe compounds stay one word ("co-operative").
    """
    return RegexTokenizer(TOKEN_PATTERN) | LowercaseFilter()
