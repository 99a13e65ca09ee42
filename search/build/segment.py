"""Write one segment of the index from documents held in memory.

`SegmentBuilder` takes documents (field name -> value, as Whoosh's
`add_document` would) one at a time and writes the segment's two files when
`finish` is called: the posting arrays of every indexed field
(`postings.arrays`) and the documents, stored fields and value columns
(`postings.documents`). Per document and field the work is one analysis and
a few C-level appends:

- a text field's words go through `text.wordwise`: where every word needs
  only the per-word steps (nearly always), its terms come in order, each a
  position further on; otherwise (a join, a compound's parts) as
  {term: [positions]} in the order the analyzer chain emits them. Either way
  a term number (one dict: a new term gets the next number) and a position
  are appended per occurrence, to flat arrays;
- fields can be handed over instead (`given`): the build takes the postings
  of title, summary and body and of their literal-word copies from the words
  the term lists read anyway (`postings.segmentlists`);
- the `id` is its own term; any other field (an analyzer `wordwise` does not
  know) goes through the field's own `index()`;
- at the end, per field, the occurrences are put in term order with one
  stable numpy sort and a posting is a run of one term in one document
  (`arrays.occurrence_postings`), the terms sorted by their bytes.

The postings are Whoosh's: the same terms, frequencies, weights, positions
and field lengths Whoosh's own writer would index for the same documents
(`tests/test_fastbuild.py` compares them with an index Whoosh writes).
"""

from __future__ import annotations

import contextlib
from array import array
from collections.abc import Callable, Collection, Mapping
from itertools import chain, repeat
from pathlib import Path
from typing import Any

import numpy as np
from whoosh.analysis import IDTokenizer
from whoosh.columns import NumericColumn
from whoosh.fields import Schema, UnknownFieldError
from whoosh.formats import Existence, Positions

from search.postings import arrays, documents
from search.postings.segments import SegmentEntry, new_segment_id
from search.text.wordwise import ExactFastAnalyzer, FastAnalyzer, from_analyzer


class Unsupported(Exception):
    """The schema uses something the builder does not write (term vectors, spelling
    fields, boosts, a posting format other than existence, frequency or positions)."""


class _TermNumbers(dict[str, int]):
    """Term -> its number, a new term getting the next one (so `map(numbers.__getitem__,
    terms)` numbers a document's terms without a Python-level step per known term)."""

    def __missing__(self, term: str) -> int:
        number = self[term] = len(self)
        return number


