"""Top terms: the words and two-word phrases a result set holds more than the corpus does.

For a result set S of a corpus of N live items, each word (and each pair of
words standing together) is counted in items, not occurrences: `a` items of S
hold it, `b` of the rest R (N - S). How surprising `a` is, is Dunning's
log-likelihood G² over the 2x2 table (S or R) x (holds it or not); only terms
S holds more often than R are kept, and they come most surprising first. With
each comes its effect size, the log ratio (Hardie 2014): log2 of its share in S
over its share in R (a zero count taken as 0.5), since with a large set a small
difference is already "significant". G² above 3.84 means p < 0.05 for one
test, above 10.83 p < 0.001; with thousands of terms tested, read the top of
the list, not the threshold.

Counting items, not occurrences, keeps one long item that repeats a word from
making it a topic, and makes the counts those of a search: "in 40 of 169
items" is what adding the word to the query finds (the words are index terms,
see `postings.termlists`). The query's own words are left out (every item of
S holds them).

`terms_by_period` does the same per year, quarter or month of the set, each
period against the rest of the set ("what was new in 2021" among the items
about cooperatives), or against the rest of the corpus when the set is the
whole corpus.

Costs: one pass over the term ids of S's items (or of the rest, when S is more
than half the corpus: the corpus counts are stored) and a vector operation
over the lexicon; `benchmarks/terms.py` measures it at 100k items.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from search.build.store import IndexOutdated
from search.engine.core import Engine, Matches
from search.postings import termlists
from search.postings.termlists import TermLists
from search.query.parsing import field_terms
from search.query.request import InputError, SearchRequest
from search.research.timeline import GRANULARITIES, period_label

DEFAULT_LIMIT = 25
MAX_LIMIT = 200
MAX_PERIODS = 60
PERIOD_LIMIT = 10
SIGNIFICANT = 3.84  # G² for p < 0.05 with one degree of freedom
SMALL_SET = 100     # sets up to this size need a term in 2 items, larger ones in 3


@dataclass(frozen=True, slots=True)
class KeyTerm:
    """One word or phrase over-represented in a set, with its counts in items."""

    text: str         # as items most often write it: "solidarity economy"
    query: str        # what adding it to a query adds: 'solidarity', '"solidarity economy"'
    phrase: bool
    in_set: int       # items of the set holding it
    in_whole: int     # items of the whole holding it: the corpus (or, per period, the set)
    g2: float         # log-likelihood against the rest of the whole
    log_ratio: float  # log2(share in the set / share in the rest)

    def to_dict(self) -> dict[str, object]:
        return {"text": self.text, "query": self.query, "phrase": self.phrase,
                "in_set": self.in_set, "in_whole": self.in_whole,
                "g2": round(self.g2, 2), "log_ratio": round(self.log_ratio, 3)}


@dataclass(frozen=True, slots=True)
class TopTerms:
    """The top terms of one set, and what they were measured against."""

    set_items: int
    reference_items: int          # the items compared with: the rest of the whole
    whole_items: int
    whole: str                    # "corpus", or "results" for a period of the results
    words: list[KeyTerm]
    phrases: list[KeyTerm]
    searched: list[str] = field(default_factory=list)  # the query's own words, left out
    note: str = ""

    def to_dict(self) -> dict[str, object]:
        return {"set_items": self.set_items, "reference_items": self.reference_items,
                "whole_items": self.whole_items, "whole": self.whole,
                "searched": self.searched,
                "note": self.note, "words": [t.to_dict() for t in self.words],
                "phrases": [t.to_dict() for t in self.phrases]}


@dataclass(frozen=True, slots=True)
class PeriodTerms:
    """The top terms of the set's items in one period, against the rest of the set."""

    period: str       # "2021", "2021-Q2", "2021-03"
    terms: TopTerms

    def to_dict(self) -> dict[str, object]:
        return {"period": self.period, **self.terms.to_dict()}


def g2_scores(a: np.ndarray, set_size: int, b: np.ndarray, rest_size: int) -> np.ndarray:
    """Dunning's G² of each term held by `a` of `set_size` items and `b` of `rest_size`
    others, over the four cells of the 2x2 table (0 where there is nothing to compare)."""
    total = set_size + rest_size
    if not set_size or not rest_size:
        return np.zeros(len(a))
    a, b = a.astype(np.float64), b.astype(np.float64)
    held = a + b
    cells = ((a, set_size * held / total), (b, rest_size * held / total),
             (set_size - a, set_size * (total - held) / total),
             (rest_size - b, rest_size * (total - held) / total))
    score = np.zeros(len(a))
    for observed, expected in cells:
        positive = observed > 0
        score[positive] += observed[positive] * np.log(observed[positive] / expected[positive])
    return 2 * score


