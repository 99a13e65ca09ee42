"""The index's own files read through Whoosh's reader interface.

The index has no Whoosh segment files: its postings are the arrays of
`postings.arrays`, its documents and columns `postings.documents`, its segments
named in `postings.segments`. What Whoosh's public classes ask of an index
(`Query.expanded_terms`, `Searcher.idf`, `avg_field_length`,
`document_number`, `stored_fields`, `more_like`, and the matchers of a search
the evaluator does not answer) they ask of an `IndexReader`; `SegmentFiles` is
one, over one segment's mapped arrays, and `open_index` gives the reader of a
whole generation (Whoosh's `MultiReader` over them when there are several)
and a `Searcher` on it. Statistics are Whoosh's: document frequencies, total
weights and field lengths count deleted documents too (Whoosh's term infos do,
until a segment is rewritten), postings leave them out.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from whoosh.matching import ListMatcher, ReadTooFar
from whoosh.reading import IndexReader, MultiReader, TermInfo, TermNotFound
from whoosh.searching import Searcher
from whoosh.util.numeric import byte_to_length

from search.postings import arrays, documents
from search.postings.segments import (
    Contents,
    NotAnIndex,
    SegmentEntry,
    read_contents,
    read_deletions,
)

LENGTH_OF_BYTE = np.array([byte_to_length(b) for b in range(256)], np.float64)


@dataclass(frozen=True)
class Segment:
    """One segment's mapped files, and which of its documents are deleted."""

    id: str
    docs: int
    arrays: arrays.SegmentArrays
    documents: documents.SegmentDocuments
    deleted: np.ndarray | None  # boolean mask, None: none deleted

    def segment_id(self) -> str:
        return self.id


def load_segment(folder: Path, entry: SegmentEntry) -> Segment:
    posting = arrays.load(arrays.arrays_path(folder, entry.id))
    stored = documents.load(documents.documents_path(folder, entry.id))
    if posting is None or stored is None or posting.docs != entry.docs \
            or stored.docs != entry.docs:
        raise NotAnIndex(f"the files of segment {entry.id} are missing or damaged")
    deleted = read_deletions(folder, entry.deletions, entry.docs) if entry.deletions else None
    return Segment(entry.id, entry.docs, posting, stored,
                   deleted if deleted is not None and deleted.any() else None)


class _ArrayMatcher(ListMatcher):
    """A term's postings from the arrays, for Whoosh's matcher trees: document numbers and
    weights as lists, positions sliced from the flat array only when asked for
    (`value_as("positions")`, what phrase and span matchers call), encoded only if
    asked for raw (`value`); no value for a field without positions (the `id`), as
    Whoosh's own matcher gives none. The list is one block: its quality bounds come
    from the term's statistics, worked out once, and `skip_to` is a binary search."""

    def __init__(self, ids: list[int], weights: list[float], fmt: Any, scorer: Any,
                 term: tuple[str, bytes], info: TermInfo,
                 positions: np.ndarray | None = None,
                 bounds: tuple[list[int], list[int]] | None = None, at: int = 0) -> None:
        super().__init__(ids, weights, None, fmt, scorer, at, None, term, info)
        # The flat positions, and where each posting's start and end among them.
        self._positions, self._bounds = positions, bounds

    def value(self) -> bytes | None:
        if self._positions is None:
            return None
        return self._format.encode(self.value_as("positions"))

    def value_as(self, astype: str) -> Any:
        if astype == "positions" and self._positions is not None:
            assert self._bounds is not None
            starts, ends = self._bounds
            return self._positions[starts[self._i]:ends[self._i]].tolist()
        return super().value_as(astype)

    def all_items(self) -> Iterator[tuple[int, bytes | None]]:
        for at, docnum in enumerate(self._ids):
            self._i = at
            yield docnum, self.value()

    def skip_to(self, id: int) -> None:  # noqa: A002 - Whoosh's name
        if not self.is_active():
            raise ReadTooFar
        if id > self._ids[self._i]:
            self._i = bisect_left(self._ids, id, self._i)

    def block_max_weight(self) -> float:
        return self._terminfo.max_weight()

    def copy(self) -> _ArrayMatcher:
        return _ArrayMatcher(self._ids, self._weights, self._format, self._scorer,
                             self._term, self._terminfo, self._positions, self._bounds,
                             self._i)


