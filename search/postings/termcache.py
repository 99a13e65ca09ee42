"""The per-index-version cache of decoded posting lists and field lengths.

A segment without posting arrays (an updated one, with deletions) is read
through Whoosh's blocks (`search._whoosh.read_leaf`); the decoded lists of the
terms searched most recently are kept here, bounded both in terms and in
postings, so a million-item index with many common words cannot grow it
without bound. Each document's encoded field length, which BM25F needs for
every posting, is read once per field.
"""

from __future__ import annotations

from typing import Any

from whoosh.searching import Searcher
from whoosh.util.numeric import byte_to_length

from search._whoosh import field_lengths
from search.cache import LRUCache

POSTINGS_CACHE_TERMS = 128
# ... and at most this many postings in all (8 bytes each: about 32 MB).
POSTINGS_CACHE_POSTINGS = 4_000_000
LENGTH_OF_BYTE = [byte_to_length(b) for b in range(256)]

# A cached posting list: any pair of sequences, the first one entry per posting.
Cached = tuple[Any, Any]


def _postings(value: Cached) -> int:
    return len(value[0])


class TermCache(LRUCache[Cached]):
    """A bounded LRU of decoded posting lists for one index version (thread-safe), and
    the field lengths of that version."""

    def __init__(self, size: int = POSTINGS_CACHE_TERMS,
                 postings: int = POSTINGS_CACHE_POSTINGS) -> None:
        super().__init__(size, max_weight=postings, weigh=_postings)
        self._lengths: dict[str, bytes] = {}

    def lengths(self, searcher: Searcher, field: str) -> bytes:
        """Each document's encoded length of `field` (one byte per global docnum)."""
        found = self._lengths.get(field)
        if found is None:
            found = self._lengths[field] = b"".join(
                field_lengths(leaf.reader(), field) for leaf, _ in searcher.leaf_searchers())
        return found