def log_ratios(a: np.ndarray, set_size: int, b: np.ndarray, rest_size: int) -> np.ndarray:
    """log2 of each term's share of the set over its share of the rest (zeros as 0.5)."""
    a = np.where(a > 0, a, 0.5).astype(np.float64)
    b = np.where(b > 0, b, 0.5).astype(np.float64)
    return np.log2((a / max(set_size, 1)) / (b / max(rest_size, 1)))


def min_items_for(set_size: int) -> int:
    return 2 if set_size <= SMALL_SET else 3


def check_limit(limit: int, name: str = "limit") -> int:
    if not 1 <= limit <= MAX_LIMIT:
        raise InputError(f"{name} must be from 1 to {MAX_LIMIT}", name)
    return limit


def top_terms(engine: Engine, request: SearchRequest, limit: int = DEFAULT_LIMIT,
              min_items: int | None = None) -> TopTerms:
    """The words and phrases the request's result set holds more than the rest of the
    corpus, most surprising first (InputError for a bad request or limit)."""
    check_limit(limit)
    matches = engine.match(request)
    lists = term_lists(matches)
    docs = matches.array
    live = live_docs(matches)
    words_in = counts_in(lists, docs, live, "word")
    pairs_in = counts_in(lists, docs, live, "pair")
    return _ranked(lists, matches, docs, words_in, pairs_in, lists.word_df, lists.pair_df,
                   len(live), limit, min_items, "corpus")


def terms_by_period(engine: Engine, request: SearchRequest, by: str = "year",
                    limit: int = PERIOD_LIMIT,
                    min_items: int | None = None) -> list[PeriodTerms]:
    """The top terms of each period of the result set, against the rest of the set (or of
    the corpus, when the set is all of it), periods in date order."""
    if by not in GRANULARITIES:
        raise InputError(f"unknown period '{by[:20]}': use year, quarter or month", "by")
    check_limit(limit)
    matches = engine.match(request)
    lists = term_lists(matches)
    docs = matches.array
    live = live_docs(matches)
    whole = len(docs) == len(live)
    if whole:
        reference_words, reference_pairs = lists.word_df, lists.pair_df
    else:
        reference_words = counts_in(lists, docs, live, "word")
        reference_pairs = counts_in(lists, docs, live, "pair")
    periods = period_keys(matches.view.columns.days[docs].astype(np.int64), by)
    found = np.unique(periods)
    if len(found) > MAX_PERIODS:
        raise InputError(f"the results span {len(found)} {by}s; at most {MAX_PERIODS} are "
                         "compared at once: choose a coarser period or a shorter date range",
                         "by")
    out = []
    for key in found.tolist():
        inside = docs[periods == key]
        words = lists.word_counts(inside)
        pairs = lists.pair_counts(inside)
        terms = _ranked(lists, matches, inside, words, pairs, reference_words,
                        reference_pairs, len(docs), limit, min_items,
                        "corpus" if whole else "results")
        out.append(PeriodTerms(period_label(key, by), terms))
    return out


def period_keys(days: np.ndarray, by: str) -> np.ndarray:
    """`timeline.period_key` of each day (YYYYMMDD), for a whole array at once."""
    year, month = days // 10000, days // 100 % 100
    if by == "year":
        return year
    if by == "quarter":
        return year * 10 + (month - 1) // 3 + 1
    return year * 100 + month


def term_lists(matches: Matches) -> TermLists:
    """The term lists of the index version `matches` were found in (IndexOutdated, which
    says to rebuild, for an index built without them)."""
    view = matches.view
    segments = [(leaf.segment().segment_id(), leaf.doc_count_all())
                for leaf, _ in view.reader.leaf_readers()]
    found = termlists.load(view.generation.path, segments)
    if found is None:
        raise IndexOutdated(f"the index at {view.generation.path.parent} has no term lists "
                            "(it was built by an older version, or they are damaged): "
                            "rebuild it with `news-search index`")
    return found


def live_docs(matches: Matches) -> np.ndarray:
    return np.flatnonzero(matches.view.evaluator().live_mask())


