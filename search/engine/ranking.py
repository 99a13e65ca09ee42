"""The order of a result set: by relevance, by date, or a seeded random sample.

Relevance is Whoosh's BM25F: computed a posting list at a time by the
evaluator (`postings.evaluator`) for the matched documents only, or, for a
tree it does not score, by Whoosh's own top-k search. Ties always go to the
newer item, then to the lower document number (`by_score`, the one tie-break
rule). Date order is the columns' (`Columns.first_by_date`): the index's date
order walked until it has the page's worth of matches (many matches), or the
day column read at the matched documents and only the page's worth sorted.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable

import numpy as np
from whoosh import query as wq
from whoosh.scoring import BM25F

from search.engine.matching import Matches
from search.postings.columns import Columns
from search.postings.docsets import ids_of, kept
from search.postings.evaluator import Evaluator
from search.query.request import SearchRequest

SPARE = 10  # extra hits fetched from Whoosh so that a tie across the page edge orders right
# Past this many matches for each place on the page, the bonus of words standing
# together is checked only where it can matter (`_best_with_bonus`).
PRUNE_FROM = 4
SEEDS = 4  # documents scored for the floor of MaxScore, per place wanted
# A bonus for words standing together is checked for SEEDS documents per place first, to
# raise the floor, where more than SEEDED_FROM times as many could place.
SEEDED_FROM = 128
# MaxScore costs a few passes of its own (the floor, the bounds): fewer matches than this
# are scored whole (at 1M items, CPU time: 703,301 matches 19.4 -> 11.0 ms, 290k-ish with
# the bonus of words standing together even, 50k-80k 1.2-1.8 -> 1.7-2.5 ms).
MAXSCORE_FROM = 100_000

Ranked = list[tuple[int, float | None]]


def best_first(docs: np.ndarray, scores: np.ndarray, columns: Columns) -> np.ndarray:
    """The order of (docs, scores) best first: the higher score, then the newer item, then
    the lower document number. The one tie-break rule of every relevance order."""
    return np.lexsort((docs, -columns.days[docs].astype(np.int64), -scores))


def by_score(pairs: Iterable[tuple[int, float]], columns: Columns) -> list[tuple[int, float]]:
    """(document, score) pairs best first (`best_first`)."""
    pairs = list(pairs)
    if not pairs:
        return []
    docs = np.fromiter((d for d, _ in pairs), np.int64, len(pairs))
    scores = np.fromiter((s for _, s in pairs), np.float64, len(pairs))
    return [pairs[i] for i in best_first(docs, scores, columns).tolist()]


def ranked(matches: Matches, request: SearchRequest, offset: int, count: int) -> Ranked:
    """The (document number, score) pairs at positions offset..offset+count of the
    request's order; the score is None in date or random order."""
    docs = matches.array
    wanted = offset + count
    if not len(docs) or count <= 0:
        return []
    parsed = matches.parsed
    columns = matches.view.columns
    sort = request.effective_sort
    if sort == "relevance" and parsed is not None:
        return _by_relevance(matches, wanted)[offset:wanted]
    if sort == "random":
        # hash() of a tuple of ints is the same in every run (no hash salt for
        # ints), so a seed gives the same sample for the same index generation.
        seed = request.seed
        top = heapq.nsmallest(wanted, docs.tolist(), key=lambda d: (hash((seed, d)), d))
    else:
        top = columns.first_by_date(docs, wanted, "oldest" if sort == "oldest" else "newest",
                                    matches.dates)
    return [(docnum, None) for docnum in top[offset:]]


def first(matches: Matches, request: SearchRequest, limit: int) -> list[int]:
    """The document numbers of the first `limit` matches in the request's order."""
    return [docnum for docnum, _ in ranked(matches, request, 0, max(limit, 1))]


def top_scored(evaluator: Evaluator, parsed: wq.Query, docs: np.ndarray, columns: Columns,
               wanted: int) -> list[tuple[int, float]] | None:
    """The best `wanted` of `docs` (ascending document numbers, all matching `parsed`)
    with their BM25F scores, best first, and everything tied with the last of them;
    computed a posting list at a time. None when the evaluator cannot score `parsed`
    as Whoosh would."""
    if not (evaluator.scorable(parsed) and isinstance(evaluator.searcher.weighting, BM25F)):
        return None
    if len(docs) >= MAXSCORE_FROM and len(docs) > PRUNE_FROM * wanted:
        docs = _may_place(evaluator, parsed, docs, wanted)
    bound = _bonus_bound(parsed)
    if bound is not None and len(docs) > PRUNE_FROM * wanted:
        docs, scores = _best_with_bonus(evaluator, parsed, bound, docs, wanted)
    else:
        scores = evaluator.scores_of(parsed, docs)
        if len(docs) > wanted:
            # Everything tied with the last place, so ties order by date.
            cut = np.partition(scores, len(scores) - wanted)[len(scores) - wanted]
            keep = scores >= cut
            docs, scores = kept(docs, keep), kept(scores, keep)
    order = best_first(docs, scores, columns)
    return list(zip(docs[order].tolist(), scores[order].tolist()))