class SegmentFiles(IndexReader):
    """Whoosh's `IndexReader` over one segment's arrays and documents."""

    def __init__(self, schema: Any, segment: Segment, generation: int = 0) -> None:
        self.schema = schema
        self.files = segment
        self._stored_names: frozenset[str] | None = None
        self.arrays = segment.arrays
        self._generation = generation
        self.is_closed = False

    # -- the segment ---------------------------------------------------------------

    def segment(self) -> Segment:
        return self.files

    def generation(self) -> int:
        return self._generation

    def close(self) -> None:
        self.is_closed = True  # the mapped files are shared, and closed with the process

    def doc_count_all(self) -> int:
        return self.files.docs

    def doc_count(self) -> int:
        deleted = self.files.deleted
        return self.files.docs - (int(deleted.sum()) if deleted is not None else 0)

    def has_deletions(self) -> bool:
        return self.files.deleted is not None

    def is_deleted(self, docnum: int) -> bool:
        deleted = self.files.deleted
        return bool(deleted[docnum]) if deleted is not None else False

    def live(self) -> np.ndarray:
        """A boolean mask of the live documents."""
        deleted = self.files.deleted
        return ~deleted if deleted is not None else np.ones(self.files.docs, bool)

    def all_doc_ids(self) -> Iterator[int]:
        return iter(np.flatnonzero(self.live()).tolist())

    def iter_docs(self) -> Iterator[tuple[int, dict[str, Any]]]:
        for docnum in self.all_doc_ids():
            yield docnum, self.stored_fields(docnum)

    def stored_fields(self, docnum: int) -> dict[str, Any]:
        fields = self.files.documents.stored(docnum)
        if self._stored_names is None:  # (a set: Whoosh's Schema.__contains__ is slow)
            self._stored_names = frozenset(self.schema.names())
        known = self._stored_names
        return fields if known.issuperset(fields) else \
            {name: value for name, value in fields.items() if name in known}

    def all_stored_fields(self) -> Iterator[dict[str, Any]]:
        for docnum in self.all_doc_ids():
            yield self.stored_fields(docnum)

    # -- columns ---------------------------------------------------------------------

    def number_column(self, name: str) -> np.ndarray:
        found = self.files.documents.number_column(name)
        return found if found is not None else np.zeros(self.files.docs, np.int64)

    def value_column(self, name: str) -> list[bytes]:
        """Each document's value of column `name` (b"" where the segment has none)."""
        return decoded(*self.value_codes(name))

    def value_codes(self, name: str) -> tuple[np.ndarray, list[bytes]]:
        """Column `name` as each document's code into a table of its distinct values (a
        segment without the column: every document the code of b"")."""
        found = self.files.documents.value_codes(name)
        return found if found is not None else (np.zeros(self.files.docs, np.int64), [b""])

    def lengths(self, field: str) -> np.ndarray:
        """The length byte of each document in `field`."""
        return self.arrays.lengths(field)

    # -- terms -------------------------------------------------------------------------

    def _field(self, fieldname: str) -> arrays.FieldArrays | None:
        return self.arrays.fields.get(fieldname)

    def _number(self, fieldname: str, text: Any) -> tuple[arrays.FieldArrays, int] | None:
        field = self._field(fieldname)
        if field is None or fieldname not in self.schema:
            return None
        number = field.find(self._text_to_bytes(fieldname, text))
        return None if number is None else (field, number)

    def __contains__(self, term: Any) -> bool:
        fieldname, text = term
        return self._number(fieldname, text) is not None

    def indexed_field_names(self) -> list[str]:
        return list(self.arrays.fields)

    def all_terms(self) -> Iterator[tuple[str, bytes]]:
        for name in sorted(self.arrays.fields):
            if name in self.schema:
                for btext in self.arrays.fields[name].terms():
                    yield name, btext

    def terms_from(self, fieldname: str, prefix: Any) -> Iterator[tuple[str, bytes]]:
        field = self._field(fieldname)
        if fieldname not in self.schema:
            raise TermNotFound(f"No field {fieldname!r}")
        if field is None:
            return
        for btext in field.terms_from(self._text_to_bytes(fieldname, prefix)):
            yield fieldname, btext

    def lexicon(self, fieldname: str) -> Iterator[bytes]:
        field = self._field(fieldname)
        return iter(field.terms() if field is not None else ())

    def __iter__(self) -> Iterator[tuple[tuple[str, bytes], TermInfo]]:
        for name, btext in self.all_terms():
            yield (name, btext), self.term_info(name, btext)

    def iter_from(self, fieldname: str, text: Any) -> Iterator[tuple[tuple[str, bytes], TermInfo]]:
        for name, btext in self.terms_from(fieldname, text):
            yield (name, btext), self.term_info(name, btext)

    def _slice(self, field: arrays.FieldArrays, number: int) -> tuple[int, int]:
        return int(field.starts[number]), int(field.starts[number + 1])

    def term_info(self, fieldname: str, text: Any) -> TermInfo:
        found = self._number(fieldname, text)
        if found is None:
            raise TermNotFound(f"{fieldname}:{text!r}")
        field, number = found
        start, end = self._slice(field, number)
        ids = field.ids[start:end]
        weights = field.weights[start:end]
        minlength = maxlength = 0  # as Whoosh's term infos: 0 where no length is known
        if field.lengths is not None:
            present = field.lengths[ids]
            present = present[present > 0]
            if len(present):
                minlength = byte_to_length(int(present.min()))
                maxlength = byte_to_length(int(present.max()))
        return TermInfo(weight=float(weights.sum(dtype=np.float64)), df=end - start,
                        minlength=minlength, maxlength=maxlength,
                        maxweight=float(weights.max()), minid=int(ids[0]), maxid=int(ids[-1]))

    def frequency(self, fieldname: str, text: Any) -> float:
        found = self._number(fieldname, text)
        if found is None:
            return 0
        field, number = found
        start, end = self._slice(field, number)
        return float(field.weights[start:end].sum(dtype=np.float64))

    def doc_frequency(self, fieldname: str, text: Any) -> int:
        found = self._number(fieldname, text)
        if found is None:
            return 0
        start, end = self._slice(*found)
        return end - start

    # -- field lengths ---------------------------------------------------------------

    def field_length(self, fieldname: str) -> int:
        field = self._field(fieldname)
        return field.total if field is not None else 0

    def _lengths_of(self, fieldname: str) -> np.ndarray | None:
        field = self._field(fieldname)
        return field.lengths if field is not None else None

    def min_field_length(self, fieldname: str) -> int:
        found = self._lengths_of(fieldname)
        return byte_to_length(int(found.min())) if found is not None and len(found) else 0

    def max_field_length(self, fieldname: str) -> int:
        found = self._lengths_of(fieldname)
        return byte_to_length(int(found.max())) if found is not None and len(found) else 0

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int:
        found = self._lengths_of(fieldname)
        if found is None:
            return default
        # As Whoosh's W3 reader: None for a document with no words in the field.
        return byte_to_length(int(found[docnum])) if found[docnum] else None  # type: ignore[return-value]

    # -- postings ----------------------------------------------------------------------

    def postings(self, fieldname: str, text: Any, scorer: Any = None) -> Any:
        found = self._number(fieldname, text)
        if found is None:
            raise TermNotFound(f"{fieldname}:{text!r}")
        field, number = found
        start, end = self._slice(field, number)
        ids = field.ids[start:end].astype(np.int64)
        weights = field.weights[start:end].astype(np.float64)
        fmt = self.schema[fieldname].format
        term = (fieldname, self._text_to_bytes(fieldname, text))
        info = self.term_info(fieldname, text)
        keep = ~self.files.deleted[ids] if self.files.deleted is not None else None
        positions = bounds = None
        if field.positions is not None:
            counts = field.counts[start:end].astype(np.int64)
            assert field.pstarts is not None  # (a positional field has them)
            at = int(field.pstarts[number])
            positions = field.positions[at:at + int(counts.sum())]
            ends = np.cumsum(counts)
            starts = ends - counts
            if keep is not None:
                starts, ends = starts[keep], ends[keep]
            bounds = (starts.tolist(), ends.tolist())
        if keep is not None:
            ids, weights = ids[keep], weights[keep]
        return _ArrayMatcher(ids.tolist(), weights.tolist(), fmt, scorer, term, info,
                             positions, bounds)

    def has_vector(self, docnum: int, fieldname: str) -> bool:
        return False

    def vector(self, docnum: int, fieldname: str, format_: Any = None) -> Any:
        raise ValueError(f"no term vectors are stored (field {fieldname!r})")


