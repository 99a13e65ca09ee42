"""Match and score queries a whole posting list at a time, with numpy: the fast path.

Whoosh matches and scores one document at a time through a tree of Python
matcher objects (`docs_for_query`, `search`): at 100k items a common word
costs a quarter of a second to match and as much again to rank. Here a query
is evaluated over whole posting lists as arrays:

- a `Term` reads its postings from the segments' flat arrays (`postings.arrays`),
  joined over the segments (cached per index version: `postings.termcache`);
  postings of deleted documents are there too (the live mask leaves them out,
  as Whoosh's statistics count them);
- a set of documents is a `DocSet` (`postings.docsets`): its ascending numbers
  while it is small beside the collection, a boolean mask over every document
  number where that is cheaper, so that a rare word's page costs what its
  matches do, not what the collection does. `And`, `Or`, `Not`, `AndNot`,
  `AndMaybe`, `Prefix`/`Wildcard` are set algebra;
  `Phrase` compares (document, position) keys of the words' positions; any
  other node is matched by Whoosh's own matchers over the same arrays
  (`postings.reader`), for that node only;
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

from collections.abc import Iterator
from typing import Any

import numpy as np
from whoosh import query as wq
from whoosh.formats import Positions
from whoosh.searching import Searcher

from search._whoosh import bm25_field_b
from search.budget import Meter, unmetered
from search.postings import arrays, docsets
from search.postings.docsets import DocSet, Ranks, distinct, ids_of, kept, places, union
from search.postings.operators import operator_for
from search.postings.reader import LENGTH_OF_BYTE, SegmentFiles, leaf_files
from search.postings.termcache import TermCache

POSITION_BITS = 32  # (document << 32) | position: one sortable key per occurrence
MAX_SLOP = 2**31  # a wider slop would reach into the next document's keys
LENGTHS = LENGTH_OF_BYTE  # a length byte's length, as Whoosh reads it
SPACES = 2  # sets of documents scored whose terms' places are kept
FEW = 16  # candidates this many times fewer than a term's postings are looked up one by one
# A table of each document's place among many scored ones (4 bytes per document of the
# collection) is read at each posting while it fits the caches; past it, counting bits
# in the scored documents' packed mask (`Ranks`, an eighth of a byte a document) costs
# less (at 10M items, relevance pages 1-18% faster; at 100k, 0-19% slower; at 1M even).
SLOTS_UP_TO = 1 << 20

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
        self._live: DocSet | None = None
        self._leaves: list[tuple[SegmentFiles, int, arrays.SegmentArrays]] | None = None
        self._at: dict[int, arrays.SegmentArrays] | None = None
        self._masks: dict[object, DocSet] = {}
        self._read: dict[tuple[str, bytes], Postings] = {}
        self._counted: set[tuple[str, bytes]] = set()  # terms counted against the budget
        # Terms' postings in each segment (`_parts`).
        self._looked_up: dict[tuple[str, bytes], list[tuple[int, np.ndarray, np.ndarray]]] = {}
        self._keys: dict[tuple[str, bytes, int], np.ndarray] = {}
        self._term_constants: dict[tuple[str, bytes], tuple[float, float, float, float]] = {}
        self._field_bm25: dict[str, tuple[float, float]] = {}
        # The documents being scored, where each document number is among them, and each
        # term's postings placed among them (kept while the same documents are scored:
        # a query's words, the bound on their bonus and its phrases score the same terms).
        self._docs = np.zeros(0, np.int64)
        self._placed: dict[tuple[str, str | bytes], tuple[np.ndarray, np.ndarray]] = {}
        # The last SPACES sets of documents scored, each with its terms placed (a top k
        # scores the matches, a few of them, then the matches again).
        self._spaces: list[tuple[np.ndarray, dict]] = []
        self._slots: dict[int, np.ndarray] = {}  # id of a space -> each document's place
        self._members: dict[int, Ranks] = {}  # id of a space -> a mask of it, ranked

    # -- posting lists -------------------------------------------------------------

    def leaves(self) -> list[tuple[SegmentFiles, int, arrays.SegmentArrays]]:
        """(segment reader, first document number, its arrays) per segment."""
        if self._leaves is None:
            self._leaves = [(reader, offset, reader.arrays)
                            for reader, offset in leaf_files(self.searcher.reader())]
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
        found = self._known(key)
        if found is not None:
            return found
        return self._joined(key, self._parts(key))

    def _known(self, key: tuple[str, bytes]) -> Postings | None:
        """A term's postings read already by this request, or kept by the cache."""
        found = self._read.get(key)
        if found is None:
            found = self.cache.get(key)
            if found is not None:
                self._count(key, len(found[0]))
                self._read[key] = found
        return found

    def _parts(self, key: tuple[str, bytes]) -> list[tuple[int, np.ndarray, np.ndarray]]:
        """(first document number, local ids, weights) of a term in each segment that has
        it: views of the mapped arrays, looked up once per request (matched, joined for
        scoring, looked up for a phrase: one lookup in each segment)."""
        found = self._looked_up.get(key)
        if found is None:
            field, btext = key
            found = self._looked_up[key] = []
            for _, offset, mapped in self.leaves():
                ids, weights = mapped.postings(field, btext)
                if len(ids):
                    found.append((offset, ids, weights))
        return found

    def _joined(self, key: tuple[str, bytes],
                parts: list[tuple[int, np.ndarray, np.ndarray]]) -> Postings:
        """A term's postings over the whole index from its segments' (`_parts`), kept."""
        if not parts:
            found = np.zeros(0, np.int64), np.zeros(0, np.float32)
        elif len(parts) == 1:
            offset, ids, weights = parts[0]
            found = ids.astype(np.int64) + offset, weights
        else:
            found = (np.concatenate([ids.astype(np.int64) + offset for offset, ids, _ in parts]),
                     np.concatenate([weights for _, _, weights in parts]))
        self.cache.put(key, found)
        self._read[key] = found
        self._count(key, len(found[0]))
        return found

    def _count(self, key: tuple[str, bytes], postings: int) -> None:
        """Count a term's postings against the request's budget, once per request."""
        if key not in self._counted:
            self._counted.add(key)
            self.meter.read(postings)

    def any_of(self, terms: list[tuple[str, str | bytes]]) -> DocSet:
        """The documents holding any of `terms` ((field, text) pairs: a word in each
        field, a prefix's words). While their postings are few beside the collection,
        the union of their sets; else one mask, each term's postings written into it
        from each segment's own numbers, or its bitmap unpacked where the segment has one:
        a term of millions of postings then costs no array of document numbers over the
        whole index, made and merged (at 10M items, 'cooperative' in every field, 8.6M
        postings: 37 -> 12 ms scattered)."""
        keys = list(dict.fromkeys(
            (field, btext) for field, text in terms
            if (btext := self._btext(field, text)) is not None))
        known = {key: found for key in keys if (found := self._known(key)) is not None}
        parts = {key: self._parts(key) for key in keys if key not in known}
        total = sum(len(ids) for ids, _ in known.values()) + \
            sum(len(ids) for segments in parts.values() for _, ids, _ in segments)
        if total * docsets.DENSE_SHARE <= self.size:
            for key, segments in parts.items():
                self._joined(key, segments)
            return union(self.size, [self._mask_of(self._read[key][0]) for key in keys])
        # Each term's documents in each segment: where the segment has them as a bitmap
        # (a common term), the bitmaps ORed and unpacked into the segment's stretch of
        # the mask, first (that writes the whole stretch); every other term's postings
        # then scattered into it. (A term's postings kept whole are its segments' too.)
        mask = np.zeros(self.size, bool)
        scattered: list[tuple[int, np.ndarray]] = []
        packed: dict[int, np.ndarray] = {}
        for key in keys:
            segments = self._parts(key)
            self._count(key, sum(len(ids) for _, ids, _ in segments))
            for offset, ids, _ in segments:
                bits = self._bitmap(key, offset, len(ids))
                if bits is None:
                    scattered.append((offset, ids))
                else:
                    packed[offset] = packed[offset] | bits if offset in packed else bits
        for offset, bits in packed.items():
            docs = self.segment_at(offset).docs
            mask[offset:offset + docs] = np.unpackbits(bits, count=docs).view(bool)
        for offset, ids in scattered:
            # (A segment's ids are below its size; numpy scatters by int64 indexes
            # faster than it converts narrower ones: 1.3 -> 0.9 ms for 600k.)
            mask[offset:][ids.astype(np.int64)] = True
        if self.searcher.reader().has_deletions():
            mask &= self.live_mask()
        return DocSet.of_mask(mask)

    def _bitmap(self, key: tuple[str, bytes], offset: int, postings: int) -> np.ndarray | None:
        """A term's documents in the segment from `offset` as its bitmap, when the segment
        has one (a term of `postings` there in at least 1/BITMAP_SHARE of its documents)."""
        segment = self.segment_at(offset)
        if postings * arrays.BITMAP_SHARE < segment.docs:
            return None
        return segment.bitmap(*key)

    def segment_at(self, offset: int) -> arrays.SegmentArrays:
        """The arrays of the segment whose documents start at `offset`."""
        if self._at is None:
            self._at = {offset: mapped for _, offset, mapped in self.leaves()}
        return self._at[offset]

    def _occurrences(self, field: str, btext: bytes,
                     candidates: DocSet) -> np.ndarray:
        """Sorted (document << 32 | position) keys of the occurrences of a term in the
        documents of `candidates`: only their positions are read, so a phrase
        checked in twenty documents reads twenty documents' positions."""
        parts = []
        wanted: np.ndarray | None = None
        for _, offset, mapped in self.leaves():
            ids, counts, positions = mapped.positions_of(field, btext)
            if not len(ids):
                continue
            if wanted is None:
                wanted = candidates.ids
            if len(wanted) * FEW < len(ids):
                # Few candidates: look each one up in the posting list.
                _, held, at = _looked_up_in(ids, offset, wanted)
                chosen = at[held]
                docs = None
            else:
                docs = ids.astype(np.int64) + offset
                chosen = ids_of(candidates.within(docs))
            if not len(chosen):
                continue
            if docs is None:
                docs = np.zeros(len(ids), np.int64)
                docs[chosen] = ids[chosen].astype(np.int64) + offset
            if len(chosen) == len(ids):  # every posting: every position, in order
                keys = (np.repeat(docs, counts) << POSITION_BITS) | positions
            else:
                starts = self._starts(field, btext, offset, counts)
                sizes = counts[chosen].astype(np.int64)
                at = arrays.run_positions(starts[chosen], sizes)
                keys = (np.repeat(docs[chosen], sizes) << POSITION_BITS) | positions[at]
            parts.append(keys.astype(np.int64, copy=False))
        return np.concatenate(parts) if parts else np.zeros(0, np.int64)

    def _starts(self, field: str, btext: bytes, offset: int, counts: np.ndarray) -> np.ndarray:
        """Where each posting's positions start among a term's positions in one segment."""
        key = (field, btext, offset)
        found = self._keys.get(key)
        if found is None:
            found = np.cumsum(counts, dtype=np.int64)
            found -= counts
            self._keys[key] = found
        return found

    def live_mask(self) -> np.ndarray:
        """A mask of the documents not deleted (do not change it)."""
        return self.live().mask

    def live(self) -> DocSet:
        """The documents not deleted (kept per index version: `TermCache.live`)."""
        if self._live is None:
            self._live = self.cache.live_set(self.searcher.reader())
        return self._live

    def _mask_of(self, ids: np.ndarray) -> DocSet:
        """The live documents among `ids` (ascending, distinct; postings hold deleted
        ones too)."""
        if self.searcher.reader().has_deletions():
            ids = ids[self.live_mask()[ids]]
        return DocSet.of_ids(self.size, ids)

    # -- matching ---------------------------------------------------------------------

    def docs(self, node: wq.Query) -> DocSet:
        """The documents `node` matches (do not change the set's arrays)."""
        # Equal queries match the same documents; so do terms whatever their boost.
        key = ("term", node.fieldname, node.text) if type(node) is wq.Term else node
        found = self._masks.get(key)
        if found is None:
            found = self._masks[key] = self._match(node)
        return found

    def mask(self, node: wq.Query) -> np.ndarray:
        """A boolean mask over document numbers: True where `node` matches (do not change
        it; `docs` costs less for a selective query)."""
        return self.docs(node).mask

    def _match(self, node: wq.Query) -> DocSet:
        self.meter.check_time()
        operator = operator_for(node)
        if operator is not None:
            found = operator.match(self, node)
            if found is not None:
                return found
        return self.whoosh_mask(node)

    def whoosh_mask(self, node: wq.Query) -> DocSet:
        """The documents Whoosh matches for `node` (deletions included): for any node the
        table of operators does not evaluate."""
        return self._mask_of(self._whoosh_ids(node))

    def _whoosh_ids(self, node: wq.Query) -> np.ndarray:
        ids = np.fromiter(self.searcher.docs_for_query(node), np.int64)
        return np.unique(ids)  # (ascending, distinct, as a set's numbers are)

    def _holding(self, field: str, btext: bytes, candidates: DocSet) -> DocSet:
        """Those of `candidates` (live, held as numbers) that hold the term: while they are
        few beside its postings, each is looked up in its segment's postings, and no set
        of the term over the collection is made (a phrase's bonus for a few documents
        scored made its words' sets at 10M items: tens of milliseconds)."""
        key = ("term", field, btext)
        known = self._masks.get(key)
        if known is not None:
            return candidates & known
        parts = self._parts((field, btext))
        wanted = candidates.ids
        if len(wanted) * FEW >= sum(len(ids) for _, ids, _ in parts):
            return candidates & self.docs(wq.Term(field, btext))
        keep = np.zeros(len(wanted), bool)
        for offset, ids, _ in parts:
            stretch, held, _ = _looked_up_in(ids, offset, wanted)
            keep[stretch] = held
        return DocSet.of_ids(self.size, wanted[keep])

    def _phrase(self, node: wq.Phrase, within: DocSet | None = None) -> DocSet:
        """Documents with the words in order, each 1..slop positions after the last
        (Whoosh's SpanNear2 with mindist=1), checked only where all words occur."""
        field = node.fieldname
        schema = self.searcher.schema
        if field not in schema or type(schema[field].format) is not Positions:
            return self._mask_of(self._whoosh_ids(node))
        found = [self._btext(field, word) for word in node.words]
        btexts = [b for b in found if b is not None]
        if len(btexts) < len(found):
            return DocSet.empty(self.size)
        # (Every word's set holds only live documents.)
        candidates: DocSet | None = within
        for btext in btexts:
            if candidates is not None and candidates.small:
                candidates = self._holding(field, btext, candidates)
            else:
                words = self.docs(wq.Term(field, btext))
                candidates = words if candidates is None else candidates & words
        assert candidates is not None
        if len(btexts) == 1 or not len(candidates):
            return candidates
        slop = min(int(node.slop), MAX_SLOP)
        ends = None
        for btext in btexts:
            keys = self._occurrences(field, btext, candidates)
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
                ends = kept(keys, (before >= 0) & (gap >= 1) & (gap <= slop))
            else:
                ends = keys[:0]
            if not len(ends):
                break
        if ends is None or not len(ends):
            return DocSet.empty(self.size)
        # Keys ascend, so their documents do: one of each run.
        return DocSet.of_ids(self.size, distinct(ends >> POSITION_BITS))

    # -- scoring ----------------------------------------------------------------------
    #
    # Scores are computed in the space of the documents being scored (`docs`, the
    # matched ones, ascending), not over every document number: a vector per term is
    # as long as the set scored, so a rare word's 146 matches cost 146 floats, not
    # 100,000. A term's postings are placed among `docs` by binary search (in whichever
    # direction is shorter), never through a table as long as the collection.

    def scorable(self, node: wq.Query) -> bool:
        """Whether `scores` reproduces Whoosh's ranking for this tree."""
        operator = operator_for(node)
        if operator is None or operator.scorable is None or getattr(node, "scale", None):
            return False
        return operator.scorable(self, node)

    def scores(self, node: wq.Query, wanted: np.ndarray) -> np.ndarray:
        """BM25F scores of every document (0 outside `wanted`, a boolean mask of
        documents that all match `node`)."""
        docs = np.flatnonzero(wanted)
        out = np.zeros(self.size)
        out[docs] = self.scores_of(node, docs)
        return out

    def scores_of(self, node: wq.Query, docs: np.ndarray) -> np.ndarray:
        """BM25F scores of `docs` (ascending document numbers that all match `node`), in
        the order of `docs`."""
        saved = self._docs, self._placed
        known = [placed for scored, placed in self._spaces if scored is docs]
        if known:  # scored just before
            self._placed = known[0]
        else:
            self._placed = {}
            self._spaces = [*self._spaces[1 - SPACES:], (docs, self._placed)]
            # (a table of places of a space no longer kept goes)
            kept = {id(scored) for scored, _ in self._spaces}
            self._slots = {key: slot for key, slot in self._slots.items() if key in kept}
            self._members = {key: mask for key, mask in self._members.items() if key in kept}
        self._docs = docs
        try:
            return self._score(node, np.ones(len(docs), bool))[0]
        finally:
            self._docs, self._placed = saved

    def in_space(self, found: DocSet) -> np.ndarray:
        """Which of the documents being scored are in `found`, as a mask over them."""
        return found.within(self._docs)

    def from_space(self, wanted: np.ndarray) -> DocSet:
        """The scored documents `wanted` (a mask over them) holds."""
        return DocSet.of_ids(self.size, self._docs[wanted])

    def zeros(self) -> tuple[np.ndarray, np.ndarray]:
        """Empty (scores, mask) in the space being scored."""
        return np.zeros(len(self._docs)), np.zeros(len(self._docs), bool)

    def _score(self, node: wq.Query, wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(scores, mask) of the scored documents of `wanted` (a mask in the space being
        scored) that match `node`; scores are 0 outside the mask."""
        self.meter.check_time()
        operator = operator_for(node)
        assert operator is not None and operator.score is not None, node
        scores, mask = operator.score(self, node, wanted)
        if operator.boosted and node.boost != 1.0:
            scores *= node.boost
        return scores, mask

    def _sum(self, parts: Iterator[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
        """The children's scores added in order, and the union of their masks. Every
        score vector is made fresh for its caller, so the sums are done in place."""
        scores = mask = None
        for part, matched in parts:
            if scores is None or mask is None:
                scores, mask = part, matched.copy()
            else:
                scores += part
                mask |= matched
        if scores is None or mask is None:
            return self.zeros()
        return scores, mask

    def term_scores(self, node: wq.Term, wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(scores, mask) of one term for the scored documents of `wanted`: Whoosh's BM25F."""
        return self.terms_scores([node], wanted)

    def terms_scores(self, nodes: list[wq.Term], wanted: np.ndarray
                     ) -> tuple[np.ndarray, np.ndarray]:
        """(scores, mask) of an OR of terms: their scores added term after term in one
        pass (np.bincount adds each document's in the order given, from 0, so the sums
        are the floats adding the terms' vectors one by one gives)."""
        parts = [self.term_parts(node, wanted) for node in nodes]
        at = np.concatenate([found for found, _ in parts]) if parts else np.zeros(0, np.int64)
        if not len(at):  # (np.bincount of nothing gives integers)
            return self.zeros()
        scores = np.bincount(at, weights=np.concatenate([values for _, values in parts]),
                             minlength=len(self._docs))
        mask = np.zeros(len(self._docs), bool)
        mask[at] = True
        return scores, mask

    def term_parts(self, node: wq.Term, wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(places among the scored documents, boosted score) of a term's postings in the
        scored documents of `wanted`."""
        key = (node.fieldname, node.text)
        placed = self._placed.get(key)
        if placed is None:
            placed = self._placed[key] = self._term_places(node.fieldname, node.text)
        at, values = placed
        if len(at) and not wanted.all():
            inside = wanted[at]
            at, values = kept(at, inside), kept(values, inside)
        return at, (values * node.boost if node.boost != 1.0 else values)

    def _term_places(self, field: str, text: str | bytes) -> tuple[np.ndarray, np.ndarray]:
        """(places among the scored documents, unboosted score) of a term's postings in
        them. A few documents scored beside a long posting list (the seeds and the
        survivors of MaxScore, a page's bonus) are looked up in each segment's postings:
        no list over the collection is made for a term whose weak bound kept it out of
        the pass over every match (at 10M items, joining a common word's segments costs
        a millisecond or more)."""
        docs = self._docs
        btext = self._btext(field, text)
        if btext is None:  # (no such field, or a word it cannot hold: no postings)
            return np.zeros(0, np.int64), np.zeros(0)
        key = (field, btext)
        found = self._known(key)
        if found is None:
            parts = self._parts(key)
            total = sum(len(ids) for _, ids, _ in parts)
            if len(docs) * FEW < total and not docsets.read_in_mask(len(docs), total):
                self._count(key, total)
                placed: list[np.ndarray] = []
                weighing: list[np.ndarray] = []
                for offset, ids, weighed in parts:
                    stretch, held, where = _looked_up_in(ids, offset, docs)
                    hits = np.flatnonzero(held)
                    placed.append(hits + stretch.start)
                    weighing.append(weighed[where[hits]])
                joined = np.concatenate(placed) if placed else np.zeros(0, np.int64)
                return joined, self._bm25(field, text, docs[joined],
                                           np.concatenate(weighing) if weighing
                                           else np.zeros(0, np.float32))
            found = self._joined(key, parts)
        ids, weights = found
        at, posting = self._places(ids)
        return at, self._bm25(field, text, ids[posting], weights[posting])

    def _places(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(places among the scored documents, places among `ids`) of the documents in
        both: by binary search for few postings, or few scored documents beside them;
        else each posting read in a mask of the scored documents and the place of those
        in it counted from the packed mask (`Ranks`), or, in a collection of at most
        SLOTS_UP_TO documents, read in a table of each document's place."""
        docs = self._docs
        if len(ids) * docsets.SEARCH_RATIO < len(docs):  # few postings: each searched for
            return places(docs, ids)
        if len(docs) * docsets.DENSE_SHARE <= self.size:  # few scored beside the collection
            if not docsets.read_in_mask(len(docs), len(ids)):
                return places(docs, ids)
        elif self.size <= SLOTS_UP_TO:
            slot = self._slots.get(id(docs))  # (kept while the space is)
            if slot is None:
                slot = np.full(self.size, -1, np.int32 if len(docs) < 2**31 else np.int64)
                slot[docs] = np.arange(len(docs))
                self._slots[id(docs)] = slot
            at = slot[ids]
            posting = ids_of(at >= 0)
            return at[posting].astype(np.int64), posting
        # (The mask and its counts are kept while the space is.)
        member = self._members.get(id(docs))
        if member is None:
            member = self._members[id(docs)] = Ranks(docs, self.size)
        posting = ids_of(member.mask[ids])
        return member.places(ids[posting]), posting

    def _bm25(self, field: str, text: str | bytes, ids: np.ndarray,
              weights: np.ndarray) -> np.ndarray:
        """The unboosted BM25F score of a term in each of `ids` (its weight in each,
        `weights`), worked out only for the postings among the documents scored: every
        value is the same expression on the same doubles, whichever postings are taken."""
        if not len(ids):
            return np.zeros(0)
        fl = LENGTHS[self.cache.lengths(self.searcher.reader(), field)[ids]]
        return _bm25(self._constants(field, text), weights.astype(np.float64), fl)

    def term_bound(self, field: str, text: str | bytes) -> float:
        """At least the unboosted BM25F score of the term in any document: its largest
        weight in the shortest field (the score rises with the one, falls with the
        other), a little more for rounding; 0 when no document holds it."""
        btext = self._btext(field, text)
        if btext is None:
            return 0.0
        key = (field, btext)
        known = self._known(key)
        if known is not None:
            weights = [known[1]]
        else:  # (from each segment's: a weak term's list over the collection is not made)
            weights = [weighed for _, _, weighed in self._parts(key)]
            self._count(key, sum(map(len, weights)))
        if not any(len(weighed) for weighed in weights):
            return 0.0
        most = max(float(weighed.max()) for weighed in weights if len(weighed))
        fl = LENGTHS[self.cache.shortest(self.searcher.reader(), field)]
        return float(_bm25(self._constants(field, text), most, fl)) * (1 + 1e-9)

    def _constants(self, field: str, text: str | bytes) -> tuple[float, float, float, float]:
        """(idf, average field length, B, K1) of a term's BM25F, once per request."""
        key = (field, text if isinstance(text, bytes) else text.encode("utf-8"))
        found = self._term_constants.get(key)
        if found is None:
            searcher = self.searcher
            btext = searcher.schema[field].to_bytes(text)
            # What BM25FScorer.__init__ takes, without its setup(): that reads every
            # segment's term info for a block-quality bound this path never uses.
            weighting = searcher.weighting
            found = self._term_constants[key] = (
                searcher.idf(field, btext),  # cached per searcher
                *self._field_constants(field), weighting.K1)
        return found

    def _field_constants(self, field: str) -> tuple[float, float]:
        """(average field length, B) of a field's BM25F, once per request (a prefix's
        hundreds of words share them; the average is a sum over the segments)."""
        found = self._field_bm25.get(field)
        if found is None:
            searcher = self.searcher
            found = self._field_bm25[field] = (
                searcher.avg_field_length(field) or 1, bm25_field_b(searcher.weighting, field))
        return found


def _looked_up_in(ids: np.ndarray, offset: int, wanted: np.ndarray
                  ) -> tuple[slice, np.ndarray, np.ndarray]:
    """Document numbers `wanted` (ascending) looked up in a segment's posting list `ids`
    (not empty; its numbers from `offset`): the stretch of `wanted` within the list's
    range, whether each there is in it, and its place in `ids` (where it is)."""
    first, last = np.searchsorted(wanted, [offset, offset + int(ids[-1]) + 1])
    local = (wanted[first:last] - offset).astype(ids.dtype)
    at = np.minimum(np.searchsorted(ids, local), len(ids) - 1)
    return slice(int(first), int(last)), ids[at] == local, at


def _bm25(constants: tuple[float, float, float, float], tf: Any, fl: Any) -> Any:
    """Whoosh's bm25(): idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl))),
    for numbers or vectors of doubles: the same operations in the same order, so the same
    values; the boost multiplies them afterwards, as Whoosh's scorer does."""
    idf, avgfl, big_b, k1 = constants
    return idf * ((tf * (k1 + 1)) / (tf + k1 * ((1 - big_b) + big_b * fl / avgfl)))
