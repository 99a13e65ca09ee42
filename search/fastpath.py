"""Match and score queries straight from posting blocks: the fast path of a search.

Whoosh matches and scores one document at a time through a tree of Python
matcher objects (`docs_for_query`, `search`): at 100k items a common word
costs a quarter of a second to match and as much again to rank. Here a query
is evaluated a whole posting list at a time instead:

- a `Term` reads its posting blocks whole (`postings.py`) and keeps them in
  a bounded per-index-version cache, so a page, the next page and a facet
  click read each list once;
- `And`, `Or`, `Not`, `AndNot`, `AndMaybe`, `Prefix`/`Wildcard` and
  `Phrase` (positions checked only where all the words occur) are set
  algebra over those lists; any other node is matched by Whoosh, for that
  node only;
- scores, for trees of `Term`, `And`, `Or`, `Phrase`, `Prefix`/`Wildcard` and
  `AndMaybe`, are Whoosh's BM25F with Whoosh's own idf, average field length
  and per-document field lengths, combined as Whoosh's matchers combine them,
  for the filtered documents only; the proximity bonus (`AndMaybe`) is worked
  out best-bound-first for the top of the ranking only. Any other tree is
  ranked by Whoosh itself (`Engine._order` falls back).

`tests/test_perf_equivalence.py` checks hits, totals and scores against
Whoosh's straightforward path.
"""

from __future__ import annotations

import heapq
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from itertools import repeat
from operator import add, mul
from typing import Any

from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.formats import Positions
from whoosh.searching import Searcher

from search.postings import (LENGTH_OF_BYTE, Postings, TermCache, block_ids,
                             decode_positions, read_leaf)

PRELOAD_MAX_DOCS = 5_000  # whoosh.query.Or's threshold for its preloading matcher
SPARSE_SHARE = 8  # phrase positions block by block when candidates < 1/8 of a list
SCORED_NODES = (wq.Term, wq.And, wq.Or, wq.Phrase, wq.Prefix, wq.Wildcard, wq.AndMaybe)


