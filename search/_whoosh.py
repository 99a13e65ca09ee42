"""Every use of Whoosh's private parts, in one module: the one door to Whoosh's internals.

The rest of news-search uses Whoosh's public API (analyzers, the query parser,
`Query` objects and `expanded_terms`, searchers, the codec's writers as
`SegmentWriter` calls them). What the public API cannot do fast enough is done
here, against the internals of the versions named in `TESTED_VERSIONS`; an
import of any other version fails at once with a message, instead of
misreading an index later. Upgrading Whoosh means reading this file.

In file order:

- reading: a W3 posting block taken whole (`block_ids`, `read_leaf`,
  `iter_postings`), the per-document field lengths (`field_lengths`), where a
  segment's files are (`segment_location`), BM25F's per-field B
  (`bm25_field_b`), the codec's automaton for terms within N edits
  (`terms_within`);
- writing: a segment's length columns in one piece (`write_length_column`),
  the table of contents naming the segments of a parallel build (`write_toc`),
  and a field's postings and term index in the W3 format (`write_field`).

`write_field` writes what Whoosh's `W3FieldWriter.start_term`, one
`W3PostingsWriter.add_posting` per posting (checks, block statistics, a
`_write_block` every 128 postings: two pickles, zlib, six small writes) and
`finish_term` (`W3TermInfo.to_bytes`, `OrderedHashWriter.add`) write, from a
term's whole posting lists at once:

- the postings file: per term the magic `W3Bl`, then per block of 128 the int
  length of info + data (negative for the last block), the pickled block info
  (count, last id, max weight, compression, min and max length byte) and the
  zlib-compressed pickle of (delta-coded ids, weights minified, values);
- the term index: per term `pack_ushort(field id) + term bytes` -> the packed
  W3TermInfo (flags, total weight, doc frequency, min/max length byte, max
  weight, first and last id) + the offset and length of its postings, added the
  way `HashWriter.add` and `OrderedHashWriter.add` do (lengths, key, value;
  the key's position in `index` and, by its MD5 hash, in `buckets`).

One choice differs from Whoosh's writer: a block whose pickle is short is
stored uncompressed (`COMPRESS_MIN`), which the format provides for. With
`compress_min=0` the files are Whoosh's byte for byte, which
tests/test_fastbuild.py checks. Writes are gathered in memory and handed to
the files a megabyte at a time.

Internals relied on (whoosh-reloaded 2.7.5 = Whoosh 2.7.4's code):
`W3LeafMatcher._data`, `._read_data`, `._read_weights`, `._weights`,
`._read_values`, `._values`, `._next_block`, `._byteids`; `SegmentReader._perdoc`,
`._storage`, `._codec`, `._segment`; `W3PerDocWriter._fieldlengths`,
`._create_column`, `._get_column` and the NumericColumn writer's `._dbfile`,
`._count`; `BM25F._field_B`; `whoosh.index.TOC`, `clean_files`;
`W3FieldWriter._postfile`, `._tindex`, `._fieldid`; `OrderedHashWriter.index`,
`.lastkey`, `.buckets`, `.hashfn`, `.dbfile`, `.directory`, `._write_hashes`
(replaced, per instance, by the same tables written in one piece);
`filetables._lengths`, `._pointer`; `W3TermInfo._struct`; `WHOOSH3_HEADER_MAGIC`;
the W3 block layout above.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import accumulate, starmap
from operator import sub
from pathlib import Path
from pickle import dumps, loads
from typing import Any
from zlib import compress

import whoosh
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, WHOOSH3_HEADER_MAGIC, W3LeafMatcher, W3TermInfo
from whoosh.codec.whoosh3 import _lenfield
from whoosh.filedb.filetables import _lengths, _pointer
from whoosh.index import TOC, clean_files
from whoosh.reading import IndexReader
from whoosh.system import pack_int, pack_long, pack_ushort

# Whoosh 2.7.4 and whoosh-reloaded 2.7.5 (2.7.4's code, fixed for Python 3.11-3.13).
TESTED_VERSIONS = ((2, 7, 4), (2, 7, 5))
if tuple(whoosh.__version__[:3]) not in TESTED_VERSIONS:
    raise ImportError(
        f"news-search reads Whoosh's internals as Whoosh {' and '.join('.'.join(map(str, v)) for v in TESTED_VERSIONS)} "
        f"lay them out, but Whoosh {'.'.join(map(str, whoosh.__version__))} is installed: "
        "install whoosh-reloaded>=2.7.5,<2.8 (pip install 'whoosh-reloaded>=2.7.5,<2.8'), "
        "or check search/_whoosh.py against the new version and add it to TESTED_VERSIONS")


# -- reading -------------------------------------------------------------------------------

def block_ids(matcher: W3LeafMatcher, offset: int) -> list[int]:
    """The document numbers of the matcher's current block, decoded at C speed.

    Whoosh stores them as deltas and sums them in a Python generator
    (`delta_decode`); `accumulate` gives the same numbers.
    """
    if matcher._data is None:
        matcher._read_data()
    return list(accumulate(matcher._data[0], initial=offset))[1:]


def decode_positions(value: bytes) -> list[int]:
    """Positions.decode_positions, with the running sum done by accumulate."""
    return list(accumulate(loads(value[4:] if value.endswith(b".") else value[4:] + b".")))


def read_leaf(matcher: Any, offset: int, ids: array, weights: array) -> None:
    """Append the document numbers (+ offset) and weights of every posting of a term."""
    if isinstance(matcher, W3LeafMatcher) and not matcher._byteids:
        # Whole blocks at a time: the same data Whoosh decodes, minus the
        # per-posting method calls.
        while matcher.is_active():
            ids.extend(block_ids(matcher, offset))
            matcher._read_weights()
            weights.extend(matcher._weights)
            matcher._next_block()
        return
    while matcher.is_active():  # a deletion filter, or another codec: one at a time
        ids.append(matcher.id() + offset)
        weights.append(matcher.weight())
        matcher.next()


def iter_postings(matcher: Any, offset: int,
                  fmt: Any) -> Iterator[tuple[int, float, list[int]]]:
    """(document number + offset, weight, positions) of every posting of a term:
    W3 blocks whole, any other matcher (a deletion filter) one posting at a time."""
    if isinstance(matcher, W3LeafMatcher) and not matcher._byteids:
        while matcher.is_active():
            block = block_ids(matcher, offset)
            matcher._read_weights()
            matcher._read_values()
            yield from zip(block, matcher._weights, map(decode_positions, matcher._values))
            matcher._next_block()
        return
    while matcher.is_active():
        yield (matcher.id() + offset, matcher.weight(),
               list(fmt.decode_positions(matcher.value())))
        matcher.next()


def field_lengths(reader: Any, field: str) -> bytes:
    """The encoded length byte of `field` for each document of one segment."""
    column = reader._perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN)
    return bytes(column) if column is not None else bytes(reader.doc_count_all())


def segment_location(reader: Any) -> tuple[Path | None, str]:
    """The folder of a segment reader's files (None when not on disk) and its segment id."""
    folder = getattr(getattr(reader, "_storage", None), "folder", None)
    return (Path(folder) if folder is not None else None), reader.segment().segment_id()


