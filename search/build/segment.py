"""Write a standard Whoosh W3 segment from documents held in memory.

Whoosh's `SegmentWriter` sends every posting through an external sort pool
(a tuple per posting, sorted, spilled to disk past `limitmb`), looks up each
posting's field length again when it writes it, and checks and appends each
posting to its block one call at a time. `SegmentBuilder` instead keeps, per
field, term -> (document numbers, weights, positions) in dicts as documents
come (document numbers only grow, so each list is in order) and the length
byte of every document's field, then writes each term's postings whole
(`search._whoosh.write_field`), and the segment's posting arrays
(`postings.arrays`) from
the same lists, so they need not be read back through Whoosh afterwards:

- per document it does what `SegmentWriter.add_document` does, through the
  codec's own `W3PerDocWriter` (`start_doc`, `add_field` with the stored value
  and the field length, `add_column_value`, `finish_doc`): stored fields,
  length columns, value columns and total field lengths are Whoosh's own;
- per field, `W3FieldWriter` opens the files, numbers the fields
  (`start_field`) and closes the term index; `_whoosh.write_field` writes the
  terms in between.

Terms come from `text.wordwise` where it recognises the field's analyzer
(positions encoded by the field format's own `encode`), else from the field's
own `index()`. The segment is the one `ix.writer()` writes for the same
documents: tests/test_fastbuild.py compares the files byte for byte
(`whoosh_bytes=True`) and the decoded index otherwise.

It uses the codec's writers as `SegmentWriter` does (`W3Codec.field_writer`,
`per_document_writer`, `new_segment`; `W3PerDocWriter.start_doc`, `add_field`,
`add_column_value`, `finish_doc`); what it needs of their private parts (the
length columns, the postings format) is in `search._whoosh`.
"""

from __future__ import annotations

import contextlib
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import chain
from pathlib import Path
from typing import Any

import numpy as np
from whoosh.codec.whoosh3 import W3Codec
from whoosh.fields import Schema, UnknownFieldError
from whoosh.filedb.filestore import FileStorage, Storage
from whoosh.formats import Positions
from whoosh.util.numeric import length_to_byte

from search.postings import arrays
from search.text.wordwise import FastAnalyzer, from_analyzer
from search._whoosh import COMPRESS_MIN, Postings, write_field, write_length_column

_WEIGHTS = tuple(float(n) for n in range(256))  # shared float objects for small counts


class Unsupported(Exception):
    """The schema uses something the builder does not write (vectors, spelling fields,
    boosts): the caller uses Whoosh's own writer instead."""


class _Field:
    """How one indexed field is turned into postings, and what has been collected."""

    def __init__(self, name: str, fieldobj: Any, share: bool) -> None:
        self.name = name
        self.share = share
        self.fieldobj = fieldobj
        self.scorable = bool(fieldobj.scorable)
        fast = from_analyzer(getattr(fieldobj, "analyzer", None))
        fmt = fieldobj.format
        # The fast path stands for Positions.word_values with a field boost of 1.
        self.fast: FastAnalyzer | None = (
            fast if type(fmt) is Positions and fmt.field_boost == 1.0 else None)
        self.encode = fmt.encode
        self.one_position: dict[int, tuple[int]] = {}
        self.one_encoded: dict[int, bytes] = {}
        # term -> document numbers, weights, and positions (fast) or encoded values
        self.postings: dict[str, tuple[list[int], list[float], list[Any]]] = {}
        self.lengths = bytearray()  # the length byte of each document, by number
        self.total = 0  # of the lengths

    def add(self, docnum: int, value: object) -> int:
        """Collect the postings of `value` for document `docnum`; return the field length."""
        postings = self.postings
        length = 0
        if self.fast is not None and isinstance(value, str):
            # The positions are kept (encoded when written): one shared tuple for each
            # single position, the analyzer's own list for several.
            one, share = self.one_position, self.share
            weight_of = _WEIGHTS
            get = postings.get
            for term, positions in self.fast.positions(value).items():
                count = len(positions)
                encoded: Sequence[int] | None
                if count == 1 and share:
                    encoded = one.get(positions[0])
                    if encoded is None:
                        encoded = one[positions[0]] = (positions[0],)
                        self.one_encoded[positions[0]] = self.encode(encoded)
                else:
                    encoded = positions
                weight = weight_of[count] if count < 256 else float(count)
                found = get(term)
                if found is None:
                    postings[term] = ([docnum], [weight], [encoded])
                else:
                    found[0].append(docnum)
                    found[1].append(weight)
                    found[2].append(encoded)
                length += count
        else:
            for tbytes, freq, weight, encoded in self.fieldobj.index(value):
                term = tbytes.decode("utf-8")
                weight = weight * 1.0  # as SegmentWriter: times the field boost, 1.0
                found = postings.get(term)
                if found is None:
                    postings[term] = ([docnum], [weight], [encoded or b""])
                else:
                    found[0].append(docnum)
                    found[1].append(weight)
                    found[2].append(encoded or b"")
                length += freq
        if not self.scorable:
            length = 0
        lengths = self.lengths
        self.total += length
        if len(lengths) < docnum:
            lengths.extend(bytes(docnum - len(lengths)))
        lengths.append(length_to_byte(length) if length else 0)
        return length