class Evaluator:
    """Evaluate one parsed query against one searcher (one request, one thread)."""

    def __init__(self, searcher: Searcher, cache: TermCache, live: Iterable[int]) -> None:
        self.searcher = searcher
        self.cache = cache
        self._live = live
        self._live_set: set[int] | None = None
        self._docsets: dict[wq.Query, set[int]] = {}
        self._read: dict[tuple[str, bytes], Postings] = {}  # this request's posting lists
        self._blocks: dict[tuple[str, bytes], list[tuple[list[int], tuple[bytes, ...]]]] = {}
        self._sparse: dict[tuple[str, bytes], tuple[set[int], dict[int, list[int]]]] = {}
        self._decoded: dict[tuple[str, bytes, int, int], tuple[list[int], tuple]] = {}
        self._bounds: dict[tuple[str, tuple[bytes, ...], int], dict[int, float]] = {}

    # -- posting lists -------------------------------------------------------------

    def postings(self, field: str, text: str | bytes) -> Postings:
        schema = self.searcher.schema
        if field not in schema:
            return array("I"), array("f")
        try:
            btext = schema[field].to_bytes(text)
        except ValueError:
            return array("I"), array("f")
        key = (field, btext)
        found = self._read.get(key) or self.cache.get(key)
        if found is not None:
            return found
        ids, weights = array("I"), array("f")
        for matcher, offset in self._matchers(field, btext):
            read_leaf(matcher, offset, ids, weights)
        self.cache.put(key, (ids, weights))
        self._read[key] = (ids, weights)
        return ids, weights

    def _matchers(self, field: str, btext: bytes) -> Iterator[tuple[Any, int]]:
        """A posting matcher for the term in each segment that has it, with the
        segment's first document number."""
        for leaf, offset in self.searcher.leaf_searchers():
            reader = leaf.reader()
            if (field, btext) in reader:
                yield reader.postings(field, btext), offset

    def live(self) -> set[int]:
        if self._live_set is None:
            self._live_set = set(self._live)
        return self._live_set

    # -- matching ---------------------------------------------------------------------

    def docs(self, node: wq.Query) -> set[int]:
        """The document numbers matching `node` (a fresh set the caller may change)."""
        return set(self._docs(node))

    def _docs(self, node: wq.Query) -> set[int]:
        found = self._docsets.get(node)  # equal queries match the same documents
        if found is None:
            found = self._docsets[node] = self._match(node)
        return found

    def _match(self, node: wq.Query) -> set[int]:
        if isinstance(node, wq.Term):
            return set(self.postings(node.fieldname, node.text)[0])
        if isinstance(node, wq.And):
            parts = sorted((self._docs(child) for child in node.subqueries
                            if not isinstance(child, wq.Not)), key=len)
            if not parts:
                result = set(self.live())
            else:
                result = parts[0].intersection(*parts[1:])
            for child in node.subqueries:
                if isinstance(child, wq.Not):
                    result -= self._docs(child.query)
            return result
        if isinstance(node, wq.Or) and not getattr(node, "minmatch", 0):
            result: set[int] = set()
            for child in node.subqueries:
                result |= self._docs(child)
            return result
        if isinstance(node, wq.Not):
            return self.live() - self._docs(node.query)
        if isinstance(node, wq.AndNot):
            return self._docs(node.a) - self._docs(node.b)
        if isinstance(node, wq.AndMaybe):
            return set(self._docs(node.a))
        if isinstance(node, (wq.Prefix, wq.Wildcard)) and node.text:
            result = set()
            for btext in node._btexts(self.searcher.reader()):
                result.update(self.postings(node.fieldname, btext)[0])
            return result
        if isinstance(node, wq.Phrase) and node.words:
            return self._phrase(node)
        # Anything else: Whoosh matches this node (deletions included).
        return set(self.searcher.docs_for_query(node))

    def _phrase(self, node: wq.Phrase, within: set[int] | None = None) -> set[int]:
        """Documents with the words in order, each 1..slop positions after the last
        (Whoosh's SpanNear2 with mindist=1), checked only where all words occur."""
        field = node.fieldname
        schema = self.searcher.schema
        if field not in schema or not schema[field].format.supports("positions"):
            return set(self.searcher.docs_for_query(node))
        try:
            btexts = [schema[field].to_bytes(word) for word in node.words]
        except ValueError:
            return set()
        if type(schema[field].format) is not Positions:
            return set(self.searcher.docs_for_query(node))
        if within is None:
            # One pass over each word's blocks: ids and frequencies (cached for
            # scoring) and the encoded positions, kept only for this request.
            for btext in btexts:
                self._blocks_with_positions(field, btext)
        candidates = set.intersection(*(set(self.postings(field, b)[0]) for b in btexts))
        if within is not None:
            candidates &= within
        if not candidates or len(btexts) == 1:
            return candidates
        positions = []
        for btext in btexts:
            if (field, btext) not in self._blocks and (
                    len(candidates) * SPARSE_SHARE < len(self.postings(field, btext)[0])):
                # A few candidates: unpickle only the blocks that hold them.
                positions.append(self._sparse_positions(field, btext, candidates))
                continue
            found: dict[int, list[int]] = {}
            for ids, values in self._blocks_with_positions(field, btext):
                for i, docnum in enumerate(ids):
                    if docnum in candidates:
                        found[docnum] = decode_positions(values[i])
            positions.append(found)
        slop = node.slop
        matched = set()
        for docnum in candidates:
            ends = positions[0][docnum]
            for word in positions[1:]:
                ends = [q for q in word[docnum] if any(1 <= q - e <= slop for e in ends)]
                if not ends:
                    break
            else:
                matched.add(docnum)
        return matched

    def _sparse_positions(self, field: str, btext: bytes,
                          candidates: set[int]) -> dict[int, list[int]]:
        # The same words come in several phrases (slop 1 and slop 4 in the
        # proximity bonus): decode each word's positions once per request.
        known = self._sparse.get((field, btext))
        if known is not None and candidates <= known[0]:
            return known[1]
        ordered = sorted(candidates)
        found: dict[int, list[int]] = {}
        self._sparse[(field, btext)] = (candidates, found)
        for matcher, offset in self._matchers(field, btext):
            if isinstance(matcher, W3LeafMatcher) and not matcher._byteids:
                low = offset
                while matcher.is_active():
                    high = matcher._maxid + offset
                    at = bisect_left(ordered, low)
                    if at < len(ordered) and ordered[at] <= high:
                        key = (field, btext, offset, matcher._dataoffset)
                        decoded = self._decoded.get(key)
                        if decoded is None:
                            block = block_ids(matcher, offset)
                            matcher._read_values()
                            decoded = self._decoded[key] = (block, matcher._values)
                        block, values = decoded
                        for i, docnum in enumerate(block):
                            if docnum in candidates:
                                found[docnum] = decode_positions(values[i])
                    low = high + 1
                    matcher._next_block()
            else:
                while matcher.is_active():
                    docnum = matcher.id() + offset
                    if docnum in candidates:
                        found[docnum] = self.searcher.schema[field].format.decode_positions(
                            matcher.value())
                    matcher.next()
        return found

    def _blocks_with_positions(self, field: str,
                               btext: bytes) -> list[tuple[list[int], tuple[bytes, ...]]]:
        blocks = self._blocks.get((field, btext))
        if blocks is not None:
            return blocks
        blocks = self._blocks[(field, btext)] = []
        ids, weights = array("I"), array("f")
        for matcher, offset in self._matchers(field, btext):
            if isinstance(matcher, W3LeafMatcher) and not matcher._byteids:
                while matcher.is_active():
                    block = block_ids(matcher, offset)
                    matcher._read_weights()
                    matcher._read_values()
                    blocks.append((block, matcher._values))
                    ids.extend(block)
                    weights.extend(matcher._weights)
                    matcher._next_block()
            else:  # deletions: one posting at a time, through Whoosh's filter
                while matcher.is_active():
                    docnum = matcher.id() + offset
                    blocks.append(([docnum], (matcher.value(),)))
                    ids.append(docnum)
                    weights.append(matcher.weight())
                    matcher.next()
        self.cache.put((field, btext), (ids, weights))
        self._read[(field, btext)] = (ids, weights)
        return blocks

    # -- scoring ----------------------------------------------------------------------

    def scorable(self, node: wq.Query) -> bool:
        """Whether `scores` reproduces Whoosh's ranking for this tree."""
        if isinstance(node, wq.Or) and getattr(node, "minmatch", 0):
            return False
        if not isinstance(node, SCORED_NODES) or getattr(node, "scale", None):
            return False
        if isinstance(node, wq.Phrase):
            return bool(node.words)
        if isinstance(node, wq.AndMaybe):
            return self.scorable(node.a) and self.scorable(node.b)
        if isinstance(node, (wq.Prefix, wq.Wildcard)):
            # In an index of at most 5,000 documents Whoosh's Or preloads the
            # expanded words without scores (PreloadedOr), so its ranking differs.
            return bool(node.text) and self.searcher.doc_count_all() > PRELOAD_MAX_DOCS
        return all(self.scorable(child) for child in node.children())

    def scores(self, node: wq.Query, wanted: set[int],
               top: int | None = None) -> dict[int, float]:
        """BM25F score of each document in `wanted` (all of which match `node`).

        With `top`, only the `top` best scores (and ties with the last) are
        guaranteed exact: for `AndMaybe(a, b)` (the proximity bonus), b is
        evaluated only on documents whose a-score plus an upper bound of b's
        (every phrase assumed to match) can still reach the top; the others
        keep their a-score, which is below the cut anyway.
        """
        if top is None or not isinstance(node, wq.AndMaybe) or len(wanted) <= top:
            return self._score(node, wanted)
        scores = self._score(node.a, wanted)
        if len(scores) <= top:
            for docnum, value in self._score(node.b, set(scores)).items():
                scores[docnum] = scores[docnum] + value
            return scores
        # Best bound first, in growing batches, until the next document's bound
        # cannot reach the current last place.
        bound = self._upper(node.b, set(scores))
        order = sorted(scores, key=lambda d: scores[d] + bound.get(d, 0.0), reverse=True)
        done, size = 0, max(4 * top, 64)
        while done < len(order):
            batch = set(order[done:done + size])
            done, size = done + size, size * 2
            for docnum, value in self._score(node.b, batch).items():
                scores[docnum] = scores[docnum] + value
            if done >= len(order):
                break
            cut = heapq.nlargest(top, map(scores.__getitem__, order[:done]))[-1]
            following = order[done]
            margin = abs(cut) * 1e-9  # float sums in another order
            if scores[following] + bound.get(following, 0.0) < cut - margin:
                break
        return scores

    def _upper(self, node: wq.Query, wanted: set[int]) -> dict[int, float]:
        """At least the score `node` gives each document of `wanted` it matches."""
        if isinstance(node, wq.Phrase):
            field = node.fieldname
            schema = self.searcher.schema
            if field not in schema:
                return {}
            try:
                btexts = [schema[field].to_bytes(word) for word in node.words]
            except ValueError:
                return {}
            # Phrases of the same words in the same field (slop 1 and slop 4)
            # share this bound up to their boost: work it out once.
            key = (field, tuple(btexts), id(wanted))
            found = self._bounds.get(key)
            if found is None:
                inside = set(wanted)
                for btext in btexts:
                    inside &= set(self.postings(field, btext)[0])
                words = wq.And([wq.Term(field, word) for word in node.words])
                found = self._bounds[key] = self._score(words, inside)
            scores = found
        elif isinstance(node, wq.Or) and self.scorable(node):
            scores = {}
            for child in node.subqueries:
                part = self._upper(child, wanted)
                merged = {**scores, **part}
                for docnum in scores.keys() & part.keys():
                    merged[docnum] = scores[docnum] + part[docnum]
                scores = merged
        else:
            return self._score(node, wanted)
        if node.boost != 1.0:
            scores = {docnum: value * node.boost for docnum, value in scores.items()}
        return scores

    def _score(self, node: wq.Query, wanted: set[int]) -> dict[int, float]:
        """Scores of the documents in `wanted` that match `node` (others are left out)."""
        if isinstance(node, wq.Term):
            return self._term_scores(node, wanted)
        if isinstance(node, (wq.Prefix, wq.Wildcard)):
            # As MultiTerm.matcher: an Or of the expanded words with the node's
            # boost, except that a single word is matched as a plain, unboosted Term.
            terms = [wq.Term(node.fieldname, word)
                     for word in node._btexts(self.searcher.reader()) if word]
            if len(terms) == 1:
                return self._term_scores(terms[0], wanted)
            return self._score(wq.Or(terms, boost=node.boost), wanted)
        if isinstance(node, wq.AndMaybe):
            # AndMaybeMatcher: a's score, plus b's where b matches too; the
            # query's own boost is not applied (BinaryQuery.matcher ignores it).
            scores = self._score(node.a, wanted)
            extra = self._score(node.b, set(scores))
            for docnum, value in extra.items():
                scores[docnum] = scores[docnum] + value
            return scores
        if isinstance(node, wq.Phrase):
            # Whoosh scores a phrase match (SpanNear2) as the sum of its words' scores.
            words = wq.And([wq.Term(node.fieldname, word) for word in node.words])
            known = self._docsets.get(node)
            inside = wanted & known if known is not None else self._phrase(node, wanted)
            scores = self._score(words, inside)
        elif isinstance(node, wq.And):
            inside = wanted & self._docs(node)
            parts = [self._score(child, inside) for child in node.subqueries]
            scores = parts[0]
            for part in parts[1:]:  # same keys: add value to value at C speed
                scores = dict(zip(scores.keys(),
                                  map(add, scores.values(), map(part.__getitem__, scores))))
        else:  # Or: a document scores what the children it matches score
            scores = {}
            for child in node.subqueries:
                part = self._score(child, wanted)
                both = scores.keys() & part.keys()
                merged = {**scores, **part}
                for docnum in both:
                    merged[docnum] = scores[docnum] + part[docnum]
                scores = merged
        if node.boost != 1.0:
            boost = node.boost
            scores = {docnum: value * boost for docnum, value in scores.items()}
        return scores

    def _term_scores(self, node: wq.Term, wanted: set[int]) -> dict[int, float]:
        field = node.fieldname
        ids, weights = self.postings(field, node.text)
        if not ids:
            return {}
        searcher = self.searcher
        btext = searcher.schema[field].to_bytes(node.text)
        scorer = searcher.weighting.scorer(searcher, field, btext)
        idf, avgfl = scorer.idf, scorer.avgfl
        big_b, k1 = scorer.B, scorer.K1
        # Whoosh's bm25(): idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl))),
        # with the length part worked out once per encoded length.
        part = [k1 * ((1 - big_b) + big_b * fl / avgfl) for fl in LENGTH_OF_BYTE]
        lengths = self.cache.lengths(searcher, field)
        boost = node.boost
        if len(wanted) * 4 < len(ids):
            # Few documents to score (a filter or another word narrowed them):
            # look them up instead of walking the whole list.
            scores: dict[int, float] = {}
            tf_of = dict(zip(ids, weights))
            for docnum in wanted:
                tf = tf_of.get(docnum)
                if tf is not None:
                    value = idf * ((tf * (k1 + 1)) / (tf + part[lengths[docnum]]))
                    scores[docnum] = value * boost if boost != 1.0 else value
            return scores
        # Every posting: the score depends only on (frequency, encoded length), so
        # work out a table of those and map postings onto it at C speed. Each
        # entry is the same expression Whoosh evaluates, so the same float.
        distinct = sorted(set(weights))
        slot = {tf: i for i, tf in enumerate(distinct)}
        table = []
        for tf in distinct:
            for length_part in part:
                value = idf * ((tf * (k1 + 1)) / (tf + length_part))
                table.append(value * boost if boost != 1.0 else value)
        keys = map(add, map(mul, map(slot.__getitem__, weights), repeat(256)),
                   map(lengths.__getitem__, ids))
        scores = dict(zip(ids, map(table.__getitem__, keys)))
        if not wanted.issuperset(scores):
            scores = {docnum: scores[docnum] for docnum in scores.keys() & wanted}
        return scores
