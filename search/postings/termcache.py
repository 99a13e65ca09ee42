"""The per-index-version cache of posting lists read whole, and of field lengths.

A term's postings over the whole index are its segments' arrays, each made
global (the segment's first document number added) and joined: for a common
word at 100k items that is a few hundred microseconds, paid once per index
version for the terms searched most recently. The cache is bounded both in
terms and in postings, so a million-item index with many common words cannot
grow it without bound. Each document's encoded field length, which BM25F
needs for every posting, is joined once per field.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from search.cache import LRUCache
from search.postings.docsets import DocSet

POSTINGS_CACHE_TERMS = 128
# ... and at most this many postings in all (12 bytes each: about 48 MB).
POSTINGS_CACHE_POSTINGS = 4_000_000

# A cached posting list: any pair of sequences, the first one entry per posting.
Cached = tuple[Any, Any]


def _postings(value: Cached) -> int:
    return len(value[0])


class TermCache(LRUCache[Cached]):
    """A bounded LRU of posting lists for one index version (thread-safe), and the field
    lengths of that version."""

    def __init__(self, size: int = POSTINGS_CACHE_TERMS,
                 postings: int = POSTINGS_CACHE_POSTINGS) -> None:
        super().__init__(size, max_weight=postings, weigh=_postings)
        self._lengths: dict[str, np.ndarray] = {}
        self._live: DocSet | None = None
        self._shortest: dict[str, int] = {}

    def lengths(self, reader: Any, field: str) -> np.ndarray:
        """Each document's encoded length of `field` (one byte per global docnum) from a
        `postings.reader` reader."""
        found = self._lengths.get(field)
        if found is None:
            found = self._lengths[field] = reader.lengths(field)
        return found

    def shortest(self, reader: Any, field: str) -> int:
        """The encoded length byte of the shortest non-empty `field` of any document
        (the byte order is the length order): for a bound on a term's score."""
        found = self._shortest.get(field)
        if found is None:
            lengths = self.lengths(reader, field)
            held = lengths[lengths > 0]
            found = self._shortest[field] = int(held.min()) if len(held) else 0
        return found

    def live(self, reader: Any) -> np.ndarray:
        """The mask of the live documents of the version (do not change it): a request
        no longer makes its own, a byte per document of the collection."""
        return self.live_set(reader).mask

    def live_set(self, reader: Any) -> DocSet:
        """The live documents of the version as a set shared by its requests: its numbers,
        made when first asked for (browsing), are kept with it."""
        found = self._live
        if found is None:
            found = self._live = DocSet.of_mask(reader.live())
        return found
