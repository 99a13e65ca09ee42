"""A multi-valued facet counted by its documents' sets of values (search/postings/columns.py:
`ValueSets`) gives what its (document, value) pairs give: counts, filters, each
document's values, for the countries (read) and the regions (derived from them)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from tests_support import make_synthetic

from corpus import read_sources
from search import build_index
from search.build.store import current_generation
from search.postings import columns as columns_module
from search.postings.columns import load_columns
from search.postings.reader import open_index


@pytest.fixture(scope="module", params=["profiles", "wide"])
def columns(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The columns of a synthetic index: counted by the single-valued columns'
    combinations, or (`wide`) by those with the countries' sets too, kept here however
    many they are beside the documents."""
    folder = tmp_path_factory.mktemp("columns")
    build_index(read_sources([make_synthetic(1_200, 5, folder / "s.jsonl")]), folder / "ix")
    found = load_columns(open_index(current_generation(folder / "ix").path).reader())
    if request.param == "profiles":
        assert found.wide is None  # (more than 1/WIDE_SHARE of 1,200)
        yield found
        return
    saved = columns_module.WIDE_SHARE, columns_module.WIDE_FROM
    columns_module.WIDE_SHARE = columns_module.WIDE_FROM = 0
    try:
        wide = columns_module.columns_of(found.days, found.facets)
        assert wide.wide is not None and len(wide.wide) > len(wide.profiles)
        assert wide.combinations(len(wide.profiles)) is wide.wide
        yield wide
    finally:
        columns_module.WIDE_SHARE, columns_module.WIDE_FROM = saved


@pytest.mark.parametrize("name", ["country", "region"])
def test_sets_answer_as_the_pairs_do(columns, name: str) -> None:  # type: ignore[no-untyped-def]
    column = columns.facets[name]
    assert column.sets is not None and column.single is None
    pairs = dataclasses.replace(column, sets=None)
    size = columns.doc_count_all
    held = np.unique(column.pair_docs)
    # Documents with several values are there, and some with none.
    assert (np.bincount(column.pair_docs) > 1).any() and len(held) < size
    rng = np.random.default_rng(7)
    every = np.arange(size)
    subsets = [every, every[:0], held[:3], rng.choice(size, 30, replace=False),
               np.flatnonzero(rng.random(size) < 0.5)]
    codes = sorted(set(column.pair_codes.tolist()))
    choices = [[codes[0]], codes[1:4], [codes[-1], codes[0]]]
    for docs in subsets:
        docs = np.sort(docs)
        assert column.counts(docs, size) == pairs.counts(docs, size)
        assert column.with_any(docs) == pairs.with_any(docs)
        listed = docs.tolist()
        assert column.values_of_many(listed) == pairs.values_of_many(listed)
        assert [column.values_of(d) for d in listed] == [pairs.values_of(d) for d in listed]
        for chosen in choices:
            assert np.array_equal(column.keeps(chosen, docs, size),
                                  pairs.keeps(chosen, docs, size))
    for chosen in choices:
        assert np.array_equal(column.having(chosen, size), pairs.having(chosen, size))


def test_the_months_and_facets_counted_together_are_each_ones_own_counts(columns) -> None:  # type: ignore[no-untyped-def]
    """`Columns.tally` counts the month and the single-valued facets by their combinations
    (`Profiles`) and a derived facet with its source by their shared sets; every count is
    what each column counts alone, for sets of documents on both sides of the number of
    combinations, and for any choice of facets."""
    profiles = columns.profiles
    assert profiles is not None
    # Every single-valued facet is in the combinations, and each is a real combination.
    singles = [name for name, column in columns.facets.items() if column.single is not None]
    assert sorted(profiles.parts) == sorted(["", *singles])
    for name in singles:
        assert np.array_equal(profiles.parts[name][profiles.of_doc],
                              columns.facets[name].single)
    assert np.array_equal(profiles.parts[""][profiles.of_doc], columns.month_slot)
    assert len(np.unique(profiles.of_doc)) == len(profiles)
    # The regions' sets are the countries' array: counted once for both.
    sets = columns.facets["country"].sets
    assert columns.facets["region"].sets.of_doc is sets.of_doc
    wide = columns.wide
    sizes = [len(profiles) + 1]
    if wide is not None:  # the same, and the countries' sets (the regions' too) in each
        assert sorted(wide.parts) == sorted(["", *singles, "sets of country"])
        assert [name for name, _ in wide.sets] == ["sets of country"]
        for name in singles:
            assert np.array_equal(wide.parts[name][wide.of_doc], columns.facets[name].single)
        assert np.array_equal(wide.parts["sets of country"][wide.of_doc], sets.of_doc)
        assert len(np.unique(wide.of_doc)) == len(wide)
        # Each combination of the single-valued columns is one run of these.
        base, starts = wide.base
        assert base is profiles
        assert np.array_equal(np.repeat(np.arange(len(profiles)), np.diff([*starts, len(wide)]))
                              [wide.of_doc], profiles.of_doc)
        assert np.array_equal(wide.narrowed(wide.every)[1], profiles.every)
        sizes.append(len(wide) + 1)
    size = columns.doc_count_all
    rng = np.random.default_rng(3)
    names = list(columns.facets)
    for docs in (np.arange(size), np.arange(0), np.sort(rng.choice(size, 5, replace=False)),
                 *(np.sort(rng.choice(size, n, replace=False)) for n in sizes)):
        for chosen in (names, names[1:], ["region"], []):
            months, counted = columns.tally(docs, chosen)
            assert months == columns.month_counts(docs)
            assert counted == {name: columns.facets[name].counts(docs, size) for name in chosen}
    assert sum(columns.tally(np.arange(size), [])[0].values()) == size