class _Field:
    """One indexed field's postings, gathered a document at a time."""

    def __init__(self, name: str, fieldobj: Any) -> None:
        self.name = name
        self.fieldobj = fieldobj
        fmt = fieldobj.format
        self.positional = type(fmt) is Positions
        if not self.positional and not (fmt.supports("frequency") or fmt.supports("weight")):
            raise Unsupported(f"field {name!r}: posting format {type(fmt).__name__}")
        self.scorable = bool(fieldobj.scorable)
        fast = from_analyzer(getattr(fieldobj, "analyzer", None))
        # The fast path stands for Positions.word_values with a field boost of 1.
        self.fast: FastAnalyzer | None = (
            fast if self.positional and fmt.field_boost == 1.0 else None)
        # An ID field (IDTokenizer, Existence, no boost): the value is the one term.
        self.whole = (type(fmt) is Existence and fmt.field_boost == 1.0 and not self.scorable
                      and type(getattr(fieldobj, "analyzer", None)) is IDTokenizer)
        # A literal-word field: words as written, lower-cased, numbered 0, 1, ...
        self.tokens = self.fast.tokenize if isinstance(self.fast, ExactFastAnalyzer) else None
        self.numbers = _TermNumbers()
        self.term_ids = array("I")
        self.counts = array("I")
        self.positions = array("I")
        self.weights: array | None = None  # only when a weight is not its frequency
        self.docnums = array("I")     # documents that gave the field a value ...
        self.doc_terms = array("I")   # ... how many terms each ...
        self.doc_lengths = array("I")  # ... and its length

    def add(self, docnum: int, value: object) -> None:
        if self.fast is not None and isinstance(value, str):
            if value:  # (no words, no postings, length 0)
                self._add_words(docnum, value)
            return
        if self.whole and isinstance(value, str) and value:  # the id: one term, as given
            self.term_ids.append(self.numbers[value])
            self.counts.append(1)
            self._entered(docnum, 1, 0)
            return
        before = len(self.term_ids)
        length = self._add_indexed(value, before)
        self._entered(docnum, len(self.term_ids) - before, length)

    def _entered(self, docnum: int, entries: int, length: int) -> None:
        """Note that `docnum` gave the field `entries` terms (or occurrences) and its
        length (kept only for a scorable field)."""
        if entries:
            self.docnums.append(docnum)
            self.doc_terms.append(entries)
            self.doc_lengths.append(length if self.scorable else 0)

    def _add_words(self, docnum: int, value: str) -> None:
        """A text through `wordwise`: a term number and a position per occurrence, in
        the order the analyzer chain emits them; grouped into postings at the end."""
        numbered = self.numbers.__getitem__
        if self.tokens is not None:  # words as written, at 0, 1, ...
            words = self.tokens(value)
            count = len(words)
            self.term_ids.extend(map(numbered, map(str.lower, words)))
            self.positions.extend(range(count))
        else:
            plain = self.fast.plain_terms(value)  # type: ignore[union-attr]
            if plain is not None:  # the common case: one word, one term, in order
                kept, first = plain
                count = len(kept)
                self.term_ids.extend(map(numbered, kept))
                self.positions.extend(range(first, first + count))
            else:
                found = self.fast.positions(value)  # type: ignore[union-attr]
                held = found.values()
                start = len(self.positions)
                self.term_ids.extend(chain.from_iterable(
                    map(repeat, map(numbered, found), map(len, held))))
                self.positions.extend(chain.from_iterable(held))
                count = len(self.positions) - start
        self._entered(docnum, count, count)

    def _add_indexed(self, value: object, before: int) -> int:
        """Through the field's own `index()`: any analyzer, any value."""
        fmt = self.fieldobj.format
        length = 0
        for tbytes, freq, weight, encoded in self.fieldobj.index(value):
            self.term_ids.append(self.numbers[tbytes.decode("utf-8")])
            self.counts.append(freq)
            if weight != freq and self.weights is None:
                self.weights = array("f", self.counts[:-1])
            if self.weights is not None:
                self.weights.append(weight)
            if self.positional:
                self.positions.extend(fmt.decode_positions(encoded))
            length += freq
        return length

    def _doc_lengths(self, docs: int) -> np.ndarray:
        per_doc = np.zeros(docs, np.int64)
        per_doc[np.frombuffer(self.docnums, np.uint32)] = np.frombuffer(self.doc_lengths,
                                                                         np.uint32)
        return per_doc

    def postings(self, docs: int) -> arrays.FieldPostings | None:
        """The field's postings in term order (terms sorted by their bytes)."""
        if not self.term_ids:
            return None
        owners = np.repeat(np.frombuffer(self.docnums, np.uint32),
                           np.frombuffer(self.doc_terms, np.uint32))
        term_ids = np.frombuffer(self.term_ids, np.uint32)
        lengths = self._doc_lengths(docs) if self.scorable else None
        if self.fast is not None:  # an entry per occurrence
            return arrays.occurrence_postings(list(self.numbers), term_ids, owners,
                                              np.frombuffer(self.positions, np.uint32),
                                              lengths)
        # An entry per posting (the field's own `index()`).
        numbered = [term.encode("utf-8") for term in self.numbers]
        by_bytes = sorted(range(len(numbered)), key=numbered.__getitem__)
        rank = np.empty(len(numbered), np.int64)
        rank[by_bytes] = np.arange(len(numbered))
        keys = rank[term_ids]
        order = arrays.stable_order(keys)
        counts = np.frombuffer(self.counts, np.uint32)
        starts = np.zeros(len(numbered) + 1, np.int64)
        np.cumsum(np.bincount(keys, minlength=len(numbered)), out=starts[1:])
        positions = None
        if self.positional:
            flat = np.frombuffer(self.positions, np.uint32)
            first = np.cumsum(counts, dtype=np.int64) - counts
            positions = flat[arrays.run_positions(first[order], counts[order])]
        weights = None
        if self.weights is not None:
            weights = np.frombuffer(self.weights, np.float32)[order]
        return arrays.FieldPostings(
            terms=[numbered[n] for n in by_bytes], starts=starts, ids=owners[order],
            counts=counts[order], positions=positions, weights=weights,
            lengths=arrays.length_bytes(lengths) if lengths is not None else None,
            total=int(lengths.sum()) if lengths is not None else 0)


