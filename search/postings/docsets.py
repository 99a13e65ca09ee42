"""Sets of documents in whichever of two forms costs less: sorted numbers or a mask.

A query's documents were a boolean mask over every document number, so each
AND, OR, filter and count cost a pass over the whole collection: at 10M items
10 MB per mask, milliseconds per operation, even for a word in 50 items. A
`DocSet` holds a set as its ascending document numbers (`ids`) while it is
small beside the collection (at most 1/`DENSE_SHARE` of it), and as a mask
where that is cheaper (large sets: a pass over the mask beats sorting or
binary searches over millions of numbers). Each form is made from the other
when first asked for and kept, so a term's set, used by several operators,
is converted once.

The operations give the same sets whatever the forms; `tests/test_docsets.py`
checks both sides of the threshold.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

# A set of at most size / DENSE_SHARE documents is kept as its numbers: a mask costs a
# byte per document of the collection, a number eight bytes per document of the set.
DENSE_SHARE = 32
# A set this many times smaller than another is looked up in it by binary search;
# nearer in size, the larger one's mask is used (one pass, then one read per number).
SEARCH_RATIO = 32
# Numbers looked up in a small set of at least LOOKUP_FROM, at most LOOKUP_RATIO times
# as many as it holds, are read in its mask (made once, kept) rather than searched for:
# a binary search in a long array misses the cache at each step (at 10M items, 81k
# held and a million looked up: 4.2 -> 1.8 ms).
LOOKUP_FROM = 8_192
LOOKUP_RATIO = 64

# numpy's nonzero is a branchless pass over a boolean array more than 1/_BRANCHLESS True;
# below 1/_SPARSE True its search from place to place is the cheaper (`ids_of`).
_BRANCHLESS = 10
_SPARSE = 1_000
_WORDS_FROM = 1 << 16
# (Below this many values, boolean indexing and `np.compress` cost about the same.)
_KEPT_FROM = 1_024

_EMPTY = np.zeros(0, np.int64)


class DocSet:
    """A set of document numbers below `size`: ascending numbers, a mask, or both."""

    __slots__ = ("_ids", "_mask", "size")

    def __init__(self, size: int, ids: np.ndarray | None = None,
                 mask: np.ndarray | None = None) -> None:
        assert ids is not None or mask is not None
        self.size = size
        self._ids = ids
        self._mask = mask

    @classmethod
    def of_ids(cls, size: int, ids: np.ndarray) -> DocSet:
        """The set of `ids` (ascending, distinct)."""
        return cls(size, ids=ids)

    @classmethod
    def of_mask(cls, mask: np.ndarray) -> DocSet:
        """The set of the True places of `mask` (do not change the mask afterwards)."""
        return cls(len(mask), mask=mask)

    @classmethod
    def empty(cls, size: int) -> DocSet:
        return cls(size, ids=_EMPTY)

    @property
    def ids(self) -> np.ndarray:
        """The document numbers, ascending (do not change them)."""
        if self._ids is None:
            assert self._mask is not None
            self._ids = ids_of(self._mask)
        return self._ids

    @property
    def mask(self) -> np.ndarray:
        """A boolean mask over every document number (do not change it)."""
        if self._mask is None:
            mask = np.zeros(self.size, bool)
            mask[self.ids] = True
            self._mask = mask
        return self._mask

    def __len__(self) -> int:
        if self._ids is not None:
            return len(self._ids)
        return int(np.count_nonzero(self.mask))

    @property
    def at_most(self) -> int:
        """How many documents the set holds while they are numbers; the collection's size
        for a mask alone (counting it is a pass over it)."""
        return len(self._ids) if self._ids is not None else self.size

    @property
    def small(self) -> bool:
        """Whether the set is held as numbers and few beside the collection."""
        return self._ids is not None and len(self._ids) * DENSE_SHARE <= self.size

    def within(self, ids: np.ndarray) -> np.ndarray:
        """Which of `ids` (ascending, distinct) are in the set, as a boolean array."""
        held = self._ids
        if self._mask is not None or held is None:
            return self.mask[ids]
        if len(ids) * SEARCH_RATIO < len(held) or self.small and not read_in_mask(
                len(held), len(ids)):
            out = np.zeros(len(ids), bool)
            out[places(ids, held)[0]] = True
            return out
        return self.mask[ids]

    def __and__(self, other: DocSet) -> DocSet:
        if self.small or other.small:
            little, big = (self, other) if _lesser(self, other) else (other, self)
            ids = little.ids
            return DocSet(self.size, ids=kept(ids, big.within(ids)))
        return DocSet(self.size, mask=self.mask & other.mask)

    def __sub__(self, other: DocSet) -> DocSet:
        if self.small:
            ids = self.ids
            return DocSet(self.size, ids=kept(ids, ~other.within(ids)))
        return DocSet(self.size, mask=self.mask & ~other.mask)

    def __or__(self, other: DocSet) -> DocSet:
        return union(self.size, [self, other])


class Ranks:
    """A set of document numbers as a mask, with what gives each member's place among
    them (its rank) without a search: the mask packed 64 to a word and how many members
    precede each word. A member's place is the count before its word and the set bits
    below it in the word (at 10M items, 103k places among 257k members: 1.5 ms by binary
    search, 0.3 ms this way, after 0.35 ms to pack and count)."""

    __slots__ = ("before", "mask", "words")

    def __init__(self, ids: np.ndarray, size: int) -> None:
        self.mask = np.zeros(size, bool)
        self.mask[ids] = True
        packed = np.zeros(-(-size // 64) * 8, np.uint8)
        packed[:-(-size // 8)] = np.packbits(self.mask, bitorder="little")
        self.words = packed.view("<u8")  # (bit b of word w: document 64 * w + b)
        counts = np.bitwise_count(self.words)
        self.before = np.zeros(len(counts), np.int64)
        np.cumsum(counts[:-1], out=self.before[1:])

    def places(self, members: np.ndarray) -> np.ndarray:
        """The place of each of `members` (all in the set) among its numbers, ascending."""
        word = members >> 6
        below = (np.uint64(1) << (members & 63).astype(np.uint64)) - np.uint64(1)
        return self.before[word] + np.bitwise_count(self.words[word] & below)


def ids_of(mask: np.ndarray) -> np.ndarray:
    """The True places of a boolean mask, ascending: `np.flatnonzero`'s answer, made
    faster where numpy's is slow. numpy finds them by a branchless pass when more than
    a tenth are True, else by a search from each to the next; that search costs tens of
    nanoseconds a place, so between a thousandth and a tenth it is slower than a pass
    (at 10M documents, 7% True: 13 ms against a pass's 4.5 ms). There the mask is read
    as 8-byte words: the nonzero words are found (a mask of them, again by this rule),
    then the places within those words, of which at least an eighth are True (at 7%:
    13 -> 6.7 ms)."""
    size = len(mask)
    count = int(np.count_nonzero(mask))
    if size < _WORDS_FROM or count * _BRANCHLESS > size or count * _SPARSE < size:
        return np.flatnonzero(mask)
    whole = size - size % 8
    words = mask[:whole].view(np.uint64)
    at = ids_of(words != 0)
    inner = np.flatnonzero(words[at].view(bool))
    # place = 8 * at[word] + byte, where inner = 8 * word + byte.
    base = (at - np.arange(len(at))) * 8
    ids = base[inner >> 3] + inner
    if whole < size:
        ids = np.concatenate([ids, whole + np.flatnonzero(mask[whole:])])
    return ids


def kept(values: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """`values[keep]` (`keep`: a boolean array as long), made by `np.compress`: numpy's
    boolean indexing takes a branch per value, mispredicted where kept and dropped ones
    mix (a million values, half kept: 5.1 -> 0.65 ms; a tenth, 2.6 -> 0.7 ms). Where
    every value is kept, a copy (there indexing is the faster of the two)."""
    if len(keep) < _KEPT_FROM:
        return values[keep]
    count = int(np.count_nonzero(keep))
    if count == len(keep):
        return values.copy()
    return np.compress(keep, values)


def read_in_mask(held: int, looked_up: int) -> bool:
    """Whether `looked_up` numbers are found among `held` few ones (beside the collection)
    through a mask of those, not by binary search (`LOOKUP_FROM`, `LOOKUP_RATIO`)."""
    return held >= LOOKUP_FROM and looked_up <= LOOKUP_RATIO * held


def intersection(sets: Sequence[DocSet]) -> DocSet:
    """The documents in every one of `sets` (at least one), ANDed in the order given: a
    small set walks its numbers; masks are ANDed into the first mask this makes, not
    into a new one at each step (ten megabytes each at 10M items)."""
    result, ours = sets[0], False  # (ours: a mask made here, which no one else holds)
    for other in sets[1:]:
        if ours and not other.small:
            assert result._mask is not None
            np.logical_and(result._mask, other.mask, out=result._mask)
        else:
            result = result & other
            ours = result._ids is None
    return result


def union(size: int, sets: Sequence[DocSet]) -> DocSet:
    """The union of `sets`: their numbers merged while the result stays small, a mask
    otherwise."""
    if not sets:
        return DocSet.empty(size)
    if len(sets) == 1:
        return sets[0]
    if all(s._ids is not None for s in sets) and \
            sum(len(s) for s in sets) * DENSE_SHARE <= size:
        merged = np.concatenate([s.ids for s in sets])
        merged.sort(kind="stable")  # sorted runs: merged, not sorted afresh
        return DocSet(size, ids=distinct(merged))
    mask = np.zeros(size, bool)
    for s in sets:
        if s._mask is not None:
            mask |= s._mask
        else:
            mask[s.ids] = True
    return DocSet(size, mask=mask)


def distinct(ascending: np.ndarray) -> np.ndarray:
    """`ascending` (sorted) with each value once."""
    if not len(ascending):
        return ascending
    keep = np.empty(len(ascending), bool)
    keep[0] = True
    np.not_equal(ascending[1:], ascending[:-1], out=keep[1:])
    return ascending[keep]


def _lesser(a: DocSet, b: DocSet) -> bool:
    """Whether `a` is the one to walk number by number (the smaller held as numbers)."""
    if not b.small:
        return True
    if not a.small:
        return False
    return len(a) <= len(b)


def places(needles: np.ndarray, haystack: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(which of `needles` are in `haystack`, their places there), both ascending and
    distinct: binary searches in whichever direction costs fewer of them."""
    if not len(needles) or not len(haystack):
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    if len(needles) <= len(haystack):
        at = np.searchsorted(haystack, needles)
        np.minimum(at, len(haystack) - 1, out=at)
        found = np.flatnonzero(haystack[at] == needles)
        return found, at[found]
    at = np.searchsorted(needles, haystack)
    np.minimum(at, len(needles) - 1, out=at)
    found = np.flatnonzero(needles[at] == haystack)
    return at[found], found
