"""Co-occurrence: the words that come in the same items as the query's, and with each other.

For a query, the set S is the items matching it under the request's dates and
facets, and the scope the items under those filters alone. A word `w` held by
`f_w` items of the scope co-occurs with the query in `f_qw` items of S; how
strongly is measured by logDice (Rychlý 2008, as Sketch Engine does):
14 + log2(2 f_qw / (|S| + f_w)). It is 14 when the word is in exactly the
items of S, drops by one each time the overlap halves, and does not grow with
the size of the corpus (unlike raw counts, which favour words that are
everywhere, or pointwise mutual information, which favours words in two
items). Words in at least two items of S come, strongest first, with their
counts.

The table then crosses the query's own words and the strongest co-occurring
words: each cell is the number of items of S that hold both (the diagonal:
items of S holding the word), a small matrix a researcher can export.

Counts are items, and words are index terms, as for top terms
(`postings.termlists`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from search.engine.core import Engine
from search.query.parsing import field_terms
from search.query.request import InputError, SearchRequest
from search.research.terms import check_limit, counts_in, live_docs, term_lists

DEFAULT_LIMIT = 25
DEFAULT_TABLE = 10   # co-occurring words in the table, besides the query's own
MAX_TABLE = 30
MAX_QUERY_WORDS = 8  # of the query's own words in the table


@dataclass(frozen=True, slots=True)
class CoTerm:
    """A word in the same items as the query, with its counts in items."""

    text: str
    query: str        # what adding it to the query adds
    with_query: int   # items of the set holding it
    in_scope: int     # items under the same dates and facets holding it
    log_dice: float

    @property
    def share(self) -> float:
        """Of the items holding it under the filters, the share that match the query."""
        return self.with_query / self.in_scope if self.in_scope else 0.0

    def to_dict(self) -> dict[str, object]:
        return {"text": self.text, "query": self.query, "with_query": self.with_query,
                "in_scope": self.in_scope, "share": round(self.share, 4),
                "log_dice": round(self.log_dice, 3)}


@dataclass(frozen=True, slots=True)
class Cooccurrence:
    """The words co-occurring with a query, and the table of the strongest with each other."""

    query: str
    set_items: int
    scope_items: int
    query_words: list[str]
    terms: list[CoTerm]
    labels: list[str] = field(default_factory=list)   # the table's rows and columns
    counts: list[list[int]] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {"query": self.query, "set_items": self.set_items,
                "scope_items": self.scope_items, "query_words": self.query_words,
                "terms": [t.to_dict() for t in self.terms],
                "table": {"labels": self.labels, "counts": self.counts}}


def log_dice(both: np.ndarray, first: int, second: np.ndarray) -> np.ndarray:
    """logDice of pairs held together by `both` items, `first` and `second` items alone."""
    total = first + second.astype(np.float64)
    with np.errstate(divide="ignore"):
        return 14 + np.log2(np.where(total > 0, 2 * both / np.maximum(total, 1), 0))


def cooccurrence(engine: Engine, request: SearchRequest, limit: int = DEFAULT_LIMIT,
                 table: int = DEFAULT_TABLE) -> Cooccurrence:
    """The words co-occurring with the request's query under its filters, strongest first,
    and their table (InputError without a query, or for a limit out of range)."""
    if not request.query:
        raise InputError("co-occurrence needs words to start from: type a query", "q")
    check_limit(limit)
    if not 1 <= table <= MAX_TABLE:
        raise InputError(f"table must be from 1 to {MAX_TABLE} words", "table")
    matches = engine.match(request)
    lists = term_lists(matches)
    docs = matches.array
    live = live_docs(matches)
    allowed = matches.allowed  # (made when asked for: once)
    if allowed is None:
        scope_size, in_scope = len(live), lists.word_df.astype(np.int64)
    else:
        scope = np.intersect1d(live, np.flatnonzero(allowed), assume_unique=True)
        scope_size, in_scope = len(scope), counts_in(lists, scope, live, "word")
    with_query = lists.word_counts(docs) if len(docs) else np.zeros(len(lists.word_df),
                                                                      np.int64)
    own = _query_word_ids(lists, matches)
    candidates = np.flatnonzero(with_query >= 2)
    candidates = candidates[~np.isin(candidates, own)]
    scores = log_dice(with_query[candidates], len(docs), in_scope[candidates])
    order = np.lexsort((candidates, -with_query[candidates], -scores))[:limit]
    terms = [CoTerm(text=lists.displays[int(i)], query=lists.displays[int(i)],
                    with_query=int(with_query[i]), in_scope=int(in_scope[i]),
                    log_dice=float(s) if math.isfinite(s) else 0.0)
             for i, s in zip(candidates[order].tolist(), scores[order].tolist())]
    chosen = own[:MAX_QUERY_WORDS] + [int(i) for i in candidates[order][:table]]
    return Cooccurrence(query=request.query, set_items=len(docs), scope_items=scope_size,
                        query_words=[lists.displays[i] for i in own], terms=terms,
                        labels=[lists.displays[i] for i in chosen],
                        counts=_table(lists, docs, chosen))


def _query_word_ids(lists, matches) -> list[int]:  # type: ignore[no-untyped-def]
    """The word ids of the query as typed (before synonyms were added), in id order."""
    reading = matches.reading
    if reading is None:
        return []
    schema = matches.view.searcher.schema
    # As typed; a word no item holds was searched as another (respelt): take those then.
    for query in (reading.typed, reading.searched):
        terms: set[str] = set()
        for name in ("title", "summary", "body"):
            if name in schema:
                terms |= field_terms(query, matches.view.reader, name)
        found = sorted(i for i in (lists.word_id(t) for t in terms) if i is not None)
        if found:
            return found
    return []


def _table(lists, docs: np.ndarray, chosen: list[int]) -> list[list[int]]:  # type: ignore[no-untyped-def]
    """Items of `docs` holding both words, for every two of `chosen` (a square matrix)."""
    if not chosen:
        return []
    position = np.full(len(lists.word_df), -1, np.int64)
    position[chosen] = np.arange(len(chosen))
    lengths = lists.word_offsets[docs + 1] - lists.word_offsets[docs]
    owner = np.repeat(np.arange(len(docs)), lengths)
    where = position[lists.words_of(docs)]
    held = where >= 0
    matrix = np.zeros((len(docs), len(chosen)), np.int32)
    matrix[owner[held], where[held]] = 1
    return (matrix.T @ matrix).tolist()
