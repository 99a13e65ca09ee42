"""A field's postings and term index, written as Whoosh's W3 codec writes them.

Whoosh writes a term through `W3FieldWriter.start_term`, one
`W3PostingsWriter.add_posting` per posting (checks, block statistics, a
`_write_block` every 128 postings: two pickles, zlib, six small writes), then
`finish_term` (`W3TermInfo.to_bytes`, `OrderedHashWriter.add`). `write_field`
produces the same bytes from a term's whole posting lists at once:

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

Whoosh internals relied on (whoosh-reloaded 2.7.x): `W3FieldWriter._postfile`,
`._tindex`, `._fieldid`; `OrderedHashWriter.index`, `.lastkey`, `.buckets`,
`.hashfn`, `.dbfile`, `.directory`, `._write_hashes` (replaced, per instance, by
the same tables written in one piece); `filetables._lengths`, `._pointer`; `W3TermInfo._struct`;
`WHOOSH3_HEADER_MAGIC`; the W3 block layout above.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable, Sequence
from itertools import starmap
from operator import sub
from pickle import dumps
from typing import Any
from zlib import compress

from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3TermInfo
from whoosh.filedb.filetables import _lengths, _pointer
from whoosh.system import pack_int, pack_long, pack_ushort

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
