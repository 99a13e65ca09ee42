"""The posting arrays hold exactly the postings Whoosh's own writer indexes.

A synthetic index (with the bundled corpus) is built, and Whoosh's writer
indexes the same documents (`whoosh_reference`). Every term of every indexed
field is read both ways: through Whoosh's matcher over Whoosh's own index
(document numbers, weights, decoded positions, term statistics) and from our
arrays, directly and through our `IndexReader`. A damaged or foreign arrays
file makes the index refuse to open with a message that says to rebuild it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from test_perf_equivalence import _make_corpus_module
from tests_support import request
from whoosh.formats import Positions
from whoosh.util.numeric import length_to_byte
from whoosh_reference import whoosh_reference

from corpus import BUNDLED_CORPUS, read_sources
from search import build_index
from search.build.merge import merged_postings
from search.build.store import IndexOutdated, current_generation
from search.engine.core import Engine
from search.postings import arrays
from search.postings.arrays import length_bytes
from search.postings.reader import open_index


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    folder = tmp_path_factory.mktemp("arrays")
    corpus = _make_corpus_module().make_corpus(600, seed=11, path=folder / "items.jsonl")
    result = read_sources([corpus, BUNDLED_CORPUS])
    index_dir = folder / "index"
    build_index(result, index_dir)
    reference = whoosh_reference(folder / "whoosh", [(list(result.articles), False)])
    yield index_dir, reference
    reference.close()


def test_every_posting_matches_whooshs(built) -> None:
    index_dir, reference = built
    ours = open_index(current_generation(index_dir).path)
    (segment,) = ours.segments
    our_reader = ours.reader()
    with reference.reader() as reader:
        assert segment.docs == reader.doc_count_all()
        indexed = [name for name, field in reader.schema.items() if field.indexed]
        # (a field no document gives a word, such as an empty body everywhere, has none)
        assert set(segment.arrays.fields) == {f for f in indexed if any(reader.lexicon(f))}
        checked = bitmapped = 0
        for field in indexed:
            positional = type(reader.schema[field].format) is Positions
            terms = list(reader.lexicon(field))
            assert list(our_reader.lexicon(field)) == terms  # the same terms, in byte order
            assert segment.arrays.entry(field, b"no-such-term") is None
            assert our_reader.field_length(field) == reader.field_length(field)
            for btext in terms:
                matcher = reader.postings(field, btext)
                ids, weights, positions = [], [], []
                while matcher.is_active():
                    ids.append(matcher.id())
                    weights.append(matcher.weight())
                    if positional:
                        positions.extend(matcher.value_as("positions"))
                    matcher.next()
                got_ids, got_weights = segment.arrays.postings(field, btext)
                assert got_ids.tolist() == ids
                assert got_weights.tolist() == weights
                # A term in at least 1/BITMAP_SHARE of the documents: a bitmap of them.
                bits = segment.arrays.bitmap(field, btext)
                assert (bits is not None) == (len(ids) * arrays.BITMAP_SHARE >= segment.docs)
                if bits is not None:
                    assert np.flatnonzero(np.unpackbits(bits, count=segment.docs)).tolist() \
                        == ids
                    bitmapped += 1
                if positional:
                    same_ids, counts, got_positions = segment.arrays.positions_of(field, btext)
                    assert same_ids.tolist() == ids and int(counts.sum()) == len(positions)
                    assert got_positions.tolist() == positions
                theirs, mine = reader.term_info(field, btext), our_reader.term_info(field, btext)
                assert (mine.weight(), mine.doc_frequency(), mine.max_weight(), mine.min_id(),
                        mine.max_id()) == (theirs.weight(), theirs.doc_frequency(),
                                           theirs.max_weight(), theirs.min_id(),
                                           theirs.max_id())
                if reader.schema[field].scorable:
                    assert (mine.min_length(), mine.max_length()) == (
                        theirs.min_length(), theirs.max_length())
                checked += len(ids)
        assert checked > 20_000
        assert bitmapped > 50
        assert segment.arrays.bitmap("body", b"no-such-term") is None
        for field in ("title", "summary", "kind"):
            assert [our_reader.doc_field_length(n, field) for n in range(segment.docs)] == [
                reader.doc_field_length(n, field) for n in range(segment.docs)]


def test_field_lengths_are_encoded_as_whoosh_encodes_them() -> None:
    lengths = np.array([0, 1, 2, 3, 7, 8, 9, 50, 100, 101, 1_000, 65_535, 106_373, 106_374,
                        10**7], np.int64)
    assert length_bytes(lengths).tolist() == [length_to_byte(int(n)) for n in lengths]


def _answers(index_dir: Path) -> list[tuple[object, ...]]:
    engine = Engine(index_dir, page_cache=0)
    found = []
    for q in ["cooperative", '"social solidarity"', "women cooperative finance",
              "coffee OR cocoa", "fin*", "kenya"]:
        page = engine.search(request(q=q, per_page=50))
        found.append((page.total, [(h.article.id, round(h.score or 0, 9)) for h in page.hits],
                      page.months, page.facet_counts("kind")))
    engine.close()
    return found


def test_arrays_written_without_bitmaps_answer_the_same(built, tmp_path: Path,
                                                        monkeypatch) -> None:
    """An index whose arrays were written before they had bitmaps (none is written here)
    is read as it was, its common words' postings scattered: the same answers."""
    index_dir, _ = built
    copy = tmp_path / "index"
    shutil.copytree(index_dir, copy)
    path = next(current_generation(copy).path.glob("*" + arrays.SUFFIX))
    loaded = arrays.load(path)
    assert loaded is not None
    common = loaded.fields["title"].term(int(loaded.fields["title"].dense[0]))
    assert loaded.bitmap("title", common) is not None
    monkeypatch.setattr(arrays, "BITMAP_SHARE", 0)  # (no term reaches a share of none)
    arrays.write_arrays(path, loaded.docs, merged_postings([loaded]))
    del loaded
    arrays.forget(path.parent)
    rewritten = arrays.load(path)
    assert rewritten is not None
    assert not any(len(f.dense) for f in rewritten.fields.values())
    assert rewritten.bitmap("title", common) is None
    assert _answers(copy) == _answers(index_dir)


