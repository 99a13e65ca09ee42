"""The posting arrays beside each segment hold exactly Whoosh's postings.

Every term of every positional field of a synthetic index is read both ways:
through Whoosh's matcher (document numbers, weights, decoded positions) and
from the arrays. A damaged or foreign arrays file is ignored: searching falls
back to Whoosh's blocks and answers the same.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from corpus import BUNDLED_CORPUS, read_sources
from search import build_index
from search.postings import arrays
from search.engine.core import Engine
from search.postings.evaluator import Evaluator
from search.postings.termcache import TermCache
from tests_support import request

from test_perf_equivalence import _make_corpus_module


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("arrays")
    corpus = _make_corpus_module().make_corpus(600, seed=11, path=folder / "items.jsonl")
    index_dir = folder / "index"
    build_index(read_sources([corpus, BUNDLED_CORPUS]), index_dir)
    return index_dir


def _generation(index_dir: Path) -> Path:
    return next(index_dir.glob("gen-*"))


def test_every_posting_matches_whoosh(built: Path) -> None:
    ix = whoosh_index.open_dir(str(_generation(built)))
    with ix.reader() as reader:
        segment_id = reader.segment().segment_id()
        mapped = arrays.load(arrays.arrays_path(_generation(built), segment_id))
        assert mapped is not None and mapped.docs == reader.doc_count_all()
        fields = arrays.positional_fields(reader.schema)
        assert set(fields) == {"title", "summary", "kind", "body", "title_exact", "summary_exact",
                           "body_exact"}
        checked = 0
        for field in fields:
            terms = list(reader.lexicon(field))
            assert len(mapped.terms[field]) == len(terms)
            assert mapped.entry(field, b"no-such-term") is None
            for btext in terms:
                matcher = reader.postings(field, btext)
                ids, weights, positions = [], [], []
                while matcher.is_active():
                    ids.append(matcher.id())
                    weights.append(matcher.weight())
                    positions.extend(matcher.value_as("positions"))
                    matcher.next()
                assert mapped.entry(field, btext) is not None
                got_ids, got_weights = mapped.postings(field, btext)
                assert got_ids.tolist() == ids
                assert got_weights.tolist() == weights
                same_ids, counts, got_positions = mapped.positions_of(field, btext)
                assert same_ids.tolist() == ids and int(counts.sum()) == len(positions)
                assert got_positions.tolist() == positions
                checked += len(ids)
        assert checked > 10_000
    ix.close()


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


@pytest.mark.parametrize("damage", ["garbage", "empty", "truncated", "other-size"])
def test_a_damaged_arrays_file_is_ignored(built: Path, tmp_path: Path, damage: str) -> None:
    copy = tmp_path / "index"
    shutil.copytree(built, copy)
    expected = _answers(copy)
    path = next(_generation(copy).glob("*" + arrays.SUFFIX))
    data = path.read_bytes()
    if damage == "garbage":
        path.write_bytes(b"NSA1" + b"\xff" * 200)
    elif damage == "empty":
        path.write_bytes(b"")
    elif damage == "truncated":
        path.write_bytes(data[:len(data) // 2])
    else:  # the arrays of another index, with fewer documents
        other = tmp_path / "other"
        build_index(read_sources([BUNDLED_CORPUS]), other)
        path.write_bytes(next(_generation(other).glob("*" + arrays.SUFFIX)).read_bytes())
    engine = Engine(copy, page_cache=0)
    searcher = engine.handle.view().searcher
    assert [leaf[2] for leaf in Evaluator(searcher, TermCache()).leaves()] == [None]
    engine.close()
    assert _answers(copy) == expected


def test_write_missing_fills_in_a_segment_without_arrays(built: Path, tmp_path: Path) -> None:
    copy = tmp_path / "index"
    shutil.copytree(built, copy)
    path = next(_generation(copy).glob("*" + arrays.SUFFIX))
    before = path.read_bytes()
    path.unlink()
    assert arrays.write_missing(_generation(copy)) == 1
    assert path.read_bytes() == before
    assert arrays.write_missing(_generation(copy)) == 0
