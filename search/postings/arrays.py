"""Posting lists as flat arrays beside each Whoosh segment, read with no decoding.

Whoosh keeps a posting list as zlib-compressed pickles of 128 postings, each
posting's positions a pickle of its own: reading a common word's list at 100k
items means unpickling hundreds of blocks and tens of thousands of position
lists. Here, once a segment is written, its positional text fields are also
written out as four flat arrays (file `MAIN_<segment id>.nsa`, beside the
segment's own files, so Whoosh's file cleaning removes it with the segment):

    ids        uint32   segment-local document numbers, term by term, ascending
    weights    float32  the term's weight in each document (Whoosh's, unchanged)
    counts     uint32   how many positions each posting has
    positions  uint32   the positions, posting by posting, ascending in each

(weights, counts and positions as uint16 when every value fits, as they nearly
always do; the header records each array's type)

plus, per field, a term directory (first posting, postings, first position of
each term), also as arrays: terms sorted by a stable 63-bit hash, found by
binary search, so a mapped file costs no heap however many terms it holds (a
pickled dict took 30 MB per 50k items). Searching maps the file and takes
numpy views of it: a list of a hundred thousand postings costs microseconds
instead of a tenth of a second.

The arrays are exactly Whoosh's postings (`write_segment_arrays` reads them
through Whoosh's own matcher), and `postings.evaluator` uses them only for segments
without deletions; any other segment is read through Whoosh as before.
`tests/test_arrays.py` checks them against Whoosh posting by posting.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from hashlib import blake2b
from pathlib import Path

import numpy as np
from whoosh import index as whoosh_index
from whoosh.formats import Positions
from whoosh.reading import SegmentReader

from search._whoosh import iter_postings
from search.cache import LRUCache
from search.postings import mapped

MAGIC = b"NSA1"
SUFFIX = ".nsa"
OPEN_FILES = 256  # mapped files kept open (one per segment; a mapped file costs no heap)

Entry = tuple[int, int, int]  # first posting, postings, first position


def arrays_path(index_path: Path, segment_id: str) -> Path:
    """Where the arrays of a segment live (`segment_id` is Whoosh's `MAIN_<id>`)."""
    return index_path / f"{segment_id}{SUFFIX}"


def positional_fields(schema) -> list[str]:  # type: ignore[no-untyped-def]
    """The fields whose postings carry positions (the text fields)."""
    return [name for name, field in schema.items()
            if field.indexed and type(field.format) is Positions]


def _read_term(reader: SegmentReader, field: str, btext: bytes,
               ids: array, weights: array, counts: array, positions: array) -> int:
    """Append one term's postings; return how many."""
    before = len(ids)
    for docnum, weight, found in iter_postings(reader.postings(field, btext), 0,
                                               reader.schema[field].format):
        ids.append(docnum)
        weights.append(weight)
        counts.append(len(found))
        positions.extend(found)
    return len(ids) - before


def write_segment_arrays(reader: SegmentReader, path: Path) -> Path:
    """Write the arrays of one segment (read through Whoosh) to `path`, atomically."""
    # Compact buffers (4 bytes an entry): a segment may hold tens of millions.
    ids, weights, counts, positions = array("I"), array("f"), array("I"), array("I")
    directory: dict[str, dict[bytes, Entry]] = {}
    for field in positional_fields(reader.schema):
        terms = directory[field] = {}
        for btext in reader.lexicon(field):
            first, at = len(ids), len(positions)
            count = _read_term(reader, field, btext, ids, weights, counts, positions)
            terms[btext] = (first, count, at)
    write_arrays(path, reader.doc_count_all(), directory,
                 np.frombuffer(ids, np.uint32), np.frombuffer(weights, np.float32),
                 np.frombuffer(counts, np.uint32), np.frombuffer(positions, np.uint32))
    return path


def write_arrays(path: Path, docs: int, directory: dict[str, dict[bytes, Entry]],
                 ids: np.ndarray, weights: np.ndarray, counts: np.ndarray,
                 positions: np.ndarray) -> None:
    """Write an arrays file (to a temporary name, then renamed into place).

    `directory` maps field -> term bytes -> (first posting, postings, first
    position). It is stored as arrays too (see `_Terms`), so a mapped file
    costs no heap however many terms it holds.
    """
    parts = [("ids", ids), ("weights", _narrow(weights)), ("counts", _narrow(counts)),
             ("positions", _narrow(positions))]
    for field, terms in directory.items():
        parts += [(f"{field}:{name}", values) for name, values in _term_arrays(terms)]
    mapped.write(path, MAGIC, {"docs": docs, "fields": list(directory)}, parts)


def term_hash(btext: bytes) -> int:
    """A stable 63-bit hash of a term (Python's own hash of bytes changes per process)."""
    return int.from_bytes(blake2b(btext, digest_size=8).digest(), "little") >> 1


def _term_arrays(terms: dict[bytes, Entry]) -> list[tuple[str, np.ndarray]]:
    ordered = sorted(terms, key=lambda btext: (term_hash(btext), btext))
    lengths = np.fromiter(map(len, ordered), np.int64, len(ordered))
    offsets = np.zeros(len(ordered) + 1, "<i8")
    np.cumsum(lengths, out=offsets[1:])
    entries = np.array([terms[btext] for btext in ordered], "<i8").reshape(-1)
    return [("hashes", np.fromiter(map(term_hash, ordered), "<i8", len(ordered))),
            ("offsets", offsets), ("entries", entries),
            ("blob", np.frombuffer(b"".join(ordered), np.uint8))]


def _narrow(values: np.ndarray) -> np.ndarray:
    """`values` as 2-byte unsigned integers when that loses nothing (frequencies,
    position counts and positions nearly always fit): a third less to store and map."""
    if len(values) and (values.min() < 0 or values.max() > 0xFFFF):
        return values
    narrow = values.astype("<u2")
    return narrow if np.array_equal(narrow, values) else values


def write_missing(folder: Path) -> int:
    """Write the arrays of every segment of the Whoosh index in `folder` that has none
    (and no deletions); return how many. A full build writes its segments' arrays
    itself (`build.segment`); this fills in what an update's Whoosh writer added."""
    index = whoosh_index.open_dir(str(folder))
    written = 0
    try:
        with index.reader() as top:
            for reader in _segment_readers(top):
                path = arrays_path(folder, reader.segment().segment_id())
                if not reader.has_deletions() and not path.exists():
                    write_segment_arrays(reader, path)
                    written += 1
    finally:
        index.close()
    return written


def _segment_readers(reader) -> Iterable[SegmentReader]:  # type: ignore[no-untyped-def]
    if isinstance(reader, SegmentReader):
        yield reader
        return
    for leaf, _ in reader.leaf_readers():
        if isinstance(leaf, SegmentReader):
            yield leaf


class _Terms:
    """One field's term directory, read from the mapped file: terms sorted by
    `term_hash`, their bytes end to end, and (first posting, postings, first
    position) of each. A lookup is a binary search over the hashes."""

    def __init__(self, hashes: np.ndarray, offsets: np.ndarray, entries: np.ndarray,
                 blob: memoryview) -> None:
        self.hashes, self.offsets, self.blob = hashes, offsets, blob
        self.entries = entries.reshape(-1, 3)

    def __len__(self) -> int:
        return len(self.hashes)

    def get(self, btext: bytes) -> Entry | None:
        wanted = term_hash(btext)
        hashes = self.hashes
        at = int(np.searchsorted(hashes, wanted))
        while at < len(hashes) and int(hashes[at]) == wanted:
            start, end = int(self.offsets[at]), int(self.offsets[at + 1])
            if self.blob[start:end] == btext:
                first, count, position = self.entries[at].tolist()
                return first, count, position
            at += 1
        return None


@dataclass(frozen=True)
class SegmentArrays:
    """The mapped arrays of one segment."""

    docs: int
    terms: dict[str, _Terms]
    ids: np.ndarray
    weights: np.ndarray
    counts: np.ndarray
    positions: np.ndarray

    def entry(self, field: str, btext: bytes) -> Entry | None:
        found = self.terms.get(field)
        return found.get(btext) if found is not None else None

    def postings(self, field: str, btext: bytes) -> tuple[np.ndarray, np.ndarray]:
        """(local ids, weights) of a term; empty arrays when it is not there."""
        found = self.entry(field, btext)
        if found is None:
            return self.ids[:0], self.weights[:0]
        first, count, _ = found
        return self.ids[first:first + count], self.weights[first:first + count]

    def positions_of(self, field: str, btext: bytes) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(local ids, position counts, flat positions) of a term."""
        found = self.entry(field, btext)
        if found is None:
            return self.ids[:0], self.counts[:0], self.positions[:0]
        first, count, at = found
        counts = self.counts[first:first + count]
        total = int(counts.sum(dtype=np.int64))
        return self.ids[first:first + count], counts, self.positions[at:at + total]


_open: LRUCache[SegmentArrays] = LRUCache(OPEN_FILES)


def load(path: Path) -> SegmentArrays | None:
    """The arrays at `path` (mapped once and shared), or None if there are none
    or the file is not one of ours."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return _open.get_or_make((str(path), stat.st_ino, stat.st_mtime_ns), lambda: _map(path))


def _map(path: Path) -> SegmentArrays | None:
    found = mapped.read(path, MAGIC)
    if found is None:
        return None
    try:
        header, views = found.header, found.views
        terms = {field: _Terms(views[f"{field}:hashes"], views[f"{field}:offsets"],
                               views[f"{field}:entries"], found.raw(f"{field}:blob"))
                 for field in header["fields"]}
        return SegmentArrays(docs=header["docs"], terms=terms, ids=views["ids"],
                             weights=views["weights"], counts=views["counts"],
                             positions=views["positions"])
    except Exception:  # noqa: BLE001 - a damaged file: search through Whoosh instead
        return None
