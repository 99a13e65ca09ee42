"""Merging a build's segments (search/build/merge.py): the merged segment is the one a
single builder writes for the same items, and a build merges only what it should."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest
from tests_support import make_synthetic, small_segments

from corpus import ReadResult, read_sources
from search import build_index
from search.build import merge as merging
from search.build.segment import SegmentBuilder
from search.build.store import current_generation
from search.postings import arrays, documents, termlists
from search.postings.reader import open_index
from search.postings.segments import SegmentEntry
from search.text.schema import build_schema, to_document


@pytest.fixture(scope="module")
def articles(tmp_path_factory: pytest.TempPathFactory) -> list:
    path = make_synthetic(900, 3, tmp_path_factory.mktemp("merge") / "synthetic.jsonl")
    return list(read_sources([path]).articles)


def write_segment(folder: Path, articles: list) -> SegmentEntry:
    builder = SegmentBuilder(folder, build_schema())
    for article in articles:
        builder.add(to_document(article))
    return builder.finish()


def entries(*sizes: int, deleted: tuple[int, ...] = ()) -> list[SegmentEntry]:
    return [SegmentEntry(f"s{n}", size, "x.del" if n in deleted else None)
            for n, size in enumerate(sizes)]


def test_a_few_segments_are_left_as_written() -> None:
    few = entries(*[50_000] * (merging.MERGE_FROM - 1))
    assert merging.plan_merges(few) == [[entry] for entry in few]


def test_runs_are_consecutive_even_and_about_the_bound(monkeypatch) -> None:
    monkeypatch.setattr(merging, "MERGED_ITEMS", 1_000)
    many = entries(*[300] * 10)  # 3,000 items: three runs of 900-1,200
    runs = merging.plan_merges(many)
    assert [entry for run in runs for entry in run] == many
    assert [sum(e.docs for e in run) for run in runs] == [900, 1_200, 900]
    # A segment with deletions is never merged; the others around it still are.
    runs = merging.plan_merges(entries(*[300] * 10, deleted=(4,)))
    assert [[e.id for e in run] for run in runs] == [
        ["s0", "s1"], ["s2", "s3"], ["s4"], ["s5", "s6"], ["s7", "s8", "s9"]]


def test_runs_keep_to_the_bytes_of_postings_too(monkeypatch) -> None:
    # Items with long texts: the same items, four times the postings, four runs.
    monkeypatch.setattr(merging, "MERGED_ITEMS", 1_000)
    monkeypatch.setattr(merging, "MERGED_BYTES", 1_000_000)
    many = entries(*[100] * 10)
    assert len(merging.plan_merges(many, [100_000] * 10)) == 1
    runs = merging.plan_merges(many, [400_000] * 10)
    assert [len(run) for run in runs] == [2, 3, 2, 3]
    assert [entry for run in runs for entry in run] == many


def test_a_merged_segment_is_the_one_a_single_builder_writes(articles, tmp_path) -> None:
    one = tmp_path / "one"
    one.mkdir()
    whole = write_segment(one, articles)
    parts = tmp_path / "parts"
    parts.mkdir()
    cuts = [0, 120, 121, 400, 650, len(articles)]  # one segment of a single item
    run = [write_segment(parts, articles[a:b]) for a, b in pairwise(cuts)]
    for number, entry in enumerate(run):  # term lists to be kept as the pieces
        termlists.segment_path(parts, entry.id).write_bytes(bytes([number]))
    merged = merging.merge_run(parts, run)
    assert merged.docs == whole.docs == len(articles)
    # The postings file is byte for byte the single builder's.
    assert arrays.arrays_path(parts, merged.id).read_bytes() == \
        arrays.arrays_path(one, whole.id).read_bytes()
    # The documents: the same records, read through each part's own dictionary, and
    # the same columns.
    theirs = documents.load(documents.documents_path(one, whole.id))
    ours = documents.load(documents.documents_path(parts, merged.id))
    assert ours is not None and theirs is not None
    assert len(ours.dictionaries) == len(run)
    assert [ours.stored(n) for n in range(ours.docs)] == \
        [theirs.stored(n) for n in range(theirs.docs)]
    for name in theirs.numbers:
        assert np.array_equal(ours.numbers[name], theirs.numbers[name])
    for name, (codes, table) in theirs.values.items():
        mine, my_table = ours.values[name]
        assert [my_table[c] for c in mine.tolist()] == [table[c] for c in codes.tolist()]
        assert my_table == table
    # The parts' files are gone; their term lists wait as the merged segment's pieces.
    assert sorted(p.name for p in parts.iterdir()) == sorted(
        [arrays.arrays_path(parts, merged.id).name,
         documents.documents_path(parts, merged.id).name,
         *(termlists.piece_path(parts, merged.id, n).name for n in range(len(run)))])
    assert [termlists.piece_path(parts, merged.id, n).read_bytes()
            for n in range(len(run))] == [bytes([n]) for n in range(len(run))]


def test_a_merged_build_has_the_term_lists_of_an_unmerged_one(articles, tmp_path,
                                                               monkeypatch) -> None:
    result = ReadResult(articles=articles)
    small_segments(monkeypatch, 100, merge_from=10**9)
    build_index(result, tmp_path / "several")
    small_segments(monkeypatch, 100, merge_from=2, merged_items=400)
    seen: list[tuple[int, int]] = []
    build_index(result, tmp_path / "merged", progress=lambda d, t: seen.append((d, t)))
    found = {}
    for name in ("several", "merged"):
        path = current_generation(tmp_path / name).path
        index = open_index(path)
        lists = termlists.load(path, [(s.id, s.docs) for s in index.segments])
        assert lists is not None, name  # made for these segments
        found[name] = (len(index.segments), lists)
        assert not list(path.glob("*.nsf"))  # the pieces: assembled, then removed
    (several, theirs), (merged, ours) = found["several"], found["merged"]
    assert several == 9 and merged == 3
    assert list(ours.terms) == list(theirs.terms)
    for name in ("word_df", "pair_words", "pair_df", "word_offsets", "word_ids",
                 "pair_offsets", "pair_ids"):
        assert np.array_equal(getattr(ours, name), getattr(theirs, name)), name
    assert ours.live == theirs.live == len(articles)
    # Progress keeps moving through the merge and ends at the whole.
    assert seen[-1] == (len(articles), len(articles))
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)


def test_without_every_parts_term_lists_none_are_kept_as_pieces(articles, tmp_path) -> None:
    run = [write_segment(tmp_path, articles[a:b]) for a, b in ((0, 50), (50, 90), (90, 99))]
    for entry in run[:2]:  # the last part has none: the pieces could not say whose is whose
        termlists.segment_path(tmp_path, entry.id).write_bytes(b"lists")
    merged = merging.merge_run(tmp_path, run)
    assert not list(tmp_path.glob("*.nsf"))
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".nsa", ".nsd"]
    assert merged.docs == 99