def bm25_field_b(weighting: Any, field: str) -> float:
    """The B parameter BM25F uses for `field` (a per-field value, else the default)."""
    return float(weighting._field_B.get(field, weighting.B))


def terms_within(leaf: Any, field: str, text: str, edits: int) -> set[str]:
    """Terms of `field` in one segment within `edits` edits of `text`, sharing its first
    letter, walked with the codec's automaton (Whoosh's own `terms_within` on a
    multi-segment reader tests every term of the field)."""
    try:
        automata = leaf._codec.automata(leaf._storage, leaf._segment)
        return set(automata.terms_within(leaf.cursor(field), text, edits, 1))
    except (AttributeError, TypeError, KeyError):
        return set(IndexReader.terms_within(leaf, field, text, edits, 1))


# -- writing -------------------------------------------------------------------------------

def write_length_column(perdoc: Any, name: str, total: int, content: bytes) -> None:
    """What `W3PerDocWriter.add_field` does with each document's length of field `name`,
    for all documents at once: add to the total, and write the length column (a byte
    per document, up to the last non-zero one, as the NumericColumn writer leaves it)."""
    perdoc._fieldlengths[name] += total
    column = _lenfield(name)
    perdoc._create_column(column, LENGTHS_COLUMN)
    writer = perdoc._get_column(column)
    writer._dbfile.write(content)
    writer._count = len(content)