class SegmentBuilder:
    """Documents in, one segment out: `add(doc)` for each, then `finish()`.

    `add` takes what `IndexWriter.add_document` would, without `_boost`/`_stored_`
    keys. Everything stays in memory (compact arrays) until `finish` writes the
    segment's files into `folder`. The indexed fields named in `given` are not
    analysed here: their postings are handed to `finish` (the literal-word fields,
    from the words the term lists read: `postings.segmentlists`).
    """

    def __init__(self, folder: Path, schema: Schema, segment_id: str | None = None,
                 given: Collection[str] = ()) -> None:
        for name, fieldobj in schema.items():
            if fieldobj.vector or fieldobj.separate_spelling():
                raise Unsupported(f"field {name!r}: term vectors or a spelling field")
        self.folder = Path(folder)
        self.schema = schema
        self.segment_id = segment_id or new_segment_id()
        self.fields: dict[str, _Field] = {}
        self.stored_names = [name for name, fieldobj in schema.items() if fieldobj.stored]
        self._stored_at = {name: n for n, name in enumerate(self.stored_names)}
        self.records: list[tuple[Any, ...]] = []
        self.numbers: dict[str, array] = {}
        self.values: dict[str, list[bytes]] = {}
        self._columns: dict[str, Any] = {}  # name -> its field object, for a column field
        # name -> (indexed field or None, stored place or None, column kind or None)
        self._plans: dict[str, tuple[_Field | None, int | None, str | None, Any]] = {}
        for name, fieldobj in schema.items():
            field = _Field(name, fieldobj) if fieldobj.indexed and name not in given else None
            if field is not None:
                self.fields[name] = field
            column = fieldobj.column_type
            kind = None
            if column:
                kind = "number" if isinstance(column, NumericColumn) else "value"
                self._columns[name] = fieldobj
                if kind == "number":
                    self.numbers[name] = array("q")
                else:
                    self.values[name] = []
            self._plans[name] = (field, self._stored_at.get(name), kind, fieldobj)
        self.doccount = 0

    def add(self, doc: Mapping[str, object]) -> None:
        """Add one document (field name -> value), numbered in the order of the calls."""
        plans = self._plans
        if not plans.keys() >= doc.keys():
            for name in doc:
                if name not in plans:
                    if name.startswith("_"):
                        raise Unsupported(f"{name!r}: boosts and custom stored values")
                    raise UnknownFieldError(f"No field named {name!r} in {self.schema}")
        docnum = self.doccount
        get = doc.get
        # Field by field of each kind (a document gives a few of the schema's fields a
        # value: the rest are None, as a value of None is).
        for name, field in self.fields.items():
            value = get(name)
            if value is not None:
                field.add(docnum, value)
        for name, column in self.numbers.items():
            value = get(name)
            number = self._columns[name].to_column_value(value) if value is not None else 0
            column.append(int(number or 0))
        for name, values in self.values.items():
            value = get(name)
            found = self._columns[name].to_column_value(value) if value is not None else None
            values.append(found if isinstance(found, bytes) else
                          str(found or "").encode("utf-8"))
        self.records.append(tuple(map(get, self.stored_names)))
        self.doccount += 1

    def cancel(self) -> None:
        """Forget what was gathered (the caller removes the directory)."""
        self.fields.clear()
        self.records.clear()

    def postings_count(self) -> int:
        """How many postings are held in memory (to bound a chunk, and for progress)."""
        return sum(len(field.term_ids) for field in self.fields.values())

    def finish(self, progress: Callable[[int], None] | None = None,
               given: Mapping[str, arrays.FieldPostings | None] | None = None) -> SegmentEntry:
        """Write the segment's files; return its entry for the table of contents.
        `progress(postings)` is called with each field's postings once written; `given`
        holds the postings of the fields named so when the builder was made."""
        docs = self.doccount
        fields = {name: found for name, found in (given or {}).items() if found is not None}
        for name in sorted(self.fields):
            field = self.fields[name]
            found = field.postings(docs)
            if found is not None:
                fields[name] = found
            if progress is not None and len(field.term_ids):
                progress(len(field.term_ids))
        arrays.write_arrays(arrays.arrays_path(self.folder, self.segment_id), docs,
                            dict(sorted(fields.items())))
        del fields
        self.fields.clear()
        documents.write_documents(
            documents.documents_path(self.folder, self.segment_id), self.stored_names,
            self.records, {n: np.frombuffer(c, np.int64) for n, c in self.numbers.items()},
            self.values)
        self.records.clear()
        return SegmentEntry(self.segment_id, docs)


def remove_segment_files(folder: Path, segment_id: str) -> None:
    """Remove what a segment wrote (a build that failed part way)."""
    for path in (arrays.arrays_path(folder, segment_id),
                 documents.documents_path(folder, segment_id)):
        with contextlib.suppress(OSError):
            path.unlink()
