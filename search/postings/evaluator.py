"""Match and score queries a whole posting list at a time, with numpy: the fast path.

Whoosh matches and scores one document at a time through a tree of Python
matcher objects (`docs_for_query`, `search`): at 100k items a common word
costs a quarter of a second to match and as much again to rank. Here a query
is evaluated over whole posting lists as arrays:

- a `Term` reads its postings from the segment's flat arrays (`postings.arrays`),
  or from Whoosh's blocks for a segment without them (`postings.termcache`, cached per
  index version);
- a set of documents is a boolean mask over every document number: `And`,
  `Or`, `Not`, `AndNot`, `AndMaybe`, `Prefix`/`Wildcard` are mask algebra;
  `Phrase` compares (document, position) keys of the words' positions; any
  other node is matched by Whoosh, for that node only;
- scores, for trees of `Term`, `And`, `Or`, `Phrase`, `Prefix`/`Wildcard` and
  `AndMaybe`, are Whoosh's BM25F with Whoosh's own idf, average field length
  and per-document field lengths, each posting's value the same float
  expression Whoosh evaluates, summed in the order Whoosh's matchers sum
  them. Any other tree is ranked by Whoosh itself (`engine.ranking` falls back).

Each class of query node has one entry in `OPERATORS` (how it is matched,
whether and how it is scored); a node of a class the table lacks is matched by
Whoosh.

`tests/test_perf_equivalence.py` checks hits, totals and scores against
Whoosh's straightforward path.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator
from typing import Any

import numpy as np
from whoosh import query as wq
from whoosh.formats import Positions
from whoosh.reading import SegmentReader
from whoosh.searching import Searcher

from search.budget import Meter, unmetered
from search._whoosh import bm25_field_b, iter_postings, read_leaf, segment_location
from search.postings import arrays
from search.postings.operators import operator_for
from search.postings.termcache import LENGTH_OF_BYTE, TermCache

POSITION_BITS = 32  # (document << 32) | position: one sortable key per occurrence
MAX_SLOP = 2**31  # a wider slop would reach into the next document's keys

Postings = tuple[np.ndarray, np.ndarray]  # global document numbers (ascending), weights


class Evaluator:
    """Evaluate parsed queries against one searcher (one request, one thread)."""

    def __init__(self, searcher: Searcher, cache: TermCache, meter: Meter | None = None) -> None:
        self.searcher = searcher
        self.cache = cache
        # What the request may spend: postings read and positions compared count
        # against it, and it stops the work once the request runs out of time.
        self.meter = meter if meter is not None else unmetered()
        self.size = searcher.doc_count_all()
        self._live_mask: np.ndarray | None = None
        self._leaves: list[tuple[Any, int, arrays.SegmentArrays | None]] | None = None
        self._masks: dict[wq.Query, np.ndarray] = {}
        self._read: dict[tuple[str, bytes], Postings] = {}
        self._keys: dict[tuple[str, bytes], tuple[np.ndarray, np.ndarray]] = {}

    # -- posting lists -------------------------------------------------------------

    def leaves(self) -> list[tuple[Any, int, arrays.SegmentArrays | None]]:
        """(segment reader, first document number, its arrays or None) per segment."""
        if self._leaves is None:
            found = []
            for leaf, offset in self.searcher.leaf_searchers():
                reader = leaf.reader()
                mapped = None
                if isinstance(reader, SegmentReader) and not reader.has_deletions():
                    folder, segment_id = segment_location(reader)
                    if folder is not None:
                        mapped = arrays.load(arrays.arrays_path(folder, segment_id))
                        if mapped is not None and mapped.docs != reader.doc_count_all():
                            mapped = None
                found.append((reader, offset, mapped))
            self._leaves = found
        return self._leaves

    def _btext(self, field: str, text: str | bytes) -> bytes | None:
        schema = self.searcher.schema
        if field not in schema:
            return None
        try:
            return schema[field].to_bytes(text)
        except ValueError:
            return None

    def postings(self, field: str, text: str | bytes) -> Postings:
        """(document numbers, weights) of a term over the whole index."""
        btext = self._btext(field, text)
        if btext is None:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        key = (field, btext)
        found = self._read.get(key)
        if found is not None:
            return found
        ids_parts, weight_parts = [], []
        for reader, offset, mapped in self.leaves():
            if mapped is not None:
                ids, weights = mapped.postings(field, btext)
                if len(ids):
                    ids_parts.append(ids.astype(np.int64) + offset)
                    weight_parts.append(weights)
            elif (field, btext) in reader:
                cached: tuple[np.ndarray, np.ndarray] | None = self.cache.get(
                    (field, btext, offset))
                if cached is None:
                    ids_read, weights_read = array("I"), array("f")
                    read_leaf(reader.postings(field, btext), offset, ids_read, weights_read)
                    cached = (np.frombuffer(ids_read, np.uint32).astype(np.int64),
                              np.frombuffer(weights_read, np.float32))
                    self.cache.put((field, btext, offset), cached)
                ids_parts.append(cached[0])
                weight_parts.append(cached[1])
        if not ids_parts:
            found = np.zeros(0, np.int64), np.zeros(0, np.float32)
        elif len(ids_parts) == 1:
            found = ids_parts[0], weight_parts[0]
        else:
            found = np.concatenate(ids_parts), np.concatenate(weight_parts)
        self._read[key] = found
        self.meter.read(len(found[0]))
        return found

    def _occurrences(self, field: str, btext: bytes) -> tuple[np.ndarray, np.ndarray]:
        """Sorted (document << 32 | position) keys of every occurrence of a term,
        and the document of each."""
        key = (field, btext)
        found = self._keys.get(key)
        if found is not None:
            return found
        docs_parts, pos_parts = [], []
        for reader, offset, mapped in self.leaves():
            if mapped is not None:
                ids, counts, positions = mapped.positions_of(field, btext)
                docs_parts.append(np.repeat(ids.astype(np.int64) + offset, counts))
                pos_parts.append(positions.astype(np.int64))
            elif (field, btext) in reader:
                docs, positions = _whoosh_positions(reader, field, btext, offset)
                docs_parts.append(docs)
                pos_parts.append(positions)
        docs = np.concatenate(docs_parts) if docs_parts else np.zeros(0, np.int64)
        positions = np.concatenate(pos_parts) if pos_parts else np.zeros(0, np.int64)
        found = self._keys[key] = ((docs << POSITION_BITS) | positions, docs)
        return found

    def live_mask(self) -> np.ndarray:
        if self._live_mask is None:
            reader = self.searcher.reader()
            if reader.has_deletions():
                mask = np.zeros(self.size, bool)
                mask[np.fromiter(reader.all_doc_ids(), np.int64)] = True
            else:
                mask = np.ones(self.size, bool)
            self._live_mask = mask
        return self._live_mask

    def _mask_of(self, ids: np.ndarray) -> np.ndarray:
        mask = np.zeros(self.size, bool)
        mask[ids] = True
        return mask

    # -- matching ---------------------------------------------------------------------

    def mask(self, node: wq.Query) -> np.ndarray:
        """A boolean mask over document numbers: True where `node` matches (do not change it)."""
        found = self._masks.get(node)  # equal queries match the same documents
        if found is None:
            found = self._masks[node] = self._match(node)
        return found

    def _match(self, node: wq.Query) -> np.ndarray:
        self.meter.check_time()
        operator = operator_for(node)
        if operator is not None:
            found = operator.match(self, node)
            if found is not None:
                return found
        return self.whoosh_mask(node)

    def whoosh_mask(self, node: wq.Query) -> np.ndarray:
        """The documents Whoosh matches for `node` (deletions included): for any node the
        table of operators does not evaluate."""
        return self._mask_of(np.fromiter(self.searcher.docs_for_query(node), np.int64))

    def _phrase(self, node: wq.Phrase, within: np.ndarray | None = None) -> np.ndarray:
        """Documents with the words in order, each 1..slop positions after the last
        (Whoosh's SpanNear2 with mindist=1), checked only where all words occur."""
        field = node.fieldname
        schema = self.searcher.schema
        if field not in schema or type(schema[field].format) is not Positions:
            return self._mask_of(np.fromiter(self.searcher.docs_for_query(node), np.int64))
        found = [self._btext(field, word) for word in node.words]
        btexts = [b for b in found if b is not None]
        if len(btexts) < len(found):
            return np.zeros(self.size, bool)
        candidates = self.live_mask().copy() if within is None else within.copy()
        for btext in btexts:
            candidates &= self._mask_of(self.postings(field, btext)[0])
        if len(btexts) == 1 or not candidates.any():
            return candidates
        slop = min(int(node.slop), MAX_SLOP)
        ends = None
        for btext in btexts:
            keys, docs = self._occurrences(field, btext)
            keys = keys[candidates[docs]]
            self.meter.compare(len(keys))
            if ends is None:
                ends = keys
                continue
            # The nearest occurrence of the words so far before each occurrence of this
            # word: if it is not within `slop` positions, no earlier one is. One binary
            # search per occurrence, whatever the slop (a loop over distances cost
            # seconds for ~10000). The key of another document is 2**32 away.
            if len(ends):
                before = np.searchsorted(ends, keys) - 1
                gap = keys - ends[np.maximum(before, 0)]
                ends = keys[(before >= 0) & (gap >= 1) & (gap <= slop)]
            else:
                ends = keys[:0]
            if not len(ends):
                break
        result = np.zeros(self.size, bool)
        if ends is not None and len(ends):
            result[ends >> POSITION_BITS] = True
        return result

    # -- scoring ----------------------------------------------------------------------

    def scorable(self, node: wq.Query) -> bool:
        """Whether `scores` reproduces Whoosh's ranking for this tree."""
        operator = operator_for(node)
        if operator is None or operator.scorable is None or getattr(node, "scale", None):
            return False
        return operator.scorable(self, node)

    def scores(self, node: wq.Query, wanted: np.ndarray) -> np.ndarray:
        """BM25F scores of every document (0 outside `wanted`, a boolean mask of
        documents that all match `node`)."""
        return self._score(node, wanted)[0]

    def _score(self, node: wq.Query, wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(scores, mask) of the documents of `wanted` that match `node`; scores
        are 0 outside the mask."""
        self.meter.check_time()
        operator = operator_for(node)
        assert operator is not None and operator.score is not None, node
        scores, mask = operator.score(self, node, wanted)
        if operator.boosted and node.boost != 1.0:
            scores *= node.boost
        return scores, mask

    def _sum(self, parts: Iterator[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
        """The children's scores added in order, and the union of their masks. Every
        score vector is made fresh for its caller, so the sums are done in place (at a
        million items each vector is 8 MB)."""
        scores = mask = None
        for part, matched in parts:
            if scores is None or mask is None:
                scores, mask = part, matched.copy()
            else:
                scores += part
                mask |= matched
        if scores is None or mask is None:
            return np.zeros(self.size), np.zeros(self.size, bool)
        return scores, mask

    def term_scores(self, node: wq.Term, wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(scores, mask) of one term for the documents of `wanted`: Whoosh's BM25F."""
        field = node.fieldname
        scores, mask = np.zeros(self.size), np.zeros(self.size, bool)
        ids, weights = self.postings(field, node.text)
        keep = wanted[ids]
        ids, weights = ids[keep], weights[keep]
        if not len(ids):
            return scores, mask
        searcher = self.searcher
        btext = searcher.schema[field].to_bytes(node.text)
        # What BM25FScorer.__init__ takes, without its setup(): that reads every
        # segment's term info for a block-quality bound this path never uses.
        weighting = searcher.weighting
        idf = searcher.idf(field, btext)  # cached per searcher
        avgfl = searcher.avg_field_length(field) or 1
        big_b, k1 = bm25_field_b(weighting, field), weighting.K1
        boost = node.boost
        # Whoosh's bm25(): idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl))).
        # The score depends only on (frequency, encoded length): a table of those,
        # each entry the same Python float expression Whoosh evaluates.
        part = [k1 * ((1 - big_b) + big_b * fl / avgfl) for fl in LENGTH_OF_BYTE]
        distinct, slot = np.unique(weights, return_inverse=True)
        table = []
        for tf in distinct.tolist():
            for length_part in part:
                value = idf * ((tf * (k1 + 1)) / (tf + length_part))
                table.append(value * boost if boost != 1.0 else value)
        lengths = np.frombuffer(self.cache.lengths(searcher, field), np.uint8)
        scores[ids] = np.array(table)[slot.reshape(-1) * 256 + lengths[ids]]
        mask[ids] = True
        return scores, mask


def _whoosh_positions(reader: Any, field: str, btext: bytes,
                      offset: int) -> tuple[np.ndarray, np.ndarray]:
    """(document of each occurrence, position) read through Whoosh's matcher."""
    docs: list[int] = []
    positions: list[int] = []
    for docnum, _, found in iter_postings(reader.postings(field, btext), offset,
                                          reader.schema[field].format):
        docs.extend([docnum] * len(found))
        positions.extend(found)
    return np.array(docs, np.int64), np.array(positions, np.int64)
