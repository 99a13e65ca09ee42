"""A segment's documents: each one's stored fields, and the value columns.

One file per segment (`<segment id>.nsd`), written once by the builder and
then mapped:

- the stored fields of each document, as one record: the tuple of its values
  in the order the header names the fields (None for a field the document
  did not give), pickled and compressed with zlib against a dictionary of
  text sampled from the segment's own first documents (`zdict`, stored once):
  short records compress about as well as long ones (to about 45% on the
  synthetic corpus, at zlib's fastest level). The dictionary's size trades that
  against time: 16 KB costs ~8 us to decompress a record and ~12 us to compress
  one (32 KB: 13 and 12 us for 1.5 points less; 8 KB: 6 and 13 us for 2 points
  more); level 6 saves 4 points for twice the time to compress. (Those times load
  the dictionary into a fresh decompressor for each record; reading now copies one
  loaded once, ~4 us a record at 16 KB.) A page loads the 20 records it shows;
  nothing else reads them but the item page, exports and updates. A segment
  merged from others (`build.merge`) keeps their records as they were
  compressed and each one's dictionary, with the first document it is for
  (`zdict_starts`, `zdict_docs`): nothing is inflated again to merge.
- the value columns of the schema (`day`, one per facet): a number per
  document (`day`), or each document's value as a code into a table of the
  distinct values (the facets), read whole when an index version is opened
  (`postings.columns`).
"""

from __future__ import annotations

import bisect
import pickle
import struct
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from search.postings import mapped

MAGIC = b"NSD1"
SUFFIX = ".nsd"
LEVEL = 1  # see the module docstring
DICTIONARY_BYTES = 16 * 1024  # see the module docstring (zlib uses at most 32 KB)
SAMPLE_DOCS = 400  # documents whose records make the dictionary
OPEN_FILES = 256


def documents_path(folder: Path, segment_id: str) -> Path:
    return folder / f"{segment_id}{SUFFIX}"


def _dictionary(records: Sequence[bytes]) -> bytes:
    """Bytes that recur across records (the field values' common words and the pickle
    framing), for zlib to refer back to: the last kilobytes count most, so the sample's
    commonest material goes at the end."""
    sample = b"".join(records[:SAMPLE_DOCS])
    return sample[-DICTIONARY_BYTES:]


def write_documents(path: Path, names: Sequence[str], records: Iterable[tuple[Any, ...]],
                    numbers: dict[str, np.ndarray], values: dict[str, list[bytes]]) -> None:
    """Write a documents file: `records` (each document's stored values, in the order of
    `names`), numeric columns (`numbers`: name -> one integer per document) and value
    columns (`values`: name -> one bytes value per document)."""
    raw = [pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL) for record in records]
    zdict = _dictionary(raw)
    # A compressor with the dictionary loaded, copied for each record: loading it for
    # each costs twice as much as the compression itself.
    primed = zlib.compressobj(LEVEL, zdict=zdict) if zdict else zlib.compressobj(LEVEL)
    packed = []
    for record in raw:
        compressor = primed.copy()
        packed.append(compressor.compress(record) + compressor.flush())
    offsets = np.zeros(len(packed) + 1, np.int64)
    np.cumsum(np.fromiter(map(len, packed), np.int64, len(packed)), out=offsets[1:])
    coded = {}
    for name, column in values.items():
        table = sorted(set(column))
        code_of = {value: code for code, value in enumerate(table)}
        coded[name] = (np.fromiter((code_of[v] for v in column), np.int64, len(column)), table)
    _write(path, names, offsets, [np.frombuffer(b"".join(packed), np.uint8)], [(0, zdict)],
           numbers, coded)


