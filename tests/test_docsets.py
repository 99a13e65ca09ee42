"""Sets of documents give the same answers in either form (`search.postings.docsets`),
and facet columns count and filter the same read at a few documents or over all."""

from __future__ import annotations

import numpy as np
import pytest

from search.facets import COUNTRY, KIND
from search.postings import docsets
from search.postings.columns import FacetColumn
from search.postings.docsets import DocSet, ids_of, intersection, kept, places, union

SIZE = 10_000


def _forms(ids: np.ndarray) -> list[DocSet]:
    """The same set as numbers only, as a mask only, and as both."""
    mask = np.zeros(SIZE, bool)
    mask[ids] = True
    both = DocSet.of_ids(SIZE, ids)
    assert both.mask is not None
    return [DocSet.of_ids(SIZE, ids), DocSet.of_mask(mask), both]


# Sizes on both sides of the threshold (SIZE / DENSE_SHARE = 312) and of SEARCH_RATIO.
SIZES = [0, 1, 5, 200, 312, 313, 2_000, 9_000]


@pytest.mark.parametrize("lookup_from", [docsets.LOOKUP_FROM, 1],
                         ids=["searched", "read-in-mask"])
@pytest.mark.parametrize("left", SIZES)
@pytest.mark.parametrize("right", SIZES)
def test_set_algebra_equals_python_sets_in_every_form(left: int, right: int, lookup_from: int,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(docsets, "LOOKUP_FROM", lookup_from)
    rng = np.random.default_rng(left * 31 + right)
    a = np.sort(rng.choice(SIZE, left, replace=False)).astype(np.int64)
    b = np.sort(rng.choice(SIZE, right, replace=False)).astype(np.int64)
    sa, sb = set(a.tolist()), set(b.tolist())
    for x in _forms(a):
        for y in _forms(b):
            for found, expected in ((x & y, sa & sb), (x - y, sa - sb), (x | y, sa | sb)):
                assert found.ids.tolist() == sorted(expected)
                assert len(found) == len(expected)
                assert np.flatnonzero(found.mask).tolist() == sorted(expected)
            assert x.within(b).tolist() == [v in sa for v in b.tolist()]


@pytest.mark.parametrize("sizes", [(9_000, 8_000, 7_000, 6_000), (9_000, 200, 8_000),
                                   (200, 9_000, 9_000), (5, 0, 9_000), (9_000,)])
def test_an_intersection_of_many_is_the_and_of_each_and_changes_none_of_them(
        sizes: tuple[int, ...]) -> None:
    """`intersection` ANDs masks into the first one it makes: the answer is the sets' AND
    in any form, and no set given, nor its mask, is changed (they are memoised)."""
    rng = np.random.default_rng(len(sizes) + sum(sizes))
    arrays = [np.sort(rng.choice(SIZE, n, replace=False)).astype(np.int64) for n in sizes]
    expected = sorted(set.intersection(*(set(a.tolist()) for a in arrays)))
    for form in range(3):
        sets = [_forms(a)[form] for a in arrays]
        found = intersection(sets)
        assert found.ids.tolist() == expected == np.flatnonzero(found.mask).tolist()
        for s, a in zip(sets, arrays, strict=True):  # (a form made meanwhile is kept)
            assert s._ids is None or np.array_equal(s._ids, a)
            assert s._mask is None or np.array_equal(np.flatnonzero(s._mask), a)


def test_a_small_result_is_held_as_numbers_and_a_large_one_as_a_mask() -> None:
    few = DocSet.of_ids(SIZE, np.arange(0, SIZE, 100, dtype=np.int64))
    many = DocSet.of_ids(SIZE, np.arange(0, SIZE, 2, dtype=np.int64))
    assert few.small and not many.small
    assert (few & many)._mask is None  # walked number by number, no mask made
    assert (many & DocSet.of_ids(SIZE, np.arange(1, SIZE, 2, dtype=np.int64)))._ids is None
    assert union(SIZE, [few, few])._mask is None
    assert union(SIZE, [few, many])._ids is None
    # What a set is sorted by before an AND: its count while it is numbers, never a count
    # of a mask alone (a pass over it), which goes last.
    masked = DocSet.of_mask(few.mask.copy())
    assert few.at_most == len(few) == 100 and masked.at_most == SIZE and len(masked) == 100


@pytest.mark.parametrize("size", [1 << 16, (1 << 16) + 5, 300_007])
@pytest.mark.parametrize("share", [0, 0.0005, 0.002, 0.01, 0.04, 0.099, 0.2, 1])
def test_ids_of_a_mask_are_its_true_places_at_every_share(size: int, share: float) -> None:
    # Shares on each side of numpy's tenth and of the thousandth below which it is kept;
    # between them the words are read, nested once (0.002, 0.01) or not (0.04, 0.099);
    # sizes not a multiple of 8 leave a tail read byte by byte.
    rng = np.random.default_rng(size)
    mask = rng.random(size) < share
    mask[-1] = share > 0  # the last place, in the tail
    found = ids_of(mask)
    assert found.dtype == np.intp
    assert np.array_equal(found, np.flatnonzero(mask))
    clustered = np.zeros(size, bool)  # runs of True: whole words set, and none
    for start in range(0, size, 50_000):
        clustered[start:start + int(2_000 * share) + 1] = True
    assert np.array_equal(ids_of(clustered), np.flatnonzero(clustered))


@pytest.mark.parametrize("size", [0, 10, 1_023, 1_024, 50_001])
@pytest.mark.parametrize("share", [0, 0.01, 0.5, 0.99, 1])
def test_kept_values_are_boolean_indexings(size: int, share: float) -> None:
    rng = np.random.default_rng(size)
    keep = rng.random(size) < share
    for values in (rng.integers(0, 1 << 40, size), rng.random(size),
                   rng.integers(0, 255, size).astype(np.uint8)):
        found = kept(values, keep)
        assert found.dtype == values.dtype
        assert np.array_equal(found, values[keep])
        if len(found):  # a copy, never a view of the values
            found[0] += 1
            assert np.array_equal(values[keep][1:], found[1:])
            assert not np.shares_memory(found, values)


def test_union_of_many_sets_and_of_none() -> None:
    parts = [np.arange(i, 300, 7, dtype=np.int64) for i in range(5)]
    found = union(SIZE, [DocSet.of_ids(SIZE, p) for p in parts])
    assert found.ids.tolist() == sorted(set(np.concatenate(parts).tolist()))
    assert len(union(SIZE, [])) == 0


@pytest.mark.parametrize("needles,haystack", [(3, 900), (900, 3), (50, 50), (0, 5), (5, 0)])
def test_places_finds_the_common_numbers_from_either_side(needles: int, haystack: int) -> None:
    rng = np.random.default_rng(needles + haystack)
    a = np.sort(rng.choice(1_000, needles, replace=False)).astype(np.int64)
    b = np.sort(rng.choice(1_000, haystack, replace=False)).astype(np.int64)
    where, at = places(a, b)
    assert a[where].tolist() == b[at].tolist() == sorted(set(a.tolist()) & set(b.tolist()))


def _multi_column(rng: np.random.Generator) -> FacetColumn:
    names = ["", "KE", "FR", "BR", "IN"]
    pairs = [(doc, code) for doc in range(SIZE)
             for code in sorted(set(rng.integers(1, 5, rng.integers(0, 3)).tolist()))]
    docs = np.array([d for d, _ in pairs], np.int64)
    codes = np.array([c for _, c in pairs], np.uint16)
    return FacetColumn(COUNTRY, names, {n: i for i, n in enumerate(names)}, None, docs, codes)


@pytest.mark.parametrize("share", [1, 10**9], ids=["read-at-documents", "over-all"])
@pytest.mark.parametrize("count", [0, 7, 300, 4_000])
def test_facet_counts_and_filters_read_at_documents_equal_those_over_all(
        share: int, count: int, monkeypatch) -> None:
    rng = np.random.default_rng(count)
    multi = _multi_column(rng)
    single = FacetColumn(KIND, ["", "News", "Feature"], {"": 0, "news": 1, "feature": 2},
                         rng.integers(0, 3, SIZE).astype(np.uint16),
                         np.zeros(0, np.int64), np.zeros(0, np.int64))
    docs = np.sort(rng.choice(SIZE, count, replace=False)).astype(np.int64)
    monkeypatch.setattr(docsets, "DENSE_SHARE", share)
    for column in (multi, single):
        held = [column.values_of(int(d)) for d in docs.tolist()]
        expected: dict[int, int] = {}
        for values in held:
            for value in values or ("",):  # (a single value's "" is counted, as a code)
                if value or column is single:
                    code = column.names.index(value)
                    expected[code] = expected.get(code, 0) + 1
        assert column.counts(docs, SIZE) == expected
        for codes in ([1], [1, 2]):
            wanted = {column.names[c] for c in codes}
            assert column.keeps(codes, docs, SIZE).tolist() == \
                [bool(wanted & set(values)) for values in held]


@pytest.mark.parametrize("wanted", [1, 20, 5_000])
@pytest.mark.parametrize("newest", [True, False])
def test_first_by_date_is_the_date_order_of_the_whole_set(wanted: int, newest: bool) -> None:
    """The page's worth partitioned out by one key per document is the order of sorting
    every match by date (ties, many here, by document number)."""
    from types import SimpleNamespace

    from search.postings.columns import NO_DAY, Columns, _partitioned_by_date

    rng = np.random.default_rng(wanted)
    days = rng.choice([20200101, 20200102, 20231231, NO_DAY], SIZE).astype(np.uint32)
    docs = np.sort(rng.choice(SIZE, 3_000, replace=False)).astype(np.int64)
    columns = SimpleNamespace(days=days)
    expected = Columns.by_date(columns, docs, "newest" if newest else "oldest")  # type: ignore[arg-type]
    assert _partitioned_by_date(days, docs, wanted, newest) == expected[:wanted].tolist()


def _day_columns(days: np.ndarray):
    """Columns holding only `days`, made as `load_columns` makes them."""
    from search.postings.columns import columns_of

    return columns_of(days, {})


@pytest.mark.parametrize("sort", ["newest", "oldest"])
@pytest.mark.parametrize("dates", [None, (20200102, 20231231), (20200101, 20200101),
                                   (20240101, 20250101)])
@pytest.mark.parametrize("share", [1.0, 0.3, 0.01])
def test_walking_the_date_order_finds_the_first_matches_by_date(
        monkeypatch: pytest.MonkeyPatch, sort: str, dates: tuple[int, int] | None,
        share: float) -> None:
    """The walk along the index's date order, from the first document in the dates asked
    for, gives the page's worth that sorting every match gives (ties by document number,
    many here, undated items among them); where it gives up, it says so (None)."""
    from search.postings import columns as columns_module
    from search.postings.columns import NO_DAY, Columns

    monkeypatch.setattr(columns_module, "WALK_FROM", 0)
    monkeypatch.setattr(columns_module, "WALK_RUN", 8)  # runs doubled many times
    rng = np.random.default_rng(7)
    days = rng.choice([19991231, 20200101, 20200102, 20200315, 20231231, NO_DAY],
                      SIZE).astype(np.uint32)
    columns = _day_columns(days)
    docs = np.flatnonzero(rng.random(SIZE) < share).astype(np.int64)
    if dates is not None:
        docs = docs[(days[docs] >= dates[0]) & (days[docs] <= dates[1])]
    assert np.array_equal(columns.date_order(sort),
                          Columns.by_date(columns, np.arange(SIZE), sort))
    for wanted in (1, 20, 500):
        walked = columns.walked_by_date(docs, wanted, sort, dates)
        expected = Columns.by_date(columns, docs, sort)[:wanted].tolist()
        if walked is None:  # only where the page's worth lies beyond the walk's budget
            order = columns.date_order(sort).tolist()
            start, _ = columns._order_bounds(columns.date_order(sort), sort, dates)
            assert order.index(expected[-1]) - start >= len(docs) // columns_module.WALK_COST
        else:
            assert walked == expected


def test_walking_the_date_order_gives_up_where_the_matches_lie_far_down_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Matches all among the oldest items, asked for newest first: the walk stops at its
    budget (the caller then sorts the matches) instead of reading the whole order."""
    from search.postings import columns as columns_module

    monkeypatch.setattr(columns_module, "WALK_FROM", 0)
    days = np.full(SIZE, 20240101, np.uint32)
    days[:500] = 20000101
    columns = _day_columns(days)
    docs = np.arange(500, dtype=np.int64)
    assert columns.walked_by_date(docs, 20, "newest") is None
    assert columns.walked_by_date(docs, 20, "oldest") == list(range(20))


@pytest.mark.parametrize("size", [1, 63, 64, 65, 1_000, SIZE + 7])
def test_a_members_place_counted_from_packed_bits_is_its_place_among_the_numbers(size: int) -> None:
    """`Ranks.places` counts the members below each one in the packed mask: the place a
    binary search finds, at the first and last numbers, word edges and a size that is
    no multiple of 64."""
    rng = np.random.default_rng(size)
    for share in (0.0, 0.01, 0.5, 1.0):
        ids = np.flatnonzero(rng.random(size) < share)
        ids = np.union1d(ids, [0, size - 1, *range(63, size, 64)]).astype(np.int64)
        ranks = docsets.Ranks(ids, size)
        assert np.flatnonzero(ranks.mask).tolist() == ids.tolist()
        some = ids[rng.random(len(ids)) < 0.5]
        assert ranks.places(some).tolist() == np.searchsorted(ids, some).tolist()
        assert ranks.places(ids).tolist() == list(range(len(ids)))