def counts_in(lists: TermLists, docs: np.ndarray, live: np.ndarray, kind: str) -> np.ndarray:
    """How many of `docs` hold each word (or pair): counted over the smaller of the set
    and the rest of the live items (the corpus counts are stored)."""
    count = lists.word_counts if kind == "word" else lists.pair_counts
    if len(docs) <= len(live) // 2:
        return count(docs)
    rest = np.setdiff1d(live, docs, assume_unique=True)
    total = lists.word_df if kind == "word" else lists.pair_df
    return total.astype(np.int64) - count(rest)


def _searched_ids(lists: TermLists, matches: Matches) -> tuple[list[int], list[str]]:
    """The word ids and shown forms of the query's own words (left out of the lists)."""
    if matches.parsed is None:
        return [], []
    reader = matches.view.reader
    terms: set[str] = set()
    for name in ("title", "summary", "body"):
        if name in matches.view.searcher.schema:
            terms |= field_terms(matches.parsed, reader, name)
    ids = sorted(i for i in (lists.word_id(t) for t in terms) if i is not None)
    return ids, [lists.displays[i] for i in ids]


def _ranked(lists: TermLists, matches: Matches, docs: np.ndarray, words_in: np.ndarray,
            pairs_in: np.ndarray, words_total: np.ndarray, pairs_total: np.ndarray,
            total: int, limit: int, min_items: int | None, whole: str) -> TopTerms:
    """Rank both kinds of term of a set of `len(docs)` items against the other
    `total - len(docs)` items, whose counts are `*_total - *_in`."""
    size = len(docs)
    rest = total - size
    need = min_items if min_items is not None else min_items_for(size)
    searched, shown = _searched_ids(lists, matches)
    note = ""
    if not size:
        note = "No items: nothing to count."
    elif not rest:
        note = (f"These are all {size:,} items of the {whole}: there is nothing to compare "
                "them with, so the terms most items hold come first. Narrow them with "
                "words, dates or a facet, or see each period against the others.")
    exclude_words = np.zeros(len(words_in), bool)
    exclude_words[searched] = True
    pair_words = lists.pair_words
    exclude_pairs = (exclude_words[pair_words[:, 0]] & exclude_words[pair_words[:, 1]]) \
        if len(pair_words) else np.zeros(0, bool)
    words = _best(words_in, words_total, size, rest, need, limit, exclude_words)
    pairs = _best(pairs_in, pairs_total, size, rest, need, limit, exclude_pairs)
    return TopTerms(
        set_items=size, reference_items=rest, whole_items=total, whole=whole,
        searched=shown, note=note,
        words=[KeyTerm(lists.displays[i], lists.displays[i], False, a, c, g, r)
               for i, a, c, g, r in words],
        phrases=[KeyTerm(text := lists.pair_display(i), f'"{text}"', True, a, c, g, r)
                 for i, a, c, g, r in pairs])


def _best(inside: np.ndarray, totals: np.ndarray, size: int, rest: int, need: int,
          limit: int, exclude: np.ndarray) -> list[tuple[int, int, int, float, float]]:
    """(id, in set, in the whole, G², log ratio) of the `limit` terms with the highest G²
    among those over-represented in the set (G² of at least 3.84) and held by at least
    `need` of its items."""
    if not size or not len(inside):
        return []
    inside = inside.astype(np.int64)
    candidates = np.flatnonzero((inside >= need) & ~exclude)
    if not len(candidates):
        return []
    a = inside[candidates]
    held = totals[candidates].astype(np.int64)
    b = held - a
    if rest:
        over = a * rest > b * size
        candidates, a, b, held = candidates[over], a[over], b[over], held[over]
        scores = g2_scores(a, size, b, rest)
        ratios = log_ratios(a, size, b, rest)
        # Only what could hardly be chance (p < 0.05 for one term): a list of noise is
        # worse than a short list.
        sure = scores >= SIGNIFICANT
        candidates, a, held, scores, ratios = (candidates[sure], a[sure], held[sure],
                                               scores[sure], ratios[sure])
    else:  # the whole corpus: most items first, nothing to measure against
        scores = np.zeros(len(a))
        ratios = np.zeros(len(a))
    order = np.lexsort((candidates, -a, -scores))[:limit]
    return [(int(candidates[i]), int(a[i]), int(held[i]), float(scores[i]),
             float(ratios[i]) if math.isfinite(ratios[i]) else 0.0) for i in order]