def merge_documents(path: Path, parts: Sequence[SegmentDocuments]) -> None:
    """Write the documents of `parts` (segments, in document order) as one file: the
    records end to end as they were compressed, each part's dictionary kept for its own
    (nothing is inflated or compressed again), the columns joined (value codes renumbered
    into the joined table of distinct values)."""
    if not parts:
        raise ValueError("no documents to merge")
    names = parts[0].names
    if any(part.names != names for part in parts):
        raise ValueError("the segments store different fields")
    sizes = np.fromiter((len(part.records) for part in parts), np.int64, len(parts))
    ends = np.cumsum(sizes) - sizes
    offsets = np.concatenate([*(np.asarray(part.offsets[:-1], np.int64) + base
                                for part, base in zip(parts, ends)), [int(sizes.sum())]])
    firsts = np.cumsum([0, *(part.docs for part in parts)])
    dictionaries = [(int(firsts[n]) + start, zdict) for n, part in enumerate(parts)
                    for start, zdict in part.dictionaries]
    numbers = {name: np.concatenate([part.numbers[name] for part in parts])
               for name in parts[0].numbers}
    coded = {}
    for name in parts[0].values:
        table = sorted(set().union(*(part.values[name][1] for part in parts)))
        code_of = {value: code for code, value in enumerate(table)}
        coded[name] = (np.concatenate([
            np.fromiter(map(code_of.__getitem__, part.values[name][1]), np.int64,
                        len(part.values[name][1]))[np.asarray(part.values[name][0])]
            for part in parts]), table)
    _write(path, names, offsets, [part.records for part in parts], dictionaries, numbers,
           coded)


def _write(path: Path, names: Sequence[str], offsets: np.ndarray, records: list[np.ndarray],
           dictionaries: list[tuple[int, bytes]], numbers: dict[str, np.ndarray],
           values: dict[str, tuple[np.ndarray, list[bytes]]]) -> None:
    """Write a documents file: the records (compressed, end to end, in pieces) and where
    each starts; the dictionaries with the first document each compressed; the columns
    (a value column as each document's code and the table of distinct values)."""
    docs = len(offsets) - 1
    zdicts = [zdict for _, zdict in dictionaries]
    zstarts = np.zeros(len(zdicts) + 1, np.int64)
    np.cumsum(np.fromiter(map(len, zdicts), np.int64, len(zdicts)), out=zstarts[1:])
    parts: list[tuple[str, np.ndarray | list[np.ndarray]]] = [
        ("offsets", offsets.astype("<u4") if offsets[-1] < 2**32 else offsets),
        ("records", [np.asarray(piece, np.uint8) for piece in records]),
        ("zdict", np.frombuffer(b"".join(zdicts), np.uint8)),
        ("zdict_starts", zstarts),
        ("zdict_docs", np.array([first for first, _ in dictionaries], "<i8"))]
    for name, integers in numbers.items():
        parts.append((f"n:{name}", np.asarray(integers).astype("<i8")))
    for name, (codes, table) in values.items():
        lengths = np.fromiter(map(len, table), np.int64, len(table))
        starts = np.zeros(len(table) + 1, np.int64)
        np.cumsum(lengths, out=starts[1:])
        parts += [(f"v:{name}:codes", codes.astype("<u2" if len(table) <= 0x10000 else "<u4")),
                  (f"v:{name}:starts", starts),
                  (f"v:{name}:blob", np.frombuffer(b"".join(table), np.uint8))]
    mapped.write(path, MAGIC, {"docs": docs, "stored": list(names),
                               "numbers": list(numbers), "values": list(values)}, parts)


@dataclass(frozen=True)
class _Dictionary:
    """One zlib dictionary of a documents file, with a raw inflater that has it loaded,
    copied for each record: loading the dictionary into a fresh zlib decompressor was
    most of a record's time (10 us of 12 at 16 KB; a copy of the loaded one and the
    inflating take 4)."""

    zdict: bytes
    primed: Any = field(init=False, repr=False, compare=False)
    dictid: bytes = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        primed = zlib.decompressobj(wbits=-zlib.MAX_WBITS, zdict=self.zdict) \
            if self.zdict else None
        object.__setattr__(self, "primed", primed)
        object.__setattr__(self, "dictid", struct.pack(">I", zlib.adler32(self.zdict)))

    def inflated(self, data: bytes) -> bytes:
        # A zlib stream made against the dictionary: a 2-byte header with the
        # dictionary flag, the dictionary's id, the raw deflate data, its Adler-32.
        if self.primed is not None and len(data) >= 10 and data[1] & 0x20 \
                and data[2:6] == self.dictid:
            inflater = self.primed.copy()
            out = inflater.decompress(data[6:])
            if inflater.eof and inflater.unused_data[:4] == \
                    struct.pack(">I", zlib.adler32(out)):
                return out
        # Anything else (no dictionary, a damaged record): zlib's own checks decide.
        decompressor = zlib.decompressobj(zdict=self.zdict) if self.zdict \
            else zlib.decompressobj()
        return decompressor.decompress(data) + decompressor.flush()