def _weights(node: wq.Query, scale: float, into: dict[tuple[str, str | bytes], float]) -> bool:
    """Add to `into` each term's weight in the score of `node` (times `scale`): a
    document's score is at most the sum of its terms' unboosted scores times their
    weights, since every score is a sum of its terms' boosted scores (where a phrase or
    the second part of an AND MAYBE matches, else nothing) and none is negative. False
    for a node this does not bound (the tree is then scored whole)."""
    kind = type(node)
    if kind is wq.Term:
        key = (node.fieldname, node.text)
        into[key] = into.get(key, 0.0) + scale * node.boost
        return True
    if kind is wq.Or or kind is wq.And:
        return all(_weights(child, scale * node.boost, into) for child in node.subqueries)
    if kind is wq.AndMaybe:  # (its own boost is not applied: BinaryQuery.matcher)
        return _weights(node.a, scale, into) and _weights(node.b, scale, into)
    if kind is wq.Phrase:  # its words' scores, unboosted, where it matches
        return all(_weights(wq.Term(node.fieldname, word), scale * node.boost, into)
                   for word in node.words)
    return False


def _may_place(evaluator: Evaluator, parsed: wq.Query, docs: np.ndarray,
               wanted: int) -> np.ndarray:
    """Those of `docs` that may be among the best `wanted` (or tie with the last of
    them): the others are never scored (MaxScore, Turtle and Flood 1995).

    Each term gets a bound on what it can add to a score (its weight times the most it
    scores in any document, `Evaluator.term_bound`). The exact scores of a few likely
    documents (the best of the strongest term's) give a floor: the `wanted`-th best of
    them is at most the `wanted`-th best of all. The weakest terms whose bounds add up to
    less than the floor cannot place a document alone; a document can place only if the
    other terms' own scores in it, with those bounds, reach the floor. Those documents
    are scored as before, exactly."""
    weights: dict[tuple[str, str | bytes], float] = {}
    if len(docs) <= wanted or not _weights(parsed, 1.0, weights) or min(weights.values()) <= 0:
        return docs  # (a negative weight would make the sum of bounds no bound)
    bounds = sorted(((weight * evaluator.term_bound(field, text), (field, text))
                     for (field, text), weight in weights.items()), key=lambda pair: pair[0])
    # The floor: the exact scores of the documents where the strongest term scores most
    # (without a bonus for words standing together: never negative, so what a document
    # scores without it is at most what it scores).
    boosts = _bonus_boosts(parsed)
    plain = parsed.a if boosts is not None else parsed
    count = min(len(docs), SEEDS * wanted)

    def floor_from(likely: np.ndarray) -> float:
        """The `wanted`-th best exact score of the `count` documents `likely` rates best."""
        seeds = np.sort(docs[_highest(likely, count)])
        return _kth_best(evaluator.scores_of(plain, seeds), wanted)

    floor = floor_from(evaluator.scores_of(wq.Term(*bounds[-1][1]), docs))
    weak, total = 0, 0.0
    while weak < len(bounds) and total + bounds[weak][0] < floor:
        total += bounds[weak][0]
        weak += 1
    if not weak:
        return docs
    # A document's score is at most its strong terms' own scores (weighted) and the
    # bounds of the weak ones: only those whose sum reaches the floor can place. With a
    # bonus for words standing together, the strong terms weigh what they do in the
    # words' score, and their share of a phrase's bonus counts only where the phrase's
    # words all are when they are all strong (the weak ones' share is in their bounds).
    chosen = {key for _, key in bounds[weak:]}
    own_weights = weights
    if boosts is not None:
        own_weights = {}
        _weights(parsed.a, 1.0, own_weights)  # (an AndMaybe: _bonus_boosts says so)
    strong: list[wq.Query] = [wq.Term(field, text, boost=own_weights[(field, text)])
                              for field, text in chosen if own_weights.get((field, text))]
    for (field, words), boost in (boosts or {}).items():
        terms = [wq.Term(field, word) for word in words]
        if all((field, word) in chosen for word in words):
            strong.append(wq.And(terms, boost=boost))
        else:
            strong.extend(wq.Term(field, word, boost=boost)
                          for word in words if (field, word) in chosen)
    most = evaluator.scores_of(wq.Or(strong), docs) * (1 + 1e-9) + total
    # A higher floor: the exact scores of the documents whose bounds are highest.
    floor = max(floor, floor_from(most))
    keep = most >= floor
    return kept(docs, keep) if not keep.all() else docs