def write_toc(storage: Any, schema: Any, segments: list[Any], indexname: str,
              generation: int = 1) -> None:
    """Name `segments` as the index's segments in a new table of contents, and remove
    the files of earlier generations (as a commit of Whoosh's writer does)."""
    TOC(schema, segments, generation).write(storage, indexname)
    clean_files(storage, indexname, generation, segments)


BLOCK = 128  # postings per block: the W3Codec default, which Whoosh's writer uses
COMPRESSION = 3  # the W3Codec default zlib level
# Whoosh compresses every block; zlib makes a pickle of under ~100 bytes longer (a
# one-posting block: 14 -> 22 bytes, 64-96 -> about the same) and each call costs
# 15-25 us. The W3 format records the compression of each block (0: none), and
# Whoosh's reader decompresses only blocks that say so. 0 gives Whoosh's own bytes.
COMPRESS_MIN = 128
FLUSH_BYTES = 1 << 20
_TERMINFO = W3TermInfo._struct  # flags, weight, doc freq, min/max length byte, ...
_PACK_LENGTHS = _lengths.pack
_POINTER = _pointer.pack
_PACK_EXTENT = pack_long  # then pack_int: the offset and length of a term's postings

# A term's postings: document numbers (increasing), weights, encoded values.
Postings = tuple[Sequence[int], Sequence[float], Sequence[bytes]]


def write_field(fieldwriter: Any, terms: Iterable[tuple[bytes, Postings]], fixed: int | None,
                lengths: bytearray | None, all_values: bool, compress_min: int = 0,
                progress: Callable[[int], None] | None = None) -> None:
    """Write `terms` (sorted by bytes) of the field `fieldwriter` has started.

    `fixed` is the format's fixed value size, `lengths` the length byte of each
    document (None for a field that is not scorable), `all_values` says that no
    value is empty. A block whose pickle is shorter than `compress_min` bytes is
    stored uncompressed (see COMPRESS_MIN). `progress(postings)` is called every
    20,000 postings or so.
    """
    postfile, tindex = fieldwriter._postfile, fieldwriter._tindex
    prefix = pack_ushort(fieldwriter._fieldid)
    posts = bytearray()
    posts_base = postfile.tell()
    keys = bytearray()
    keys_base = tindex.dbfile.tell()
    index_append, buckets, hashfn = tindex.index.append, tindex.buckets, tindex.hashfn
    lastkey = tindex.lastkey
    step = 0
    for tbytes, (ids, weights, values) in terms:
        offset = posts_base + len(posts)
        block_bytes, info = _term_bytes(ids, weights, values, fixed, lengths, all_values,
                                        compress_min)
        posts += block_bytes
        key = prefix + tbytes
        if key <= lastkey:
            raise ValueError(f"Keys must increase: {lastkey!r}..{key!r}")
        value = info + _PACK_EXTENT(offset) + pack_int(len(block_bytes))
        position = keys_base + len(keys)
        index_append(position)
        keys += _PACK_LENGTHS(len(key), len(value))
        keys += key
        keys += value
        hashed = hashfn(key)
        buckets[hashed & 255].append((hashed, position))
        lastkey = key
        if len(posts) >= FLUSH_BYTES:
            postfile.write(bytes(posts))
            posts_base += len(posts)
            posts.clear()
        if len(keys) >= FLUSH_BYTES:
            tindex.dbfile.write(bytes(keys))
            keys_base += len(keys)
            keys.clear()
        step += len(ids)
        if progress is not None and step >= 20_000:
            progress(step)
            step = 0
    postfile.write(bytes(posts))
    tindex.dbfile.write(bytes(keys))
    tindex.lastkey = lastkey
    if "_write_hashes" not in vars(tindex):
        tindex._write_hashes = lambda: _write_hashes(tindex)
    if progress is not None and step:
        progress(step)


