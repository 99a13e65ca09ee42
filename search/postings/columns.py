"""Per-document columns read once per index version: the fast path for dates and facets.

Counting a month facet with one query per bucket (`DateRangeFacet`) costs
seconds at 100k items; reading each document's day and facet values from a
compact array and counting in one pass costs milliseconds. The arrays are
loaded from the segments' columns (`postings.documents`) when an index
version is first searched and
shared by every thread searching that version:

- `days`: each document's date as YYYYMMDD, with its month's slot in `months`;
- one `FacetColumn` per declared facet (`search.facets`): each document's
  values as small integer codes, values with the same `Facet.key` sharing a code;
  a derived facet's (regions) worked out here from its source's (countries).
"""

from __future__ import annotations

import bisect
import calendar
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from search.facets import Facet, term_facets
from search.postings import docsets
from search.postings.arrays import run_positions
from search.postings.termcache import TermCache

SEPARATOR = "\x1f"  # between the values of a multi-valued facet in its column
NO_DAY = 99999999
DOC_BITS = 32  # a date key: (day << 32) | document number
# `Columns.walked_by_date`: matches fewer than this are sorted (they cost little); a walk
# starts with a run of WALK_RUN documents of the date order, and a document looked up
# among the matches costs about WALK_COST times what sorting it with them costs.
WALK_FROM = 20_000
WALK_RUN = 1_024
WALK_COST = 16


def day_bounds(date_from: object, date_to: object) -> tuple[int, int]:
    """The inclusive (low, high) day numbers of optional date bounds."""
    from search.text.schema import day_number

    return (day_number(date_from) if date_from else 0,  # type: ignore[arg-type]
            day_number(date_to) if date_to else NO_DAY)  # type: ignore[arg-type]


# A single-valued facet's documents with one of at most this many values are found by
# comparing its codes with each (`FacetColumn.having`), more by a lookup in a table.
COMPARED_CODES = 8

# A multi-valued facet is counted by the sets of values its documents have while there are
# at most this many distinct ones (an item names a few places, and the same ones recur).
MAX_SETS = 1 << 16


@dataclass(frozen=True, slots=True)
class ValueSets:
    """A multi-valued facet's documents by the set of values each has, as a code into a
    table of the distinct sets: counting is then one pass over the documents' set codes
    (as for a single-valued facet), each set's count spread over its few values; a
    filter is a lookup of each document's set."""

    of_doc: np.ndarray              # each document's set
    lists: list[tuple[int, ...]]    # each set's value codes, in the documents' order
    flat_codes: np.ndarray          # every set's codes, end to end ...
    flat_sets: np.ndarray           # ... and the set of each
    any_value: np.ndarray           # whether each set holds a value

    @classmethod
    def of(cls, of_doc: np.ndarray, lists: list[tuple[int, ...]]) -> ValueSets:
        sizes = np.fromiter(map(len, lists), np.int64, len(lists))
        flat = np.fromiter((code for codes in lists for code in codes), np.int64,
                           int(sizes.sum()))
        kind = np.uint16 if len(lists) <= 0x10000 else np.uint32
        # (A derived facet's sets are its source's, document for document: the same
        # array, so that `Columns.tally` counts the documents' sets once for both.)
        return cls(of_doc.astype(kind, copy=False), lists, flat,
                   np.repeat(np.arange(len(lists), dtype=np.int64), sizes), sizes > 0)

    def per_set(self, docs: np.ndarray) -> np.ndarray:
        """How many of `docs` have each set."""
        return np.bincount(self.of_doc[docs], minlength=len(self.lists))

    def counts(self, docs: np.ndarray, width: int, per_set: np.ndarray | None = None
               ) -> np.ndarray:
        """How many of `docs` have each of the `width` value codes (`per_set`: their
        `per_set` counts, when already made)."""
        if per_set is None:
            per_set = self.per_set(docs)
        return np.bincount(self.flat_codes, weights=per_set[self.flat_sets],
                           minlength=width).astype(np.int64)

    def holding(self, codes: list[int]) -> np.ndarray:
        """Whether each set holds any of `codes`."""
        held = np.zeros(len(self.lists), bool)
        held[self.flat_sets[np.isin(self.flat_codes, codes)]] = True
        return held