def test_filters_on_single_valued_facets_counted_by_combinations_keep_and_count_as_each_column(columns) -> None:  # type: ignore[no-untyped-def]
    """`Columns.tally_chosen` filters by the combinations of values and counts every facet
    from one count of them: the documents kept, the counts of the facets not filtered
    and the months, and each filtered facet's counts under the other filters, are those
    each column's own filter and counts give. It declines (None) where it cannot: a
    multi-valued facet filtered, or fewer documents than combinations."""
    profiles = columns.profiles
    size = columns.doc_count_all
    rng = np.random.default_rng(5)
    kind, collection = columns.facets["kind"], columns.facets["collection"]
    kinds = sorted(set(kind.single.tolist()))
    assert len(kinds) > 2
    choices = [[(kind, [kinds[0]])], [(kind, kinds[1:3])], [(kind, [])],
               [(kind, kinds[:2]), (collection, [int(collection.single[0])])]]
    sizes = [len(profiles) + 7] + ([len(columns.wide) + 7] if columns.wide is not None else [])
    for docs in (np.arange(size), np.flatnonzero(rng.random(size) < 0.6),
                 *(np.sort(rng.choice(size, n, replace=False)) for n in sizes)):
        for chosen in choices:
            filtered = {column.facet.name for column, _ in chosen}
            names = [name for name in columns.facets if name not in filtered]
            found = columns.tally_chosen(docs, chosen, names)
            assert found is not None
            keeps = {column.facet.name: column.keeps(codes, docs, size)
                     for column, codes in chosen}
            kept = docs[np.logical_and.reduce(list(keeps.values()))]
            months, counted = columns.tally(kept, names)
            for name in keeps:
                others = [keep for other, keep in keeps.items() if other != name]
                base = docs[np.logical_and.reduce(others)] if others else docs
                counted[name] = columns.facets[name].counts(base, size)
            assert np.array_equal(found[0], kept)
            assert found[1] == months == columns.month_counts(kept)
            assert found[2] == counted
            if len(docs) == size:  # browsing: the column itself, the collection's counts
                browsed = columns.tally_chosen(docs, chosen, names, everything=True)
                assert browsed is not None and np.array_equal(browsed[0], kept)
                assert browsed[1:] == found[1:]
    # The collection's counts are those of every document's combination.
    assert np.array_equal(profiles.every, np.bincount(profiles.of_doc, minlength=len(profiles)))
    # Browsing with some documents deleted: read at the live ones instead (`match`).
    live = np.arange(1, size)
    assert columns.tally_chosen(live, [(kind, [kinds[0]])], ["country"], everything=True) is None
    few = np.arange(len(profiles) - 1)
    assert columns.tally_chosen(few, [(kind, [kinds[0]])], ["country"]) is None
    country = columns.facets["country"]
    assert columns.tally_chosen(np.arange(size), [(country, [1])], ["kind"]) is None