def _term_bytes(ids: Sequence[int], weights: Sequence[float], values: Sequence[bytes],
                fixed: int | None, lengths: bytearray | None, all_values: bool,
                compress_min: int) -> tuple[bytes, bytes]:
    """A term's posting blocks, and its W3TermInfo without the extent (see the module
    docstring). Weights go through array("f") as in Whoosh's block buffer. Lengths are
    the documents' length bytes: Whoosh reads each back as a length, skips zeros, and
    encodes the block's least and greatest again, which gives the same bytes."""
    count = len(ids)
    if count == 1 and weights[0] == 1.0:
        return _one_posting(ids[0], values[0], fixed, lengths, all_values, compress_min)
    parts = [WHOOSH3_HEADER_MAGIC]
    total_weight = 0.0
    max_weight: float = 0
    min_byte = max_byte = 0
    length_of = lengths.__getitem__ if lengths is not None else None
    for start in range(0, count, BLOCK):
        end = min(start + BLOCK, count)
        size = end - start
        block_ids = ids[start:end]
        raw_weights = weights[start:end]
        mini_weights: float | tuple[float, ...] | None
        if raw_weights.count(1.0) == size:
            mini_weights = None
            block_weight = float(size)
            heaviest: float = 1.0
        else:
            block_weights = array("f", raw_weights)
            block_weight = sum(block_weights)
            first = block_weights[0]
            if all(w == 1.0 for w in block_weights):
                mini_weights = None
            elif block_weights.count(first) == size:
                mini_weights = first
            else:
                mini_weights = tuple(block_weights)
            heaviest = max(0, max(raw_weights))  # Whoosh's max starts at int 0
        # Whoosh's add_posting keeps only non-empty values.
        block_values = values[start:end] if all_values else [v for v in values[start:end] if v]
        if fixed is None or fixed < 0:
            mini_values: object = tuple(block_values)
        elif fixed == 0:
            mini_values = None
        else:
            mini_values = b"".join(block_values)
        low = high = 0
        if length_of is not None:
            found = bytes(map(length_of, block_ids)).replace(b"\0", b"")
            if found:
                low, high = min(found), max(found)
        if size == 1:
            deltas: tuple[int, ...] = (block_ids[0],)
        else:
            deltas = (block_ids[0], *map(sub, block_ids[1:], block_ids[:-1]))
        data = dumps((deltas, mini_weights, mini_values), 2)
        if len(data) >= compress_min:
            data = compress(data, COMPRESSION)
            level = COMPRESSION
        else:
            level = 0
        info = dumps((size, block_ids[-1], heaviest, level, low, high), 2)
        parts.append(pack_int(-(len(info) + len(data)) if end == count
                              else len(info) + len(data)))
        parts.append(info)
        parts.append(data)
        # W3TermInfo.add_block
        total_weight += block_weight
        min_byte = low if not min_byte else min(min_byte, low)  # 0 stands for None
        max_byte = max(max_byte, high)
        max_weight = max(max_weight, heaviest)
    terminfo = _TERMINFO.pack(0, total_weight, count, min_byte, max_byte, max_weight, ids[0],
                              ids[-1])
    return b"".join(parts), terminfo


def _one_posting(docnum: int, value: bytes, fixed: int | None, lengths: bytearray | None,
                 all_values: bool, compress_min: int) -> tuple[bytes, bytes]:
    """`_term_bytes` for the commonest term: one posting, of weight 1."""
    if fixed is None or fixed < 0:
        mini_values: object = (value,) if value or all_values else ()
    elif fixed == 0:
        mini_values = None
    else:
        mini_values = value
    low = lengths[docnum] if lengths is not None else 0
    data = dumps(((docnum,), None, mini_values), 2)
    if len(data) >= compress_min:
        data = compress(data, COMPRESSION)
        level = COMPRESSION
    else:
        level = 0
    info = dumps((1, docnum, 1.0, level, low, low), 2)
    return (b"".join((WHOOSH3_HEADER_MAGIC, pack_int(-(len(info) + len(data))), info, data)),
            _TERMINFO.pack(0, 1.0, 1, low, low, 1.0, docnum, docnum))


def _write_hashes(tindex: Any) -> None:
    """`HashWriter._write_hashes` (called by its `close`), a table per write instead of a
    write per slot: per bucket, 2 slots per key, each key at (hash >> 8) % slots or the
    next free slot, empty slots (0, 0)."""
    dbfile = tindex.dbfile
    null = (0, 0)
    for entries in tindex.buckets:
        position = dbfile.tell()
        slots = 2 * len(entries)
        tindex.directory.append((position, slots))
        table = [null] * slots
        for hashed, at in entries:
            slot = (hashed >> 8) % slots
            while table[slot] != null:
                slot = (slot + 1) % slots
            table[slot] = (hashed, at)
        dbfile.write(b"".join(starmap(_POINTER, table)))