class GenerationReader(MultiReader):
    """Whoosh's `MultiReader` over the segments of a generation, with the columns and the
    field lengths of all of them."""

    def __init__(self, schema: Any, readers: list[SegmentFiles], generation: int) -> None:
        super().__init__(readers, generation)
        self.schema = schema

    def number_column(self, name: str) -> np.ndarray:
        parts = [r.number_column(name) for r in self.readers]
        return np.concatenate(parts) if parts else np.zeros(0, np.int64)

    def value_column(self, name: str) -> list[bytes]:
        return decoded(*self.value_codes(name))

    def value_codes(self, name: str) -> tuple[np.ndarray, list[bytes]]:
        """The segments' codes end to end, each into the segments' tables end to end."""
        parts: list[np.ndarray] = []
        table: list[bytes] = []
        for reader in self.readers:
            codes, values = reader.value_codes(name)
            parts.append(codes.astype(np.int64) + len(table))
            table.extend(values)
        return (np.concatenate(parts) if parts else np.zeros(0, np.int64)), table

    def lengths(self, field: str) -> np.ndarray:
        parts = [r.lengths(field) for r in self.readers]
        return np.concatenate(parts) if parts else np.zeros(0, np.uint8)

    def live(self) -> np.ndarray:
        parts = [r.live() for r in self.readers]
        return np.concatenate(parts) if parts else np.zeros(0, bool)


