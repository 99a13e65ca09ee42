"""Posting lists read a block at a time, and their per-index-version cache.

Whoosh's `W3LeafMatcher` decodes a block of up to 128 postings (ids as
deltas, frequencies, encoded positions: one pickle, zlib-compressed) and then
hands out one posting per method call. Here the decoded block is taken
whole: ids summed with `accumulate`, frequencies as the array Whoosh
unpickled. These helpers reach into the matcher's block attributes, which is
why whoosh-reloaded is pinned below 2.8; any other matcher (a deletion
filter, another codec) is read one posting at a time through its public API.
"""

from __future__ import annotations

import threading
from array import array
from collections import OrderedDict
from itertools import accumulate
from pickle import loads
from collections.abc import Iterator
from typing import Any

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.searching import Searcher
from whoosh.util.numeric import byte_to_length

POSTINGS_CACHE_TERMS = 128
# ... and at most this many postings in all (8 bytes each: about 32 MB), so a
# million-item index with many common words cannot grow the cache without bound.
POSTINGS_CACHE_POSTINGS = 4_000_000
LENGTH_OF_BYTE = [byte_to_length(b) for b in range(256)]

# A cached posting list: any pair of sequences, the first one entry per posting.
Cached = tuple[Any, Any]


class TermCache:
    """A bounded LRU of decoded posting lists for one index version (thread-safe)."""

    def __init__(self, size: int = POSTINGS_CACHE_TERMS,
                 postings: int = POSTINGS_CACHE_POSTINGS) -> None:
        self.size = size
        self.max_postings = postings
        self._postings = 0
        self._items: OrderedDict[tuple[Any, ...], Cached] = OrderedDict()
        self._lock = threading.Lock()
        self._lengths: dict[str, bytes] = {}

    def get(self, key: tuple[Any, ...]) -> Cached | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: tuple[Any, ...], value: Cached) -> None:
        if self.size <= 0 or len(value[0]) > self.max_postings // 4:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._postings -= len(old[0])
            self._items[key] = value
            self._postings += len(value[0])
            while len(self._items) > self.size or self._postings > self.max_postings:
                _, dropped = self._items.popitem(last=False)
                self._postings -= len(dropped[0])

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._postings = 0

    def lengths(self, searcher: Searcher, field: str) -> bytes:
        """Each document's encoded length of `field` (one byte per global docnum)."""
        found = self._lengths.get(field)
        if found is None:
            parts = []
            for leaf, _offset in searcher.leaf_searchers():
                reader = leaf.reader()
                count = reader.doc_count_all()
                column = reader._perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN)
                parts.append(bytes(column) if column is not None else bytes(count))
            found = self._lengths[field] = b"".join(parts)
        return found


def block_ids(matcher: W3LeafMatcher, offset: int) -> list[int]:
    """The document numbers of the current block, decoded at C speed.

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