@pytest.mark.parametrize("damage", ["garbage", "empty", "truncated", "other-size", "missing"])
def test_a_damaged_arrays_file_says_to_rebuild(built, tmp_path: Path, damage: str) -> None:
    index_dir, _ = built
    copy = tmp_path / "index"
    shutil.copytree(index_dir, copy)
    assert _answers(copy)
    path = next(current_generation(copy).path.glob("*" + arrays.SUFFIX))
    data = path.read_bytes()
    if damage == "garbage":
        path.write_bytes(arrays.MAGIC + b"\xff" * 200)
    elif damage == "empty":
        path.write_bytes(b"")
    elif damage == "truncated":
        path.write_bytes(data[:len(data) // 2])
    elif damage == "missing":
        path.unlink()
    else:  # the arrays of another index, with fewer documents
        other = tmp_path / "other"
        build_index(read_sources([BUNDLED_CORPUS]), other)
        path.write_bytes(next(current_generation(other).path.glob("*" + arrays.SUFFIX))
                         .read_bytes())
    with pytest.raises(IndexOutdated, match="damaged.*rebuild it"):
        Engine(copy, page_cache=0)



def test_an_array_written_in_pieces_is_the_array_written_whole(tmp_path: Path) -> None:
    """The term lists' largest arrays are written as their segments' pieces, never joined:
    the file is the same, byte for byte, as one written from the joined array."""
    from search.postings import mapped

    pieces = [np.arange(5, dtype=np.int32), np.zeros(0, np.int32), np.arange(3, dtype=np.int32)]
    other = np.array([[1, 2], [3, 4]], np.int64)
    mapped.write(tmp_path / "whole", b"TEST", {"n": 1},
                 [("ids", np.concatenate(pieces)), ("pairs", other)])
    mapped.write(tmp_path / "pieces", b"TEST", {"n": 1}, [("ids", pieces), ("pairs", [other])])
    assert (tmp_path / "whole").read_bytes() == (tmp_path / "pieces").read_bytes()
    read = mapped.read(tmp_path / "pieces", b"TEST")
    assert read is not None and read.array("ids").tolist() == [0, 1, 2, 3, 4, 0, 1, 2]
    with pytest.raises(ValueError, match="differ in type"):
        mapped.write(tmp_path / "bad", b"TEST", {}, [("ids", [pieces[0], other])])


@pytest.mark.parametrize("seed", range(6))
def test_the_packed_stable_sort_is_numpys(seed: int) -> None:
    rng = np.random.default_rng(seed)
    keys = rng.integers(0, [1, 5, 1000, 2**31 - 1, 3, 70_000][seed], 5_000)
    expected = np.argsort(keys, kind="stable")
    ordered, order = arrays.stable_sort(keys)
    assert np.array_equal(order, expected)
    assert np.array_equal(ordered, keys[expected])
    wide = np.append(keys, 2**40)  # too wide to pack: numpy's own sort
    ordered, order = arrays.stable_sort(wide)
    assert np.array_equal(order, np.argsort(wide, kind="stable"))
    assert np.array_equal(ordered, np.sort(wide))


@pytest.mark.parametrize("sizes", [(0, 0), (0, 7), (7, 0), (1, 1), (2_000, 90), (90, 2_000)])
@pytest.mark.parametrize("spread", [3, 50, 10_000])
def test_a_merge_puts_each_value_where_a_stable_sort_would(sizes, spread: int) -> None:
    rng = np.random.default_rng(sizes[0] * 31 + sizes[1] + spread)
    first = np.sort(rng.integers(0, spread, sizes[0]))
    second = np.sort(rng.integers(0, spread, sizes[1]))
    into_first, into_second = arrays.merge_places(first, second)
    joined = np.concatenate((first, second))
    expected = np.empty(len(joined), np.int64)
    expected[np.argsort(joined, kind="stable")] = np.arange(len(joined))
    assert np.array_equal(np.concatenate((into_first, into_second)), expected)
    if len(first) > 1 and first[0] != first[-1]:  # not ascending: sorted, as stably
        shuffled = rng.permutation(first)
        into_first, into_second = arrays.merge_places(shuffled, second)
        joined = np.concatenate((shuffled, second))
        expected[np.argsort(joined, kind="stable")] = np.arange(len(joined))
        assert np.array_equal(np.concatenate((into_first, into_second)), expected)


def test_closing_an_engine_waits_for_its_background_reading(built, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """An engine reads each new index version's words in the background (for
    respelling). `close` waits for that reading: after it, the index's files may be cut
    short or removed (as the damaged-file test does), and a thread still reading one
    through its mapping would end the process with a bus error."""
    import threading

    from search.engine import spelling

    index_dir, _ = built
    copy = tmp_path / "index"
    shutil.copytree(index_dir, copy)
    started, release = threading.Event(), threading.Event()
    real = spelling.lexicon

    def slow(view):  # type: ignore[no-untyped-def]
        started.set()
        release.wait(10)
        return real(view)

    monkeypatch.setattr(spelling, "lexicon", slow)
    engine = Engine(copy, page_cache=0)
    engine.search(request(q="cooperative"))
    assert started.wait(10)
    closing = threading.Thread(target=engine.close)
    closing.start()
    closing.join(0.3)
    assert closing.is_alive()  # still reading: close waits
    release.set()
    closing.join(10)
    assert not closing.is_alive()
    assert not [t for t in threading.enumerate() if t.name == "news-search-warm"]
