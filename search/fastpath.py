"""Match and score queries straight from posting blocks: the fast path of a search.

Whoosh matches and scores one document at a time through a tree of Python
matcher objects (`docs_for_query`, `search`): at 100k items a common word
costs a quarter of a second to match and as much again to rank. Here a query
is evaluated a whole posting list at a time instead:

- a `Term` reads its posting blocks directly (document numbers and term
  frequencies, one decoded block of up to 128 postings per step) and keeps
  them in a small per-index-version cache, so a page, the next page and a
  facet click read each list once;
- `And`, `Or`, `Not`, `AndNot`, `AndMaybe` and `Prefix`/`Wildcard` are set
  algebra over those lists; anything else (a phrase, say) is matched by
  Whoosh for that node only;
- scores, for a tree of `Term`, `And` and `Or` only, are Whoosh's BM25F with
  Whoosh's own idf, average field length and per-document field lengths,
  summed the way Whoosh's union and intersection matchers sum them, for the
  filtered documents only. Any other tree is ranked by Whoosh itself
  (`Engine._order` falls back), so ranking never changes meaning here.

`tests/test_perf_equivalence.py` checks hits, totals and scores against
Whoosh's straightforward path.
"""

from __future__ import annotations

import threading
from array import array
from pickle import loads
from collections import OrderedDict
from collections.abc import Iterable
from itertools import accumulate, repeat
from operator import add, mul

from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.formats import Positions
from whoosh.searching import Searcher
from whoosh.util.numeric import byte_to_length

POSTINGS_CACHE_TERMS = 128
# ... and at most this many postings in all (8 bytes each: about 32 MB), so a
# million-item index with many common words cannot grow the cache without bound.
POSTINGS_CACHE_POSTINGS = 4_000_000
PRELOAD_MAX_DOCS = 5_000  # whoosh.query.Or's threshold for its preloading matcher
LENGTH_OF_BYTE = [byte_to_length(b) for b in range(256)]
SCORED_NODES = (wq.Term, wq.And, wq.Or, wq.Phrase, wq.Prefix, wq.Wildcard, wq.AndMaybe)

Postings = tuple[array, array]  # global document numbers, term frequencies


class TermCache:
    """A bounded LRU of decoded posting lists for one index version (thread-safe)."""

    def __init__(self, size: int = POSTINGS_CACHE_TERMS,
                 postings: int = POSTINGS_CACHE_POSTINGS) -> None:
        self.size = size
        self.max_postings = postings
        self._postings = 0
        self._items: OrderedDict[tuple[str, bytes], Postings] = OrderedDict()
        self._lock = threading.Lock()
        self._lengths: dict[str, bytes] = {}

    def get(self, key: tuple[str, bytes]) -> Postings | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: tuple[str, bytes], value: Postings) -> None:
        if self.size <= 0 or len(value[0]) > self.max_postings // 4:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._postings -= len(old[0])
            self._items[key] = value
            self._postings += len(value[0])
            while len(self._items) > self.size or self._postings > self.max_postings:
                _, dropped = self._items.popitem(last=False)
                self._postings -= len(dropped[0])

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._postings = 0

    def lengths(self, searcher: Searcher, field: str) -> bytes:
        """Each document's encoded length of `field` (one byte per global docnum)."""
        found = self._lengths.get(field)
        if found is None:
            parts = []
            for leaf, _offset in searcher.leaf_searchers():
                reader = leaf.reader()
                count = reader.doc_count_all()
                column = reader._perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN)
                parts.append(bytes(column) if column is not None else bytes(count))
            found = self._lengths[field] = b"".join(parts)
        return found


def _block_ids(matcher: W3LeafMatcher, offset: int) -> list[int]:
    """The document numbers of the current block, decoded at C speed.

    Whoosh stores them as deltas and sums them in a Python generator
    (`delta_decode`); `accumulate` gives the same numbers.
    """
    if matcher._data is None:
        matcher._read_data()
    return list(accumulate(matcher._data[0], initial=offset))[1:]


def _decode_positions(value: bytes) -> list[int]:
    """Positions.decode_positions, with the running sum done by accumulate."""
    return list(accumulate(loads(value[4:] if value.endswith(b".") else value[4:] + b".")))


def _read_leaf(matcher: object, offset: int, ids: array, weights: array) -> None:
    if isinstance(matcher, W3LeafMatcher) and not matcher._byteids:
        # Whole blocks at a time: the same data Whoosh decodes, minus the
        # per-posting method calls.
        while matcher.is_active():
            ids.extend(_block_ids(matcher, offset))
            matcher._read_weights()
            weights.extend(matcher._weights)
            matcher._next_block()
        return
    while matcher.is_active():  # a deletion filter, or another codec: one at a time
        ids.append(matcher.id() + offset)
        weights.append(matcher.weight())
        matcher.next()


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
        for leaf, offset in self.searcher.leaf_searchers():
            reader = leaf.reader()
            if (field, btext) in reader:
                _read_leaf(reader.postings(field, btext), offset, ids, weights)
        self.cache.put(key, (ids, weights))
        self._read[key] = (ids, weights)
        return ids, weights

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
        # One pass over each word's blocks: ids and frequencies (cached for
        # scoring) and the encoded positions, kept only for this request.
        blocks = [self._blocks_with_positions(field, b) for b in btexts]
        candidates = set.intersection(*(set(self.postings(field, b)[0]) for b in btexts))
        if within is not None:
            candidates &= within
        if not candidates or len(btexts) == 1:
            return candidates
        positions = []
        for word_blocks in blocks:
            found: dict[int, list[int]] = {}
            for ids, values in word_blocks:
                for i, docnum in enumerate(ids):
                    if docnum in candidates:
                        found[docnum] = _decode_positions(values[i])
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

    def _blocks_with_positions(self, field: str,
                               btext: bytes) -> list[tuple[list[int], tuple[bytes, ...]]]:
        blocks = self._blocks.get((field, btext))
        if blocks is not None:
            return blocks
        blocks = self._blocks[(field, btext)] = []
        ids, weights = array("I"), array("f")
        for leaf, offset in self.searcher.leaf_searchers():
            reader = leaf.reader()
            if (field, btext) not in reader:
                continue
            matcher = reader.postings(field, btext)
            if isinstance(matcher, W3LeafMatcher) and not matcher._byteids:
                while matcher.is_active():
                    block = _block_ids(matcher, offset)
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

    def scores(self, node: wq.Query, wanted: set[int]) -> dict[int, float]:
        """BM25F score of each document in `wanted` (all of which match `node`)."""
        return self._score(node, wanted)

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