class SegmentBuilder:
    """Documents in, one Whoosh segment out: `add(doc)` for each, then `finish()`.

    Two choices make smaller files that decode to the same postings: one encoded
    value is shared by every posting at the same single position, so that
    pickle writes it once per block (a back reference after that), and short
    blocks are not compressed (`_whoosh.COMPRESS_MIN`). With `whoosh_bytes=True`
    the segment's files are, byte for byte, those of Whoosh's own writer.

    `add` takes the keyword arguments `IndexWriter.add_document` would, without
    `_boost`/`_stored_` keys. Column and stored values stream to the segment's
    per-document files as they come; postings stay in memory until `finish`.
    """

    def __init__(self, storage: Storage, schema: Schema, indexname: str = "MAIN",
                 whoosh_bytes: bool = False) -> None:
        for name, fieldobj in schema.items():
            if fieldobj.vector or fieldobj.separate_spelling():
                raise Unsupported(f"field {name!r}: term vectors or a spelling field")
        self.schema = schema
        self.storage = storage
        self.codec = W3Codec()
        self.segment = self.codec.new_segment(storage, indexname)
        self.fields: dict[str, _Field] = {}
        self.whoosh_bytes = whoosh_bytes
        self.doccount = 0
        self._perdoc = self.codec.per_document_writer(storage, self.segment)

    def add(self, doc: Mapping[str, object]) -> None:
        """Add one document (field name -> value), numbered in the order of the calls."""
        schema, perdoc = self.schema, self._perdoc
        names = sorted(doc)
        for name in names:
            if name.startswith("_"):
                raise Unsupported(f"{name!r}: boosts and custom stored values")
            if name not in schema:
                raise UnknownFieldError(f"No field named {name!r} in {schema}")
        docnum = self.doccount
        perdoc.start_doc(docnum)
        try:
            for name in names:
                value = doc[name]
                if value is None:
                    continue
                fieldobj = schema[name]
                if fieldobj.indexed:
                    field = self.fields.get(name)
                    if field is None:
                        field = self.fields[name] = _Field(name, fieldobj,
                                                           share=not self.whoosh_bytes)
                    field.add(docnum, value)
                # The length goes to the length column at the end, in one piece.
                perdoc.add_field(name, fieldobj, value if fieldobj.stored else None, 0)
                column = fieldobj.column_type
                if column:
                    perdoc.add_column_value(name, column, fieldobj.to_column_value(value))
        except BaseException:
            perdoc.cancel_doc()
            raise
        perdoc.finish_doc()
        self.doccount += 1

    def _write_lengths(self) -> None:
        """What `W3PerDocWriter.add_field` does with each document's field length, for all
        documents at once: the total, and the length column (a byte per document up to
        the last non-zero one, as Whoosh's NumericColumn writer leaves it)."""
        perdoc = self._perdoc
        for name in sorted(self.fields):
            field = self.fields[name]
            if not field.total:
                continue
            write_length_column(perdoc, name, field.total, bytes(field.lengths).rstrip(b"\0"))

    def cancel(self) -> None:
        """Close the files of a segment that will not be finished (as Whoosh's own
        `SegmentWriter.cancel` does; the caller removes the directory)."""
        with contextlib.suppress(Exception):
            if not self._perdoc.is_closed:
                self._perdoc.close()
        self.fields.clear()

    def postings_count(self) -> int:
        """How many postings are held in memory (to bound a chunk, and for progress)."""
        return sum(len(ids) for field in self.fields.values()
                   for ids, _, _ in field.postings.values())

    def finish(self, progress: Callable[[int], None] | None = None) -> Any:
        """Write the postings and close the segment's files; return the Whoosh segment
        (for a TOC). `progress(postings)` is called with each batch of postings written."""
        self._write_lengths()
        self._perdoc.close()
        fieldwriter = self.codec.field_writer(self.storage, self.segment)
        positional = arrays.positional_fields(self.schema)
        posting_arrays = None
        if all(name not in self.fields or self.fields[name].fast for name in positional):
            posting_arrays = _Arrays(positional)
        try:
            for name in sorted(self.fields):
                field = self.fields[name]
                if not field.postings:
                    # As Whoosh's writer: a field no document gave a word (an empty
                    # body everywhere) is never started, so it takes no field number.
                    continue
                fieldwriter.start_field(name, field.fieldobj)
                postings = field.postings
                ordered = sorted((term.encode("utf-8"), term) for term in postings)
                terms: Iterable[tuple[bytes, Postings]] = (
                    (btext, postings[term]) for btext, term in ordered)
                if field.fast is not None:
                    terms = self._encoded(field, terms, posting_arrays
                                          if name in positional else None)
                write_field(fieldwriter, terms, field.fieldobj.format.fixed_value_size(),
                            field.lengths if field.scorable else None, field.fast is not None,
                            0 if self.whoosh_bytes else COMPRESS_MIN, progress)
                del ordered, terms
                fieldwriter.finish_field()
                postings.clear()
        except BaseException:
            with contextlib.suppress(Exception):
                fieldwriter.close()
            raise
        fieldwriter.close()
        self.segment.set_doc_count(self.doccount)
        if posting_arrays is not None and isinstance(self.storage, FileStorage):
            posting_arrays.write(arrays.arrays_path(Path(self.storage.folder),
                                                    self.segment.segment_id()), self.doccount)
        return self.segment

    def _encoded(self, field: _Field, terms: Iterable[tuple[bytes, Postings]],
                 posting_arrays: _Arrays | None) -> Iterator[tuple[bytes, Postings]]:
        """The terms of a fast field with their positions encoded as the format does
        (one shared value per single position, unless whoosh_bytes), and added to the
        posting arrays on the way."""
        encode, cache, share = field.encode, field.one_encoded, not self.whoosh_bytes
        for btext, (ids, weights, kept) in terms:
            if share:  # every single position's value was made with its tuple
                values = [cache[p[0]] if len(p) == 1 else encode(p) for p in kept]
            else:
                values = [encode(p) for p in kept]
            if posting_arrays is not None:
                posting_arrays.add(field.name, btext, ids, weights, kept)
            yield btext, (ids, weights, values)


class _Arrays:
    """The posting arrays of `search.arrays` for the segment, gathered while its postings
    are written (instead of read back through Whoosh afterwards): per positional field
    and term, where its postings and positions start, and how many postings."""

    def __init__(self, fields: list[str]) -> None:
        self.ids, self.weights = array("I"), array("f")
        self.counts, self.positions = array("I"), array("I")
        self.directory: dict[str, dict[bytes, tuple[int, int, int]]] = {
            name: {} for name in fields}

    def add(self, field: str, btext: bytes, ids: Sequence[int], weights: Sequence[float],
            positions: Sequence[Any]) -> None:
        self.directory[field][btext] = (len(self.ids), len(ids), len(self.positions))
        self.ids.extend(ids)
        self.weights.extend(weights)
        self.counts.extend(map(len, positions))
        self.positions.extend(chain.from_iterable(positions))

    def write(self, path: Path, docs: int) -> None:
        arrays.write_arrays(path, docs, self.directory,
                            np.frombuffer(self.ids, np.uint32),
                            np.frombuffer(self.weights, np.float32),
                            np.frombuffer(self.counts, np.uint32),
                            np.frombuffer(self.positions, np.uint32))