class Index:
    """One generation's index, opened: its schema, segments, readers and searchers."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.contents: Contents = read_contents(self.folder)
        self.schema = self.contents.schema
        self.segments = [load_segment(self.folder, entry) for entry in self.contents.segments]

    def reader(self) -> SegmentFiles | GenerationReader:
        readers = [SegmentFiles(self.schema, segment, self.contents.generation)
                   for segment in self.segments]
        if len(readers) == 1:
            return readers[0]
        return GenerationReader(self.schema, readers, self.contents.generation)

    def searcher(self, **kwargs: Any) -> Searcher:
        return Searcher(self.reader(), **kwargs)

    def doc_count(self) -> int:
        return sum(s.docs - (int(s.deleted.sum()) if s.deleted is not None else 0)
                   for s in self.segments)

    def doc_count_all(self) -> int:
        return sum(s.docs for s in self.segments)

    def close(self) -> None:
        """Stop keeping this generation's files mapped: they are closed once no reader,
        searcher or array taken from them is left."""
        self.segments = []
        arrays.forget(self.folder)
        documents.forget(self.folder)


def decoded(codes: np.ndarray, table: list[bytes]) -> list[bytes]:
    """Each document's value from a column's codes and the table they point into."""
    return [table[code] for code in codes.tolist()]


def open_index(folder: Path) -> Index:
    """The index of the generation in `folder` (`segments.NotAnIndex` when none)."""
    return Index(folder)


def leaf_files(reader: Any) -> list[tuple[SegmentFiles, int]]:
    """(segment reader, first document number) of each segment of a reader."""
    if isinstance(reader, SegmentFiles):
        return [(reader, 0)]
    return list(reader.leaf_readers())