@dataclass(frozen=True, slots=True)
class FacetColumn:
    """One facet's values for every document number, as codes.

    A single-valued facet keeps a code per document (`single`; an item with no
    value has the code of ""). A multi-valued one keeps (document, code) pairs,
    sorted by document. `names[code]` is the value as most items write it.
    """

    facet: Facet
    names: list[str]
    code_of: dict[str, int]  # Facet.key(value) -> code
    single: np.ndarray | None
    pair_docs: np.ndarray
    pair_codes: np.ndarray
    sets: ValueSets | None = None  # a multi-valued facet's, while its sets are few

    def counts(self, docs: np.ndarray, size: int, per_set: np.ndarray | None = None
               ) -> dict[int, int]:
        """Code -> how many of `docs` (ascending document numbers) have that value
        (`per_set`: the counts of their sets, `ValueSets.per_set`, when already made)."""
        if self.single is not None:
            found = np.bincount(self.single[docs], minlength=len(self.names))
        elif self.sets is not None:
            found = self.sets.counts(docs, len(self.names), per_set)
        elif len(docs) * docsets.DENSE_SHARE <= size:  # few: their own pairs, found by bisection
            found = np.bincount(self.pair_codes[self._pairs_of(docs)[0]],
                                minlength=len(self.names))
        else:
            member = np.zeros(size, bool)
            member[docs] = True
            found = np.bincount(self.pair_codes[member[self.pair_docs]],
                                minlength=len(self.names))
        return _nonzero(found)

    def _pairs_of(self, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(where each pair of `docs` is, how many pairs each of `docs` has): the pairs
        are sorted by document, so each document's are one run."""
        starts = np.searchsorted(self.pair_docs, docs)
        sizes = np.searchsorted(self.pair_docs, docs, side="right") - starts
        return run_positions(starts, sizes), sizes

    def having(self, codes: list[int], size: int) -> np.ndarray:
        """A mask of the documents with any of the values `codes`."""
        if self.single is not None:
            if not len(self.single):
                return np.zeros(size, bool)
            if len(codes) > COMPARED_CODES:
                return self.chosen(codes)[self.single]
            # A comparison per code: a lookup of each document's code in a table costs
            # about a nanosecond a document, a comparison of one-byte codes a fortieth.
            mask = np.zeros(size, bool)
            for code in codes:
                mask |= self.single == code
            return mask
        if self.sets is not None:
            return self.sets.holding(codes)[self.sets.of_doc]
        mask = np.zeros(size, bool)
        mask[self.pair_docs[np.isin(self.pair_codes, codes)]] = True
        return mask

    def chosen(self, codes: list[int]) -> np.ndarray:
        """Whether each code is one of `codes`."""
        table = np.zeros(len(self.names), bool)
        table[codes] = True
        return table

    def keeps(self, codes: list[int], docs: np.ndarray, size: int) -> np.ndarray:
        """Which of `docs` (ascending document numbers) have any of the values `codes`, as
        a boolean array over them: read at those documents only while they are few."""
        if self.single is not None:  # (a table of the codes: np.isin sorts them)
            return self.chosen(codes)[self.single[docs]]
        if self.sets is not None:
            return self.sets.holding(codes)[self.sets.of_doc[docs]]
        if len(docs) * docsets.DENSE_SHARE > size:
            return self.having(codes, size)[docs]
        at, sizes = self._pairs_of(docs)
        hits = np.isin(self.pair_codes[at], codes)
        keep = np.zeros(len(docs), bool)
        keep[np.repeat(np.arange(len(docs)), sizes)[hits]] = True
        return keep

    def values_of(self, doc: int) -> tuple[str, ...]:
        """The values of one document, as `names` writes them."""
        if self.single is not None:
            name = self.names[int(self.single[doc])]
            return (name,) if name else ()
        if self.sets is not None:
            return tuple(self.names[code] for code in self.sets.lists[int(self.sets.of_doc[doc])])
        start, end = np.searchsorted(self.pair_docs, [doc, doc + 1])
        return tuple(self.names[int(code)] for code in self.pair_codes[start:end])

    def values_of_many(self, docs: list[int]) -> list[tuple[str, ...]]:
        """`values_of` each of `docs` (ascending or not), the pairs searched once for all
        (a page's hits)."""
        if self.single is not None or self.sets is not None or not docs:
            return [self.values_of(doc) for doc in docs]
        at, sizes = self._pairs_of(np.asarray(docs))
        names = [self.names[code] for code in self.pair_codes[at].tolist()]
        ends = np.cumsum(sizes).tolist()
        return [tuple(names[end - size:end]) for end, size in zip(ends, sizes.tolist())]

    def with_any(self, docs: np.ndarray) -> int:
        """How many of `docs` (ascending document numbers) have at least one value."""
        if self.single is not None:
            empty = self.code_of.get("")
            return len(docs) - (int(np.count_nonzero(self.single[docs] == empty))
                                if empty is not None else 0)
        if self.sets is not None:
            return int(np.count_nonzero(self.sets.any_value[self.sets.of_doc[docs]]))
        return int(np.count_nonzero(np.isin(docs, self.pair_docs)))

    def known(self) -> list[str]:
        """Every non-empty value in the index, sorted."""
        return sorted(name for name in self.names if name)


# The single-valued columns (the month, each single-valued facet) are counted together
# while the combinations of their values could be numbered in this many slots: those
# that occur of the columns so far, times the next column's codes (at 10M items, 1,824
# combinations times 2,785 sets of countries: 5.1M slots, 64 MB counted once a version).
PROFILE_SPACE = 1 << 23
_BASE = "\0base"  # (a part while combinations are extended: the combination extended)
# The combinations with the multi-valued facets' sets are kept while there are at most
# 1/WIDE_SHARE as many as documents (at 10M items, 252k of them).
WIDE_SHARE = 16
# ... and counted by while the documents outnumber them this many times (below, the two
# passes over fewer combinations cost less than one over many: their counts spill from
# the cache).
WIDE_FROM = 2


@dataclass(frozen=True, slots=True)
class Profiles:
    """Each document's combination of the single-valued columns' values (its month's
    slot and each single-valued facet's code), as a code into the combinations that
    occur: a few thousand at 10M items. The documents of a page are then counted in one
    pass over their combinations' codes, each column's counts added up from the
    combinations' (a pass over those few thousand), instead of one pass per column.

    The combinations may hold a multi-valued facet's set of values too (`sets`: the
    part of each such set array, `ValueSets.of_doc`): then that facet, and a facet
    derived from it, are counted by the same pass (`Columns.wide`)."""

    of_doc: np.ndarray                # each document's combination
    parts: dict[str, np.ndarray]      # column ("" for the month) -> its code in each
    every: np.ndarray                 # how many documents have each, deleted ones too
    sets: tuple[tuple[str, np.ndarray], ...] = ()  # (part, the set array it numbers)
    # The combinations these extend (`extended`), and where each one's own start among
    # these: each of them is one run here, as these are numbered in its order.
    base: tuple[Profiles, np.ndarray] | None = None

    def __len__(self) -> int:
        return len(self.every)

    @classmethod
    def of(cls, columns: dict[str, tuple[np.ndarray, int]]) -> Profiles | None:
        """The combinations of `columns` (name -> (each document's code, how many codes));
        None when they could be too many to number (`PROFILE_SPACE`)."""
        if not columns:
            return None
        return cls._combined(None, {}, 1, columns)

    def extended(self, columns: dict[str, tuple[np.ndarray, int]],
                 sets: tuple[tuple[str, np.ndarray], ...] = ()) -> Profiles | None:
        """These combinations with more columns (`of`), `sets` naming those that are a
        multi-valued facet's sets; None when they could be too many to number."""
        # (Each of these combinations' number is carried as a part, then taken out.)
        found = self._combined(self.of_doc, {**self.parts, _BASE: np.arange(len(self))},
                               len(self), columns)
        if found is None:
            return None
        parts = dict(found.parts)
        # Numbered in the order of these first, so each of these is a run of the new (one
        # at least: it is some document's).
        starts = np.searchsorted(parts.pop(_BASE), np.arange(len(self)))
        return replace(found, parts=parts, sets=self.sets + sets, base=(self, starts))

    def narrowed(self, per: np.ndarray) -> tuple[Profiles, np.ndarray]:
        """The combinations these extend and how many documents have each, from how many
        have each of these (`per`); these and `per` when they extend none."""
        if self.base is None:
            return self, per
        base, starts = self.base
        return base, np.add.reduceat(per, starts)

    @classmethod
    def _combined(cls, combined: np.ndarray | None, parts: dict[str, np.ndarray], count: int,
                  columns: dict[str, tuple[np.ndarray, int]]) -> Profiles | None:
        """The combinations of `combined` (each document's, of `count`; None: one for all,
        the combinations' `parts`) and `columns`, numbered column by column in the order
        of their codes: only the combinations that occur are carried to the next."""
        parts = dict(parts)
        counted = np.ones(1, np.int64)
        for name, (codes, width) in columns.items():
            if count * width > PROFILE_SPACE:
                return None
            key = codes.astype(np.int64) if combined is None \
                else combined.astype(np.int64) * width + codes
            counted = np.bincount(key, minlength=count * width)
            present = np.flatnonzero(counted)
            number = np.zeros(count * width, np.int64)
            number[present] = np.arange(len(present))
            combined = number[key]
            before, parts[name] = np.divmod(present, width)
            parts = {part: (codes_of[before] if part != name else codes_of)
                     for part, codes_of in parts.items()}
            counted, count = counted[present], len(present)
        assert combined is not None
        kind = np.uint16 if count <= 0x10000 else np.uint32
        return cls(combined.astype(kind), parts, counted)

    def counts(self, docs: np.ndarray, widths: dict[str, int],
               per: np.ndarray | None = None) -> dict[str, np.ndarray]:
        """Column name -> how many of `docs` have each of its `widths[name]` codes (`per`:
        how many have each combination, when already counted)."""
        if per is None:
            per = np.bincount(self.of_doc[docs], minlength=len(self))
        return {name: np.bincount(self.parts[name], weights=per,
                                  minlength=width).astype(np.int64)
                for name, width in widths.items()}

    def set_counts(self, of_doc: np.ndarray, width: int, per: np.ndarray) -> np.ndarray | None:
        """How many documents have each of `width` sets of the set array `of_doc`, from
        how many have each combination (`per`); None when the sets are not among them."""
        for name, numbered in self.sets:
            if numbered is of_doc:
                return np.bincount(self.parts[name], weights=per,
                                   minlength=width).astype(np.int64)
        return None


@dataclass(frozen=True, slots=True)
class Columns:
    """Each document's day and facet values, live or deleted; and the cache of
    decoded posting lists for this index version."""

    doc_count_all: int
    terms: TermCache
    days: np.ndarray  # uint32 YYYYMMDD per document
    month_slot: np.ndarray  # each document's month, as an index into `months`
    months: list[int]  # YYYYMM, ascending
    facets: dict[str, FacetColumn]
    orders: dict[str, np.ndarray] = field(default_factory=dict)
    profiles: Profiles | None = None  # the month and the single-valued facets, together
    # ... and with the multi-valued facets' sets: more combinations, for larger sets.
    wide: Profiles | None = None
    # The counts of every live document (browsing): facets asked for -> `tally`'s answer.
    whole: dict[tuple[str, ...], tuple[dict[int, int], dict[str, dict[int, int]]]] = \
        field(default_factory=dict)

    def tally_all(self, live: np.ndarray, names: Iterable[str]
                  ) -> tuple[dict[int, int], dict[str, dict[int, int]]]:
        """`tally` of every live document (`live`, the version's, in order), worked out
        once per index version: what browsing the whole collection shows does not change
        until the index does (at 10M items it was two passes over ten million codes)."""
        key = tuple(names)
        found = self.whole.get(key)
        if found is None:
            found = self.whole[key] = self.tally(live, key)
        months, counted = found
        return dict(months), {name: dict(codes) for name, codes in counted.items()}

    def combinations(self, count: int) -> Profiles | None:
        """The combinations to count `count` documents by: the finest ones (`wide`) while
        they outnumber them WIDE_FROM times, else those of the single-valued columns;
        None when they are fewer than those (each column is then read at them)."""
        if self.wide is not None and count >= len(self.wide) * WIDE_FROM:
            return self.wide
        if self.profiles is not None and count >= len(self.profiles):
            return self.profiles
        return None

    def tally(self, docs: np.ndarray, names: Iterable[str],
              counted_by: tuple[Profiles, np.ndarray] | None = None
              ) -> tuple[dict[int, int], dict[str, dict[int, int]]]:
        """(YYYYMM -> how many of `docs` fall in that month, facet name -> code -> how
        many have that value) for the facets `names`: the month, the single-valued
        facets and (through `wide`) the multi-valued facets' sets counted by their
        combinations while `docs` outnumber those (`combinations`; `counted_by`: some
        combinations and how many of `docs` have each, when already counted), any other
        multi-valued facets that share their documents' sets (a derived facet and its
        source) by one count of those sets."""
        names = list(names)
        size = self.doc_count_all
        profiles, per = counted_by if counted_by is not None \
            else (self.combinations(len(docs)), None)
        counted: dict[str, dict[int, int]] = {}
        months: dict[int, int] | None = None
        if profiles is not None:
            if per is None:
                per = np.bincount(profiles.of_doc[docs], minlength=len(profiles))
            # (The month and the single-valued facets from the combinations of those alone:
            # a few thousand to add up, not hundreds of thousands.)
            narrow, narrow_per = profiles.narrowed(per)
            singles = {name: len(self.facets[name].names) for name in names
                       if name in narrow.parts}
            found = narrow.counts(docs, {"": len(self.months), **singles}, narrow_per)
            months = _nonzero(found.pop(""), self.months)
            counted = {name: _nonzero(codes) for name, codes in found.items()}
        per_set: dict[int, np.ndarray] = {}  # id of a documents' set array -> its counts
        for name in names:
            if name in counted:
                continue
            column = self.facets[name]
            sets = column.sets
            if column.single is None and sets is not None:
                key = id(sets.of_doc)
                if key not in per_set:  # (from the combinations, where they hold the sets)
                    held = profiles.set_counts(sets.of_doc, len(sets.lists), per) \
                        if profiles is not None and per is not None else None
                    per_set[key] = held if held is not None else sets.per_set(docs)
                counted[name] = column.counts(docs, size, per_set[key])
            else:
                counted[name] = column.counts(docs, size)
        if months is None:
            months = self.month_counts(docs)
        return months, {name: counted[name] for name in names}

    def tally_chosen(self, dated: np.ndarray, chosen: list[tuple[FacetColumn, list[int]]],
                     names: Iterable[str], everything: bool = False
                     ) -> tuple[np.ndarray, dict[int, int], dict[str, dict[int, int]]] | None:
        """(those of `dated` with the values `chosen` of their facets, `tally` of those
        for the facets `names`, and each chosen facet's counts over `dated` under every
        filter but its own), from one count of the combinations of `dated`: while
        every chosen facet is single-valued, among the combinations (`Profiles`), and
        `dated` outnumber those. A combination holds each facet's value, so the
        documents a filter keeps are those of the combinations it keeps, and counting
        the combinations of `dated` once counts every facet under any of the filters
        (before, each filter and each count was a pass over the documents).
        `everything`: `dated` is every live document (browsing); with none deleted,
        their combinations are the column itself and their count is the collection's
        (`Profiles.every`, counted when the combinations are numbered; browsing by kind
        at 10M items: 39 -> 21 ms; with the kept documents found by comparisons and
        counted by the finest combinations, 21 -> 8.5 ms). None otherwise."""
        profiles = self.profiles
        if profiles is None or len(dated) < len(profiles) or not chosen or any(
                column.facet.name not in profiles.parts for column, _ in chosen):
            return None
        whole = everything and len(dated) == self.doc_count_all  # (then dated[i] == i)
        if everything and not whole:
            return None  # (some deleted: the filters read at the live ones, `match`)
        keeps = _kept_combinations(profiles, chosen)
        every = np.logical_and.reduce(list(keeps.values()))
        if whole:
            # The documents kept from the chosen columns themselves (`FacetColumn.having`),
            # counted from the collection's counts of the finest combinations: no pass of
            # the documents' combinations (at 10M items, a lookup of each in the kept
            # ones took 10 ms, then the countries' sets of those kept were counted).
            per = profiles.every
            docs = docsets.ids_of(np.logical_and.reduce(
                [column.having(codes, self.doc_count_all) for column, codes in chosen]))
            finest = self.wide if self.wide is not None else profiles
            finest_every = every if finest is profiles else np.logical_and.reduce(
                list(_kept_combinations(finest, chosen).values()))
            months, counted = self.tally(docs, names, (finest, finest.every * finest_every))
        else:
            combination = profiles.of_doc[dated]
            per = np.bincount(combination, minlength=len(profiles))
            docs = docsets.kept(dated, np.take(every, combination))
            months, counted = self.tally(docs, names, (profiles, per * every))
        for name in keeps:
            others = [keep for other, keep in keeps.items() if other != name]
            under = per * np.logical_and.reduce(others) if others else per
            found = profiles.counts(dated, {name: len(self.facets[name].names)}, under)
            counted[name] = _nonzero(found[name])
        return docs, months, counted

    def date_order(self, sort: str) -> np.ndarray:
        """Every document number, newest first (`newest`) or oldest first (`oldest`);
        ties by document number. Worked out once per index version, when first asked:
        a stable sort of a two-byte key per document (its month's slot and its day in
        the month), which numpy sorts by radix (0.16 s at 10M items, against 1.3 s for
        the days themselves)."""
        found = self.orders.get(sort)
        if found is None:
            found = self.orders[sort] = _date_order(self.days, self.month_slot,
                                                    len(self.months), sort == "newest")
        return found

    def first_by_date(self, docs: np.ndarray, wanted: int, sort: str,
                      dates: tuple[int, int] | None = None) -> list[int]:
        """The first `wanted` of `docs` (ascending document numbers, every one within the
        inclusive day bounds `dates`) newest first (`newest`) or oldest first, ties by
        document number (`by_date`'s order): many matches by walking the index's date
        order (`walked_by_date`), else from their own days."""
        walked = self.walked_by_date(docs, wanted, sort, dates)
        if walked is not None:
            return walked
        if self.doc_count_all <= 1 << DOC_BITS:
            return _partitioned_by_date(self.days, docs, wanted, sort == "newest")
        return self.by_date(docs, sort)[:wanted].tolist()

    def walked_by_date(self, docs: np.ndarray, wanted: int, sort: str,
                       dates: tuple[int, int] | None = None) -> list[int] | None:
        """`first_by_date` from `date_order(sort)`: that order is walked from its first
        document within the bounds, a run at a time, until the page's worth is found, so
        a page costs what the documents before its last hit do, not what all its matches
        do. None where the walk would cost more than sorting the matches (few of them,
        or the page's worth far down the order)."""
        count = len(docs)
        if count < WALK_FROM or not count:
            return None if count else []
        order = self.date_order(sort)
        start, end = self._order_bounds(order, sort, dates)
        # Looking a document up among the matches costs about WALK_COST times what it
        # costs to sort it with them: walk at most count / WALK_COST documents.
        budget = count // WALK_COST
        # The matches are spread through the order's stretch in the bounds: the page's
        # worth is expected within wanted * stretch / count documents of its start.
        run = max(WALK_RUN, 2 * wanted * (end - start) // count)
        found: list[np.ndarray] = []
        have = 0
        at = start
        while have < wanted and at < end:
            if at - start > budget:
                return None
            part = order[at:min(at + run, end)]
            place = np.searchsorted(docs, part)
            np.minimum(place, count - 1, out=place)
            hits = part[docs[place] == part]
            found.append(hits)
            have += len(hits)
            at += len(part)
            run *= 2
        return np.concatenate(found)[:wanted].tolist() if found else []

    def _order_bounds(self, order: np.ndarray, sort: str,
                      dates: tuple[int, int] | None) -> tuple[int, int]:
        """The stretch of `order` (`date_order(sort)`) holding the documents within the
        inclusive day bounds `dates` (the whole order when there are none): the days
        along the order are monotonic, so each end is a binary search."""
        if dates is None:
            return 0, len(order)
        days, low, high = self.days, dates[0], dates[1]
        sign = -1 if sort == "newest" else 1  # days along the order, made ascending

        def key(at: int) -> int:
            return sign * int(days[order[at]])
        places = range(len(order))
        first, last = (-high, -low) if sign < 0 else (low, high)
        return (bisect.bisect_left(places, first, key=key),
                bisect.bisect_right(places, last, key=key))

    def by_date(self, docs: np.ndarray, sort: str) -> np.ndarray:
        """`docs` newest first (`newest`) or oldest first; ties by document number."""
        day = self.days[docs].astype(np.int64)
        return docs[np.lexsort((docs, -day if sort == "newest" else day))]

    def month_counts(self, docs: np.ndarray) -> dict[int, int]:
        """YYYYMM -> how many of `docs` fall in that month."""
        return _nonzero(np.bincount(self.month_slot[docs], minlength=len(self.months)),
                        self.months)

    def year_counts(self, docs: np.ndarray) -> dict[int, int]:
        """YYYY -> how many of `docs` fall in that year."""
        return years_of(self.month_counts(docs))

    def in_dates(self, low: int, high: int) -> np.ndarray:
        """A mask of the documents dated from day `low` to day `high` inclusive. Bounds
        that cut no month (from a month's first day, to a month's last: a year or a
        month asked for) are those months' slots: one subtraction and one comparison of
        two-byte slots instead of two comparisons of four-byte days and their AND (at
        10M items, best of 20: 3.2 -> 1.25 ms)."""
        slots = self._whole_months(low, high)
        if slots is None:
            return (self.days >= low) & (self.days <= high)
        first, last = slots
        if first > last:
            return np.zeros(self.doc_count_all, bool)
        kind = self.month_slot.dtype.type  # (unsigned: a slot before `first` wraps high)
        return (self.month_slot - kind(first)) <= kind(last - first)

    def _whole_months(self, low: int, high: int) -> tuple[int, int] | None:
        """The first and last month slots within days `low` to `high`, when those bounds
        cut no month (every day is a real date); None when they do."""
        if low and low % 100 != 1:
            return None
        if high != NO_DAY and high % 100 != calendar.monthrange(high // 10_000,
                                                                high // 100 % 100)[1]:
            return None
        return (bisect.bisect_left(self.months, low // 100),
                bisect.bisect_right(self.months, high // 100) - 1)

    def dated(self, docs: np.ndarray, low: int, high: int) -> np.ndarray:
        """Which of `docs` are dated from day `low` to day `high` inclusive, as a boolean
        array over them (read at those documents only)."""
        days = self.days[docs]
        return (days >= low) & (days <= high)


def _kept_combinations(profiles: Profiles, chosen: list[tuple[FacetColumn, list[int]]]
                       ) -> dict[str, np.ndarray]:
    """Facet name -> whether each of `profiles` has one of the values chosen of it."""
    return {column.facet.name: column.chosen(codes)[profiles.parts[column.facet.name]]
            for column, codes in chosen}


def _partitioned_by_date(days: np.ndarray, docs: np.ndarray, wanted: int, newest: bool
                         ) -> list[int]:
    """The first `wanted` of `docs` by their `days`, newest (or oldest) first, ties by
    document number: one sortable key per document, the best `wanted` of them
    partitioned out and only those sorted, so a page costs what its matches do."""
    day = days[docs].astype(np.int64)
    key = ((NO_DAY - day) if newest else day) << DOC_BITS | docs
    if len(key) > wanted:
        key = key[np.argpartition(key, wanted - 1)[:wanted]]
    key.sort()
    return (key & ((1 << DOC_BITS) - 1)).tolist()


def _date_order(days: np.ndarray, month_slot: np.ndarray, months: int,
                newest: bool) -> np.ndarray:
    """Every document number by day, oldest first or newest first, ties by document
    number (int32 while the numbers fit): a stable sort of each document's month slot
    and day in the month, a key of two bytes while there are at most 2,048 months."""
    key = month_slot.astype(np.uint32) * 32 + np.minimum(days % 100, 31)
    if months * 32 <= 0x10000:
        key = key.astype(np.uint16)
    if newest:
        key = key.max(initial=0) - key
    order = np.argsort(key, kind="stable")
    return order.astype(np.int32) if len(order) < 1 << 31 else order


def _nonzero(counts: np.ndarray, keys: list[int] | None = None) -> dict[int, int]:
    """Code (or `keys[code]`) -> count, for the codes counted at least once."""
    listed = counts.tolist()
    if keys is None:
        return {code: n for code, n in enumerate(listed) if n}
    return {key: n for key, n in zip(keys, listed) if n}


def years_of(month_counts: dict[int, int]) -> dict[int, int]:
    """Counts per YYYYMM summed per YYYY, in year order."""
    years: Counter[int] = Counter()
    for month, count in month_counts.items():
        years[month // 100] += count
    return dict(sorted(years.items()))


def _expanded(lists: list[list[int]], docs: np.ndarray, sources: np.ndarray
              ) -> tuple[np.ndarray, np.ndarray]:
    """(document, code) pairs: each of `docs` with every code of `lists[source]`, its
    source's list, in order (one array operation, however many documents)."""
    lengths = np.array([len(codes) for codes in lists], np.int64)
    flat = np.array([c for codes in lists for c in codes], np.int64)
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1])) if len(lengths) else lengths
    per = lengths[sources] if len(lengths) else np.zeros(0, np.int64)
    offsets = run_positions(starts[sources], per)  # each source's codes: its run in `flat`
    codes = flat[offsets] if len(offsets) else np.zeros(0, np.int64)
    return np.repeat(docs, per), codes


def _read_facet(reader: Any, facet: Facet, count: int) -> FacetColumn:
    """A facet's column from the stored one: each distinct stored value read once (the
    stored column is itself codes into a table of them), the documents' codes mapped in
    one array operation, so that a million items cost what their distinct values do."""
    if count and facet.column in reader.schema:
        stored, table = reader.value_codes(facet.column)
        stored = stored.astype(np.int64)
    else:
        stored, table = np.zeros(count, np.int64), [b""]
    held = np.bincount(stored, minlength=len(table))  # documents per stored value
    first = np.full(len(table), len(stored), np.int64)  # where each is first met
    np.minimum.at(first, stored, np.arange(len(stored), dtype=np.int64))
    used = np.flatnonzero(held)
    first = first[used]
    by_key: dict[str, int] = {}
    forms: list[Counter[str]] = []

    def code(value: str, times: int) -> int:
        key = facet.key(value) if value else ""
        found = by_key.get(key)
        if found is None:
            found = by_key[key] = len(forms)
            forms.append(Counter())
        forms[found][value] += times
        return found

    # In the order the values first occur, as a walk over the documents would meet them.
    lists: list[list[int]] = [[] for _ in table]  # stored value -> its codes
    for entry in used[np.argsort(first, kind="stable")].tolist():
        text = table[entry].decode("utf-8")
        times = int(held[entry])
        if facet.multi:
            lists[entry] = [code(value, times) for value in text.split(SEPARATOR)] \
                if text else []
        else:
            lists[entry] = [code(text, times)]
    # Each value as most items write it (the first such, on a tie).
    names = [counted.most_common(1)[0][0] for counted in forms]
    kind = np.uint32 if len(names) > 65535 else np.uint16
    if not facet.multi:
        remap = np.array([codes[0] if codes else 0 for codes in lists], np.int64)
        empty = np.zeros(0, np.int64)
        return FacetColumn(facet, names, by_key, remap[stored].astype(kind), empty, empty)
    docs, pairs = _expanded(lists, np.arange(len(stored), dtype=np.int64), stored)
    # The stored column is already a code per document into the distinct stored values:
    # each one's list of codes is its set.
    sets = ValueSets.of(stored, [tuple(codes) for codes in lists]) \
        if len(lists) <= MAX_SETS else None
    return FacetColumn(facet, names, by_key, None, docs, pairs.astype(kind), sets)


def _derive_facet(facet: Facet, source: FacetColumn, count: int) -> FacetColumn:
    """A derived facet's column from its source's: each document gets the values derived
    from each of its source values (the regions of its countries), each value once."""
    assert facet.derive is not None
    by_key: dict[str, int] = {}
    names: list[str] = []
    derived: list[list[int]] = []  # source code -> derived codes
    for name in source.names:
        these: list[int] = []
        for value in facet.derive(name) if name else ():
            key = facet.key(value)
            if key not in by_key:
                by_key[key] = len(names)
                names.append(value)
            if by_key[key] not in these:
                these.append(by_key[key])
        derived.append(these)
    if source.single is not None:
        pair_docs, pair_codes = np.arange(count, dtype=np.int64), source.single.astype(np.int64)
    else:
        pair_docs, pair_codes = source.pair_docs, source.pair_codes.astype(np.int64)
    docs, codes = _expanded(derived, pair_docs, pair_codes)
    # A document's countries may share a region: count it once. Only the documents of
    # several source values can repeat one (each source value's own are distinct), so
    # only theirs are sorted; each document's codes end up in ascending order.
    several = (np.bincount(pair_docs, minlength=count) > 1)[docs] if len(docs) else docs
    if len(docs) and several.any():
        width = len(names) + 1
        keys = np.unique(docs[several] * width + codes[several])
        alone = ~several
        one_keys = docs[alone] * width + codes[alone]
        merged = np.concatenate([one_keys, keys])
        merged.sort(kind="stable")
        docs, codes = merged // width, merged % width
    code_array = codes.astype(np.uint32 if len(names) > 65535 else np.uint16)
    return FacetColumn(facet, names, by_key, None, docs.astype(np.int64), code_array,
                       _derived_sets(source, derived))


def _derived_sets(source: FacetColumn, derived: list[list[int]]) -> ValueSets | None:
    """A derived facet's sets, one per set of its source's (the same code per document),
    in the order the derived pairs hold them: a source value's derived values in their
    order, unless a document has several source values; then every document's are
    ascending, each once."""
    if source.single is not None:
        return ValueSets.of(source.single, [tuple(these) for these in derived])
    if source.sets is None:
        return None
    several = any(len(codes) > 1 for codes in source.sets.lists)
    lists = [tuple(sorted({c for code in codes for c in derived[code]})) if several
             else tuple(derived[codes[0]]) if codes else () for codes in source.sets.lists]
    return ValueSets.of(source.sets.of_doc, lists)


def load_columns(reader: Any) -> Columns:
    """Read the `day` column and every facet's column into arrays (`reader`: a
    `postings.reader` reader of the index version)."""
    count = reader.doc_count_all()
    days = reader.number_column("day").astype(np.uint32) if count \
        else np.zeros(0, np.uint32)
    facets: dict[str, FacetColumn] = {}
    for declared in term_facets():
        source = facets.get(declared.source) if declared.derived else None
        if declared.derived and source is not None:
            facets[declared.name] = _derive_facet(declared, source, count)
        else:
            facets[declared.name] = _read_facet(reader, declared, count)
    return columns_of(days, facets)


def columns_of(days: np.ndarray, facets: dict[str, FacetColumn]) -> Columns:
    """The columns of documents with these days (uint32 YYYYMMDD) and facet columns: each
    document's month slot, and the combinations of the single-valued ones."""
    month_of = days // 100
    months = np.unique(month_of)  # a few hundred: each document's found by bisection
    # (A few hundred months: two bytes a document, not eight, and faster to gather.)
    slot = np.searchsorted(months, month_of).reshape(-1).astype(
        np.uint16 if len(months) <= 0x10000 else np.uint32)
    singles = {name: (column.single, len(column.names)) for name, column in facets.items()
               if column.single is not None}
    profiles = Profiles.of({"": (slot, len(months)), **singles}) if len(days) else None
    # The multi-valued facets' sets beside them (a derived facet's are its source's array):
    # kept while the combinations stay a small share of the documents.
    sets: dict[int, tuple[str, np.ndarray, int]] = {}
    for name, column in facets.items():
        if column.sets is not None and id(column.sets.of_doc) not in sets:
            # (the part is named apart from the facets' own: it holds sets, not values)
            sets[id(column.sets.of_doc)] = (f"sets of {name}", column.sets.of_doc,
                                            len(column.sets.lists))
    wide = None
    if profiles is not None and sets:
        wide = profiles.extended({name: (of_doc, width) for name, of_doc, width in sets.values()},
                                 tuple((name, of_doc) for name, of_doc, _ in sets.values()))
        if wide is not None and len(wide) * WIDE_SHARE > len(days):
            wide = None
    return Columns(doc_count_all=len(days), terms=TermCache(), days=days,
                   month_slot=slot, months=months.tolist(), facets=facets,
                   profiles=profiles, wide=wide)
