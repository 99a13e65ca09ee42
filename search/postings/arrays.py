"""A segment's postings as flat arrays: every indexed field's, read with no decoding.

The index holds its posting lists here and nowhere else (no Whoosh segment
files). One file per segment (`<segment id>.nsa`), written once by the
builder (`build.segment`) and then mapped; per indexed field:

    ids        documents holding each term, term by term, ascending in each
               (segment-local numbers: uint16 when the segment has at most
               65,536 documents, as the build's segments do, else uint32)
    counts     each posting's frequency, which is its weight (a text field's
               weight is its number of positions: Whoosh's `Positions` format
               with a field boost of 1); a field whose weights differ from
               its counts (another format, a boost) keeps `weights` too
    positions  the positions, posting by posting, ascending in each
               (positional fields only; uint16 when every one fits)
    starts     the first posting of each term (one more entry: the end), so
               a term's document frequency is starts[t + 1] - starts[t]
    pstarts    the first position of each term (positional fields)
    terms      the terms in their byte order (offsets + the bytes end to
               end): a prefix is a range, the lexicon a walk
    hashes     a stable 63-bit hash of each term, sorted, and `order` (the
               term of each hash): a lookup is one binary search
    lengths    the length byte of each document (`length_to_byte`, as
               Whoosh encodes it), for BM25F's field lengths
    dense      the terms held by at least 1/BITMAP_SHARE of the segment's
               documents (their numbers, ascending), and `bits`: each one's
               documents as a bitmap, a bit per document (numpy's packbits,
               ceil(docs / 8) bytes each, end to end). A common word's
               documents are then a mask unpacked at a few hundredths of a
               nanosecond a document, not its postings scattered into one at
               about a nanosecond a posting (at 10M items, 'cooperative' in
               every field: 8.6M postings). A bitmap costs no more than the
               term's ids do; a file written without them (an older index)
               is read as before.

and in the header, per field, the total of its lengths (the average field
length BM25F uses is that total over all documents, deleted or not, as
Whoosh's). Nothing is copied into the heap when a file is mapped; processes
share the pages. `postings.reader` serves Whoosh's searcher and query
classes from these arrays, `postings.evaluator` reads them directly.
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Iterator
from dataclasses import dataclass
from hashlib import blake2b
from itertools import pairwise
from pathlib import Path

import numpy as np
from whoosh.util.numeric import byte_to_length

from search.postings import mapped

MAGIC = b"NSA2"
SUFFIX = ".nsa"
OPEN_FILES = 256  # mapped files kept open (one per segment; a mapped file costs no heap)
# A term in at least 1/BITMAP_SHARE of a segment's documents has a bitmap of them: its
# ids cost 2 bytes a posting (4 in a merged segment), a bitmap 1/8 byte a document.
BITMAP_SHARE = 16

Entry = tuple[int, int, int]  # first posting, postings, first position


def arrays_path(index_path: Path, segment_id: str) -> Path:
    """Where the arrays of a segment live."""
    return index_path / f"{segment_id}{SUFFIX}"


def term_hash(btext: bytes) -> int:
    """A stable 63-bit hash of a term (Python's own hash of bytes changes per process)."""
    return int.from_bytes(blake2b(btext, digest_size=8).digest(), "little") >> 1


# A term searched is looked up in every segment (an index updated often has many): its
# hash is worked out once, not once per segment. (The build hashes each term once.)
_searched_hash = functools.lru_cache(maxsize=4096)(term_hash)


@dataclass
class FieldPostings:
    """One field's postings as the builder hands them over (see the module docstring);
    `terms` sorted by their bytes, postings in that order."""

    terms: list[bytes]
    starts: np.ndarray
    ids: np.ndarray
    counts: np.ndarray
    positions: np.ndarray | None = None
    weights: np.ndarray | None = None
    lengths: np.ndarray | None = None  # uint8 per document, scorable fields
    total: int = 0


# length_to_byte as a table: the smallest byte whose length is at least the length
_BYTE_LENGTHS = np.array([byte_to_length(b) for b in range(256)], np.int64)
_LONGEST = 106374  # and longer: byte 255 (whoosh.util.numeric.length_to_byte)


def length_bytes(lengths: np.ndarray) -> np.ndarray:
    """Whoosh's `length_to_byte` of each length, at once."""
    found = np.searchsorted(_BYTE_LENGTHS, lengths, side="left")
    return np.where(lengths >= _LONGEST, 255, found).astype(np.uint8)


def run_positions(starts: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """The positions of the runs starts[i]:starts[i] + sizes[i], end to end, in one array
    operation (a document's pairs, a posting's positions, a stored value's codes)."""
    sizes = np.asarray(sizes, np.int64)
    total = int(sizes.sum())
    if not total:
        return np.zeros(0, np.int64)
    # Place i of the runs is at its run's start + (i - the run's first place among them).
    shift = np.repeat(np.asarray(starts, np.int64) - np.cumsum(sizes) + sizes, sizes)
    return shift + np.arange(total, dtype=np.int64)


def stable_order(keys: np.ndarray) -> np.ndarray:
    """What `np.argsort(keys, kind="stable")` gives, for non-negative integer keys: each
    key packed with its index into one int64 and the packed values sorted (several times
    faster than the stable argsort, numpy's timsort over an index)."""
    return stable_sort(keys)[1]


def stable_sort(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The keys sorted, and `stable_order(keys)`: the sorted keys come out of the packed
    values, without a gather of `keys` in that order (a random read per key)."""
    count = len(keys)
    if not count or count >= 2**32 or int(keys.min()) < 0 or int(keys.max()) >= 2**31:
        order = np.argsort(keys, kind="stable")
        return keys[order], order
    packed = np.sort(keys.astype(np.int64) << 32 | np.arange(count, dtype=np.int64))
    return packed >> 32, packed & 0xFFFFFFFF


def merge_places(first: np.ndarray, second: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each value of two ascending arrays goes in their stable merge (the first's
    before the second's equal values): what a stable sort of their concatenation would
    put there, found by one binary search per value of the second (the smaller, in a
    field's texts analysed whole) instead of a sort of both. Arrays that are not
    ascending are sorted."""
    if (len(first) > 1 and bool((first[1:] < first[:-1]).any())) or \
            (len(second) > 1 and bool((second[1:] < second[:-1]).any())):
        order = stable_order(np.concatenate((first, second)))
        places = np.empty(len(order), np.int64)
        places[order] = np.arange(len(order))
        return places[:len(first)], places[len(first):]
    # A value of the second goes after the first's values up to it (equal ones too), and a
    # value of the first after the second's that went before it.
    before = np.searchsorted(first, second, side="right")
    ahead = np.cumsum(np.bincount(before, minlength=len(first) + 1)[:len(first)])
    return np.arange(len(first)) + ahead, np.arange(len(second)) + before


def occurrence_postings(terms: list[str], term_ids: np.ndarray, owners: np.ndarray,
                        positions: np.ndarray, lengths: np.ndarray | None) -> FieldPostings:
    """A positional field's postings from one entry per occurrence of a term: its number
    (into `terms`), its document (ascending) and its position (in the order the analyzer
    emitted them, within a document). The occurrences are put in term order with one
    stable sort (so by document, then as emitted, within a term) and a posting is a
    run of the same term in the same document; its weight is its number of positions.
    `lengths`: each document's field length (None: not scorable)."""
    numbered = [term.encode("utf-8") for term in terms]
    by_bytes = sorted(range(len(numbered)), key=numbered.__getitem__)
    rank = np.empty(len(numbered), np.int64)
    rank[by_bytes] = np.arange(len(numbered))
    term, order = stable_sort(rank[term_ids])
    doc = owners[order]
    new = np.ones(len(term), bool)
    new[1:] = (term[1:] != term[:-1]) | (doc[1:] != doc[:-1])
    heads = np.flatnonzero(new)
    starts = np.zeros(len(numbered) + 1, np.int64)
    np.cumsum(np.bincount(term[heads], minlength=len(numbered)), out=starts[1:])
    return FieldPostings(
        terms=[numbered[n] for n in by_bytes], starts=starts, ids=doc[heads],
        counts=np.diff(np.append(heads, len(term))), positions=positions[order],
        lengths=length_bytes(lengths) if lengths is not None else None,
        total=int(lengths.sum()) if lengths is not None else 0)


def narrow(values: np.ndarray) -> np.ndarray:
    """Non-negative integers as 2-byte unsigned integers when they all fit (frequencies,
    positions and segment-local document numbers nearly always do), else 4 bytes."""
    if not len(values) or int(values.max()) <= 0xFFFF:
        return values.astype("<u2")
    return values.astype("<u4")


def _offsets(values: np.ndarray) -> np.ndarray:
    """Offsets into a term's postings or positions, as narrow as they can be."""
    return values.astype("<u4") if not len(values) or int(values[-1]) < 2**32 \
        else values.astype("<i8")


def write_arrays(path: Path, docs: int, fields: dict[str, FieldPostings]) -> None:
    """Write a segment's arrays file (to a temporary name, then renamed into place)."""
    parts: list[tuple[str, np.ndarray | list[np.ndarray]]] = []
    header: dict[str, dict[str, object]] = {}
    for name, field in fields.items():
        lengths = np.fromiter(map(len, field.terms), np.int64, len(field.terms))
        offsets = np.zeros(len(field.terms) + 1, np.int64)
        np.cumsum(lengths, out=offsets[1:])
        hashes = np.fromiter(map(term_hash, field.terms), "<i8", len(field.terms))
        order = np.argsort(hashes, kind="stable")
        parts += [(f"{name}:ids", narrow(field.ids) if docs <= 0x10000
                   else field.ids.astype("<u4")),
                  (f"{name}:counts", narrow(field.counts)),
                  (f"{name}:starts", _offsets(field.starts)),
                  (f"{name}:offsets", _offsets(offsets)),
                  (f"{name}:blob", np.frombuffer(b"".join(field.terms), np.uint8)),
                  (f"{name}:hashes", hashes[order]),
                  (f"{name}:order", order.astype("<u4"))]
        if field.positions is not None:
            # A term's first position: the positions of the postings before it.
            before = np.zeros(len(field.counts) + 1, np.int64)
            np.cumsum(field.counts, out=before[1:])
            pstarts = before[field.starts]
            parts += [(f"{name}:positions", narrow(field.positions)),
                      (f"{name}:pstarts", _offsets(pstarts))]
        if field.weights is not None:
            parts.append((f"{name}:weights", field.weights.astype("<f4")))
        if field.lengths is not None:
            parts.append((f"{name}:lengths", field.lengths.astype(np.uint8)))
        dense, bits = bitmaps(docs, field.starts, field.ids)
        parts += [(f"{name}:dense", dense), (f"{name}:bits", bits)]
        header[name] = {"positions": field.positions is not None,
                        "weights": field.weights is not None,
                        "lengths": field.lengths is not None, "total": int(field.total)}
    mapped.write(path, MAGIC, {"docs": docs, "fields": header}, parts)


def bitmaps(docs: int, starts: np.ndarray, ids: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
    """The terms of a field in at least 1/BITMAP_SHARE of `docs` documents (their numbers,
    ascending), and each one's bitmap of its documents (`FieldArrays.bitmap`)."""
    sizes = np.diff(np.asarray(starts, np.int64))
    dense = np.flatnonzero(sizes * BITMAP_SHARE >= max(docs, 1))
    bits = []
    held = np.zeros(docs, bool)
    for number in dense.tolist():
        held[:] = False
        held[np.asarray(ids[int(starts[number]):int(starts[number + 1])], np.int64)] = True
        bits.append(np.packbits(held))
    return dense.astype("<u4"), bits


class FieldArrays:
    """One field of a mapped segment: its term directory and postings."""

    def __init__(self, views: dict[str, np.ndarray], name: str, info: dict[str, object],
                 blob: memoryview, docs: int) -> None:
        self.name = name
        self.ids = views[f"{name}:ids"]
        self.counts = views[f"{name}:counts"]
        self.starts = views[f"{name}:starts"]
        self.offsets = views[f"{name}:offsets"]
        self.blob = blob
        self.hashes = views[f"{name}:hashes"]
        self.order = views[f"{name}:order"]
        self.positions = views.get(f"{name}:positions")
        self.pstarts = views.get(f"{name}:pstarts")
        self.weights = views[f"{name}:weights"] if info["weights"] else self.counts
        self.lengths = views.get(f"{name}:lengths")
        self.total = int(info["total"])  # type: ignore[call-overload]
        self.docs = docs
        self.dense = views.get(f"{name}:dense", np.zeros(0, "<u4"))
        self.bits = views.get(f"{name}:bits")

    def __len__(self) -> int:
        return len(self.hashes)

    def term(self, number: int) -> bytes:
        return bytes(self.blob[int(self.offsets[number]):int(self.offsets[number + 1])])

    def find(self, btext: bytes) -> int | None:
        """The number of a term (its place in byte order), or None."""
        wanted = _searched_hash(btext)
        hashes = self.hashes
        at = int(np.searchsorted(hashes, wanted))
        while at < len(hashes) and int(hashes[at]) == wanted:
            number = int(self.order[at])
            if self.term(number) == btext:
                return number
            at += 1
        return None

    def entry(self, btext: bytes) -> Entry | None:
        number = self.find(btext)
        return self.entry_of(number) if number is not None else None

    def entry_of(self, number: int) -> Entry:
        """The entry of the term numbered `number`."""
        first, end = int(self.starts[number]), int(self.starts[number + 1])
        at = int(self.pstarts[number]) if self.pstarts is not None else 0
        return first, end - first, at

    def bitmap(self, number: int) -> np.ndarray | None:
        """The documents of the term numbered `number` as a bitmap (a bit per document,
        the first document's the first byte's highest, as `np.packbits` packs them), or
        None when the term is not among the field's dense ones."""
        at = int(np.searchsorted(self.dense, number))
        if at == len(self.dense) or int(self.dense[at]) != number or self.bits is None:
            return None
        width = -(-self.docs // 8)
        return self.bits[at * width:(at + 1) * width]

    def terms(self) -> Iterator[bytes]:
        """Every term in byte order, read from the mapped file as they are asked for: none
        is kept (at 10M items a list of them cost 700 MB in every server process)."""
        return self._terms_at(0)

    def terms_from(self, prefix: bytes) -> Iterator[bytes]:
        """The terms from `prefix` on, in byte order (found by bisection)."""
        return self._terms_at(bisect.bisect_left(range(len(self.offsets) - 1), prefix,
                                                 key=self.term))

    def _terms_at(self, start: int) -> Iterator[bytes]:
        # A few at first (a prefix usually wants a few), then in larger runs.
        count, run = len(self.offsets) - 1, 64
        while start < count:
            end = min(start + run, count)
            offsets = self.offsets[start:end + 1].tolist()
            base = offsets[0]
            blob = bytes(self.blob[base:offsets[-1]])
            for first, last in pairwise(offsets):
                yield blob[first - base:last - base]
            start, run = end, min(run * 4, 65536)


@dataclass(frozen=True)
class SegmentArrays:
    """The mapped arrays of one segment."""

    docs: int
    fields: dict[str, FieldArrays]

    def entry(self, field: str, btext: bytes) -> Entry | None:
        found = self.fields.get(field)
        return found.entry(btext) if found is not None else None

    def postings(self, field: str, btext: bytes) -> tuple[np.ndarray, np.ndarray]:
        """(local ids, weights) of a term; empty arrays when it is not there."""
        found = self.fields.get(field)
        entry = found.entry(btext) if found is not None else None
        if found is None or entry is None:
            return np.zeros(0, np.uint32), np.zeros(0, np.float32)
        first, count, _ = entry
        return found.ids[first:first + count], found.weights[first:first + count]

    def bitmap(self, field: str, btext: bytes) -> np.ndarray | None:
        """The documents of a term as a bitmap (`FieldArrays.bitmap`), or None when it is
        not a dense term of the field (or the file has no bitmaps)."""
        found = self.fields.get(field)
        number = found.find(btext) if found is not None and len(found.dense) else None
        return found.bitmap(number) if found is not None and number is not None else None

    def positions_of(self, field: str, btext: bytes) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(local ids, position counts, flat positions) of a term."""
        found = self.fields.get(field)
        number = found.find(btext) if found is not None else None
        if found is None or number is None or found.positions is None \
                or found.pstarts is None:
            empty = np.zeros(0, np.uint32)
            return empty, empty, empty
        first, count, at = found.entry_of(number)
        stop = int(found.pstarts[number + 1])  # (the next term's first: no sum of counts)
        return (found.ids[first:first + count], found.counts[first:first + count],
                found.positions[at:stop])

    def lengths(self, field: str) -> np.ndarray:
        """The length byte of each document in `field` (zeros when it has none)."""
        found = self.fields.get(field)
        if found is None or found.lengths is None:
            return np.zeros(self.docs, np.uint8)
        return found.lengths


def load(path: Path) -> SegmentArrays | None:
    """The arrays at `path` (mapped once and shared), or None if there are none
    or the file is not one of ours."""
    return _open.load(path)


def forget(folder: Path) -> None:
    """Stop keeping the mapped files of `folder` (they are unmapped once unused)."""
    _open.forget(folder)


def _map(path: Path) -> SegmentArrays | None:
    found = mapped.read(path, MAGIC)
    if found is None:
        return None
    try:
        header, views = found.header, found.views
        docs = int(header["docs"])
        fields = {name: FieldArrays(views, name, info, found.raw(f"{name}:blob"), docs)
                  for name, info in header["fields"].items()}
        return SegmentArrays(docs=docs, fields=fields)
    except Exception:  # noqa: BLE001 - a damaged file is no file
        return None


_open: mapped.OpenFiles[SegmentArrays] = mapped.OpenFiles(_map, OPEN_FILES)