@dataclass(frozen=True)
class SegmentDocuments:
    """The mapped documents file of one segment. A segment merged from others keeps each
    one's dictionary: `dictionaries` holds (first document, dictionary), in order."""

    docs: int
    names: tuple[str, ...]
    offsets: np.ndarray
    records: np.ndarray
    dictionaries: tuple[tuple[int, bytes], ...]
    numbers: dict[str, np.ndarray]
    values: dict[str, tuple[np.ndarray, list[bytes]]]
    _loaded: tuple[_Dictionary, ...] = field(init=False, repr=False, compare=False)
    _firsts: list[int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_loaded",
                           tuple(_Dictionary(zdict) for _, zdict in self.dictionaries))
        object.__setattr__(self, "_firsts", [first for first, _ in self.dictionaries])

    def stored(self, docnum: int) -> dict[str, Any]:
        """The stored fields a document was given (field -> value)."""
        start, end = int(self.offsets[docnum]), int(self.offsets[docnum + 1])
        record = pickle.loads(self.dictionary(docnum).inflated(
            self.records[start:end].tobytes()))
        return {name: value for name, value in zip(self.names, record) if value is not None}

    def dictionary(self, docnum: int) -> _Dictionary:
        """The dictionary document `docnum` was compressed with."""
        loaded = self._loaded
        return loaded[0] if len(loaded) == 1 else \
            loaded[bisect.bisect_right(self._firsts, docnum) - 1]

    def number_column(self, name: str) -> np.ndarray | None:
        return self.numbers.get(name)

    def value_codes(self, name: str) -> tuple[np.ndarray, list[bytes]] | None:
        """Column `name` as stored: each document's code, and the distinct values the
        codes stand for; None when the segment has none."""
        return self.values.get(name)


def load(path: Path) -> SegmentDocuments | None:
    """The documents file at `path`, mapped once and shared; None when unreadable."""
    return _open.load(path)


def forget(folder: Path) -> None:
    """Stop keeping the mapped files of `folder` (they are unmapped once unused)."""
    _open.forget(folder)


def _map(path: Path) -> SegmentDocuments | None:
    found = mapped.read(path, MAGIC)
    if found is None:
        return None
    try:
        header, views = found.header, found.views
        values = {}
        for name in header["values"]:
            starts = views[f"v:{name}:starts"].tolist()
            blob = views[f"v:{name}:blob"].tobytes()
            values[name] = (views[f"v:{name}:codes"],
                            [blob[starts[n]:starts[n + 1]] for n in range(len(starts) - 1)])
        zdicts = views["zdict"].tobytes()
        if "zdict_starts" in views:  # one dictionary per segment a merge joined
            zstarts = views["zdict_starts"].tolist()
            dictionaries = tuple((int(first), zdicts[zstarts[n]:zstarts[n + 1]])
                                 for n, first in enumerate(views["zdict_docs"].tolist()))
        else:  # written before merges: one dictionary
            dictionaries = ((0, zdicts),)
        return SegmentDocuments(
            docs=int(header["docs"]), names=tuple(header["stored"]), offsets=views["offsets"],
            records=views["records"], dictionaries=dictionaries,
            numbers={name: views[f"n:{name}"] for name in header["numbers"]}, values=values)
    except Exception:  # noqa: BLE001 - a damaged file is no file
        return None


_open: mapped.OpenFiles[SegmentDocuments] = mapped.OpenFiles(_map, OPEN_FILES)