def _highest(values: np.ndarray, count: int) -> np.ndarray:
    """The places of `count` of the highest `values` (at most as many as there are), in
    no order: those above the lowest value partitioned apart, filled up with places of
    the lowest (a bound is its lowest at most documents, a term's score 0 at most: at
    10M items, 257k values of which some thousands above it, 0.65 -> 0.2 ms)."""
    lowest = values.min() if len(values) else 0.0
    above = np.flatnonzero(values > lowest)
    if len(above) > count:
        return above[np.argpartition(-values[above], count - 1)[:count]]
    if len(above) == count:
        return above
    rest = np.flatnonzero(values == lowest)[:count - len(above)]
    return np.concatenate([above, rest])


def _kth_best(values: np.ndarray, k: int) -> float:
    """The `k`-th largest of `values` (at least `k` of them)."""
    return float(np.partition(values, len(values) - k)[len(values) - k])


def _bonus_bound(parsed: wq.Query) -> wq.Query | None:
    """For words with a bonus where they stand together (`a ANDMAYBE phrases`, see
    `query.expansion.add_proximity`): a query whose score is at least the bonus of every
    document. A phrase scores the sum of its words' scores where it matches, so the
    words' scores wherever they are all in its field bound it; phrases of the same words
    in the same field (near, and next to each other) are bounded together, by the sum of
    their boosts, a little more for rounding."""
    boosts = _bonus_boosts(parsed)
    if boosts is None:
        return None
    return wq.Or([wq.And([wq.Term(field, w) for w in words], boost=boost * (1 + 1e-9))
                  for (field, words), boost in boosts.items()])


def _bonus_boosts(parsed: wq.Query) -> dict[tuple[str, tuple[str, ...]], float] | None:
    """The summed boosts of the phrases of a bonus for words standing together, per
    field and words (None: `parsed` is no such query)."""
    if not isinstance(parsed, wq.AndMaybe):
        return None
    phrases = list(parsed.b.subqueries) if type(parsed.b) is wq.Or else [parsed.b]
    if not phrases or not all(type(p) is wq.Phrase and p.words for p in phrases):
        return None
    boosts: dict[tuple[str, tuple[str, ...]], float] = {}
    for phrase in phrases:
        key = (phrase.fieldname, tuple(phrase.words))
        boosts[key] = boosts.get(key, 0.0) + phrase.boost
    return boosts


def _best_with_bonus(evaluator: Evaluator, parsed: wq.AndMaybe, bound: wq.Query,
                     docs: np.ndarray, wanted: int) -> tuple[np.ndarray, np.ndarray]:
    """The documents whose exact score reaches the `wanted`-th best, and those scores,
    with the phrases checked only where they can matter.

    Every document gets its words' score (`a`) and a bound on its bonus. A bonus is
    never negative, so the `wanted`-th best exact score is at least the `wanted`-th best
    of the words' own: a document whose bound is below that cannot place. The bonus
    itself (the phrases, positions compared) is worked out for all the others at once
    (each pass over the phrases costs a fixed part, whatever the documents), and the
    answer is the one scoring every document would give."""
    base = evaluator.scores_of(parsed.a, docs)
    best_possible = base + evaluator.scores_of(bound, docs)
    floor = _kth_best(base, wanted)
    todo = ids_of(best_possible >= floor)  # at least `wanted`: bound >= exact
    count = SEEDS * wanted
    if len(todo) > max(SEEDED_FROM, 1) * count:
        # A higher floor: the exact scores of the few whose bounds are highest (the
        # `wanted`-th best of some documents' exact scores is at most the `wanted`-th
        # best of all); a pass over the phrases costs a fixed part, so only where many
        # are left. At 10M items, two common words: 228,641 documents' phrases
        # checked -> 80 and then 479.
        seeds = np.sort(todo[np.argpartition(-best_possible[todo], count - 1)[:count]])
        seeded = _kth_best(base[seeds] + evaluator.scores_of(parsed.b, docs[seeds]), wanted)
        if seeded > floor:
            todo = kept(todo, best_possible[todo] >= seeded)  # (the seeds at it among them)
    exact = base[todo] + evaluator.scores_of(parsed.b, docs[todo])
    cut = _kth_best(exact, wanted)
    keep = exact >= cut
    return docs[kept(todo, keep)], kept(exact, keep)


def _by_relevance(matches: Matches, wanted: int) -> Ranked:
    view, evaluator, parsed = matches.view, matches.evaluator, matches.parsed
    assert parsed is not None
    docs, columns, searcher = matches.array, view.columns, view.searcher
    fast = top_scored(evaluator, parsed, docs, columns, wanted)
    if fast is not None:
        return list(fast)
    # Whoosh's own top-k, restricted to the filtered documents when a filter removed
    # some; a tie that runs past what was fetched is ordered from all of it.
    allow = set(docs.tolist()) if matches.filtered else None
    results = searcher.search(parsed, filter=allow, limit=wanted + SPARE)
    pairs = [(hit.docnum, hit.score) for hit in results]
    if len(pairs) == wanted + SPARE and pairs[-1][1] == pairs[wanted - 1][1]:
        pairs = [(hit.docnum, hit.score)
                 for hit in searcher.search(parsed, filter=allow, limit=None)]
    return list(by_score(pairs, columns))
