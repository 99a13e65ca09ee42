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
from search.postings.columns import load_columns
from search.postings.reader import open_index


@pytest.fixture(scope="module")
def columns(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("columns")
    build_index(read_sources([make_synthetic(1_200, 5, folder / "s.jsonl")]), folder / "ix")
    return load_columns(open_index(current_generation(folder / "ix").path).reader())


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