def test_a_single_valued_facets_documents_are_found_by_comparisons_as_by_a_table(columns, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """`FacetColumn.having` compares a single-valued facet's codes with each of a few
    chosen ones, and looks more up in a table: the same documents either way."""
    size = columns.doc_count_all
    for name, column in columns.facets.items():
        if column.single is None:
            continue
        codes = sorted(set(column.single.tolist()))
        for chosen in ([], codes[:1], codes[1:3], codes, [*codes, len(column.names) - 1]):
            expected = np.isin(column.single, chosen)
            assert np.array_equal(column.having(chosen, size), expected), (name, chosen)
            monkeypatch.setattr(columns_module, "COMPARED_CODES", 0)
            assert np.array_equal(column.having(chosen, size), expected), (name, chosen)
            monkeypatch.undo()

def test_dates_that_cut_no_month_are_read_by_month_slots_as_by_days(columns) -> None:  # type: ignore[no-untyped-def]
    """`Columns.in_dates` reads a range of whole months (a year, a month, from a month
    on, up to one) from the month slots, and a range that cuts a month from the days:
    either way, the documents whose days are within it."""
    from search.postings.columns import NO_DAY

    days = columns.days
    first, last = int(days.min()), int(days.max())
    y0, y1 = first // 10_000, last // 10_000
    february_end = 229 if y1 % 4 == 0 else 228
    whole = [(y0 * 10_000 + 101, y0 * 10_000 + 1231),  # a year
             (0, (y0 + 1) * 10_000 + 1231), ((y0 + 1) * 10_000 + 101, NO_DAY), (0, NO_DAY),
             (y0 * 10_000 + 301, y1 * 10_000 + february_end),
             ((y0 + 1) * 10_000 + 401, (y0 + 1) * 10_000 + 430),  # April: 30 days
             ((y1 + 1) * 10_000 + 101, NO_DAY), (0, (y0 - 1) * 10_000 + 1231)]  # none
    cut = [(first, last), (first + 1, NO_DAY), (0, last - 1), (y0 * 10_000 + 102, NO_DAY),
           (0, y0 * 10_000 + 1230), ((y0 + 1) * 10_000 + 401, (y0 + 1) * 10_000 + 429)]
    for low, high in whole + cut:
        assert (columns._whole_months(low, high) is not None) == ((low, high) in whole)
        found = columns.in_dates(low, high)
        assert found.dtype == bool and len(found) == len(days)
        assert np.array_equal(found, (days >= low) & (days <= high)), (low, high)
    assert columns.in_dates(*whole[0]).any() and not columns.in_dates(*whole[-1]).any()


def test_too_many_combinations_are_counted_column_by_column() -> None:
    """Columns whose combinations could not be numbered in `PROFILE_SPACE` have none; their
    counts are then each column's own. The space is that of the combinations that occur
    so far times the next column's codes, not of every column's codes multiplied."""
    from search.postings.columns import PROFILE_SPACE, Profiles

    wide = np.arange(10, dtype=np.int64)
    assert Profiles.of({"a": (wide, PROFILE_SPACE + 1)}) is None
    apart = Profiles.of({"a": (wide, PROFILE_SPACE), "b": (wide % 2, 2)})
    assert apart is not None and len(apart) == 10  # (10 of PROFILE_SPACE * 2 occur)
    assert apart.parts["a"].tolist() == list(range(10))
    assert apart.parts["b"].tolist() == [0, 1] * 5
    assert apart.extended({"c": (wide, PROFILE_SPACE)}) is None  # 10 * the space
    assert Profiles.of({}) is None
    found = Profiles.of({"a": (wide % 3, 3), "b": (wide % 2, 2)})
    assert found is not None and len(found) == 6
    assert found.every.tolist() == [2, 2, 1, 2, 2, 1]  # (a, b) -> 2a + b, ten documents
    assert {k: v.tolist() for k, v in found.counts(wide, {"a": 3, "b": 2}).items()} == \
        {"a": [4, 3, 3], "b": [5, 5]}


def test_the_whole_collections_counts_are_worked_out_once_and_handed_out_as_copies(columns) -> None:  # type: ignore[no-untyped-def]
    """Browsing everything (`Columns.tally_all`) gives `tally`'s counts of every live
    document, kept per index version; what a caller does to the answer changes nothing
    the next one gets."""
    every = np.arange(columns.doc_count_all)
    names = list(columns.facets)
    months, counted = columns.tally_all(every, names)
    assert (months, counted) == columns.tally(every, names)
    months.clear()
    counted[names[0]].clear()
    assert columns.tally_all(every, names) == columns.tally(every, names)
    assert len(columns.whole) == 1
