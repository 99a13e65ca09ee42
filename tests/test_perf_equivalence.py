"""Every speed-up returns what the straightforward Whoosh path returns.

The engine matches and scores from its own posting arrays
(`search/postings/evaluator.py`), counts facets from per-document columns,
caches pages and posting lists, builds big indexes in parallel into several
segments and updates them with deletions. Here the same requests are answered
the plain way by Whoosh over its own index of the same documents, written by
Whoosh's writer in the same segments (`whoosh_reference`), on a few thousand
synthetic items: `searcher.search(..., limit=None)` scores, with filters and
facet counts worked out from each match's stored fields. No timings are
asserted (those live in benchmarks/).
"""

from __future__ import annotations

import importlib.util
import math
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
from tests_support import request
from whoosh_reference import whoosh_reference

from corpus import read_sources
from search import build_index
from search.build import parallel as fastbuild
from search.build import update
from search.cache import LRUCache
from search.engine import ranking
from search.engine.core import Engine
from search.postings import docsets
from search.postings import evaluator as evaluator_module
from search.postings.evaluator import Evaluator
from search.query.parsing import parse_query
from search.text.schema import day_number, from_stored

pytestmark = pytest.mark.slow  # the quick loop (pytest -m "not slow") skips this module

ROOT = Path(__file__).resolve().parent.parent
ITEMS = 1_500

QUERIES = ["cooperative", "fisheries", "cooperative workers", "women cooperative finance",
           "coffee OR cocoa", "tea OR sugar OR cotton", '"social solidarity"',
           '"cooperative workers"', "fin*", "title:women", "cooperative NOT workers",
           "(coffee OR tea) AND farmers", "kind:spotlight", "interview*", "su?ar"]
FILTERS = [{}, {"date_from": "2015", "date_to": "2018"}, {"kind": "Press release"},
           {"date_from": "2020-03", "kind": ["News", "Feature"]}]


def _make_corpus_module():
    spec = importlib.util.spec_from_file_location("make_corpus",
                                                  ROOT / "benchmarks" / "make_corpus.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module",
                params=["one-segment", "parallel-segments", "updated", "updated-rewritten"])
def engine_and_searcher(request: pytest.FixtureRequest,
                        tmp_path_factory: pytest.TempPathFactory):
    """An Engine (page cache off) over a synthetic index, and a searcher over Whoosh's own
    index of the same documents in the same segments (`whoosh_reference`): the index in
    one segment or in several; updated, so that a segment has deletions beside a new
    one; or updated with the small first segment rewritten (the update's merge)."""
    make_corpus = _make_corpus_module()
    folder = tmp_path_factory.mktemp("synthetic")
    corpus = make_corpus.make_corpus(ITEMS, seed=7, path=folder / "synthetic.jsonl")
    result = read_sources([corpus])
    articles = list(result.articles)
    index_dir = folder / "index"
    segments = 1
    if request.param == "parallel-segments":
        # Segments of 400 items, written by forked workers (one per core).
        names = ("PARALLEL_MIN_ITEMS", "SEGMENT_MIN_ITEMS", "CHUNK_ITEMS")
        saved = [getattr(fastbuild, name) for name in names]
        for name, value in zip(names, (0, 0, 400)):
            setattr(fastbuild, name, value)
        try:
            chunks = fastbuild.plan_chunks(ITEMS, 2)
            assert len(chunks) == 4
            build_index(result, index_dir)
        finally:
            for name, value in zip(names, saved):
                setattr(fastbuild, name, value)
        batches = [(articles[start:end], False) for start, end in chunks]
        segments = 4
    elif request.param.startswith("updated"):
        first, rest = articles[:1_200], articles[1_200:]
        # The last 300 items are new; 100 of the first are sent again (replaced).
        again = rest + first[::12]
        build_index(replace(result, articles=first), index_dir)
        if request.param == "updated":
            saved_min = update.SEGMENT_MIN_ITEMS
            update.SEGMENT_MIN_ITEMS = 0  # keep the first segment, with its deletions
            try:
                build_index(replace(result, articles=again), index_dir, update=True)
            finally:
                update.SEGMENT_MIN_ITEMS = saved_min
            batches = [(first, False), (again, True)]
            segments = 2
        else:  # the first segment is small: rewritten with the new items
            build_index(replace(result, articles=again), index_dir, update=True)
            replaced = {article.id for article in again}
            batches = [([a for a in first if a.id not in replaced] + again, False)]
    else:
        build_index(result, index_dir)
        batches = [(articles, False)]
    reference = whoosh_reference(folder / "whoosh", batches)
    engine = Engine(index_dir, page_cache=0)
    ours = engine.handle.view().searcher
    searcher = reference.searcher()
    assert len(ours.leaf_searchers() if segments > 1 else [ours]) == segments
    assert ours.doc_count_all() == searcher.doc_count_all()
    assert ours.doc_count() == searcher.doc_count()
    deleted = [d for d in range(searcher.doc_count_all()) if searcher.reader().is_deleted(d)]
    assert deleted == [d for d in range(ours.doc_count_all()) if ours.reader().is_deleted(d)]
    assert bool(deleted) == (request.param == "updated")
    yield engine, searcher
    engine.close()
    searcher.close()
    reference.close()


def _naive(engine: Engine, searcher, params: dict[str, object]):
    """Total, facets, and the full ordering, the plain Whoosh way: every match scored
    by `searcher.search(limit=None)`, filtered and counted from its stored fields."""
    req = request(**params)
    opened = engine.handle.open()
    parsed = parse_query(opened.parser, req.query)
    low = day_number(req.date_from) if req.date_from else 0
    high = day_number(req.date_to) if req.date_to else 99_999_999
    stored = {hit.docnum: (hit.score, from_stored(hit.fields()))
              for hit in searcher.search(parsed, limit=None)}
    in_dates = {docnum: (score, article) for docnum, (score, article) in stored.items()
                if low <= day_number(article.date) <= high}
    kinds = Counter(article.kind for _, article in in_dates.values())
    wanted = set(req.selected("kind"))
    kept = {docnum: (score, article) for docnum, (score, article) in in_dates.items()
            if not wanted or article.kind in wanted}
    months = Counter(article.date.strftime("%Y-%m") for _, article in kept.values())
    years = Counter(str(article.date.year) for _, article in kept.values())
    scored = sorted(((docnum, score) for docnum, (score, _) in kept.items()),
                    key=lambda pair: -pair[1])
    day = {docnum: day_number(article.date) for docnum, (_, article) in kept.items()}
    return req, parsed, scored, day, {"years": dict(years), "months": dict(months),
                                      "kinds": dict(kinds)}


@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: ",".join(f) or "none")
@pytest.mark.parametrize("query", QUERIES)
def test_matches_totals_and_facets_equal_whoosh(engine_and_searcher, query: str,
                                                filters: dict[str, object]) -> None:
    engine, searcher = engine_and_searcher
    params = {"q": query, **filters}
    req, parsed, scored, _, facets = _naive(engine, searcher, params)
    assert {d for d, _ in scored} == set(engine.match(req).array.tolist())
    page = engine.search(req)
    assert page.total == len(scored)
    assert dict(page.years) == facets["years"]
    assert dict(page.months) == facets["months"]
    assert dict(page.facet_counts("kind")) == facets["kinds"]
    assert sum(count for _, count in page.months) == page.total


def _same_ranking(engine: Engine, searcher, params: dict[str, object]) -> None:
    req, _, scored, day, _ = _naive(engine, searcher, params)
    # Whoosh sums a document's field scores in its own tree order; ours may sum
    # them in another, so scores agree to rounding, and ties are ties after it.
    ranked = sorted(scored, key=lambda pair: (-round(pair[1], 9), -day[pair[0]], pair[0]))
    score_of = dict(scored)
    page = engine.search(req)
    expected = ranked[req.offset:req.offset + req.per_page]
    got_ids = [searcher.document_number(id=hit.article.id) for hit in page.hits]
    assert got_ids == [docnum for docnum, _ in expected]
    for docnum, hit in zip(got_ids, page.hits):
        assert hit.score is not None and math.isclose(hit.score, score_of[docnum],
                                                      rel_tol=1e-9)


@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: ",".join(f) or "none")
def test_browsing_counts_every_live_item_as_their_stored_fields_do(
        engine_and_searcher, filters: dict[str, object]) -> None:
    """Browsing (no query): the whole collection's counts, kept per index version
    (`Columns.tally_all`), and a facet's own counts under its filter, are those of the
    live items' stored fields, asked once or again after the caches are emptied."""
    engine, searcher = engine_and_searcher
    req = request(sort="newest", **filters)
    low = day_number(req.date_from) if req.date_from else 0
    high = day_number(req.date_to) if req.date_to else 99_999_999
    articles = [from_stored(searcher.stored_fields(d)) for d in searcher.reader().all_doc_ids()]
    dated = [a for a in articles if low <= day_number(a.date) <= high]
    wanted = set(req.selected("kind"))
    kept = [a for a in dated if not wanted or a.kind in wanted]
    for _ in range(2):
        page = engine.search(req)
        assert page.total == len(kept)
        assert dict(page.facet_counts("kind")) == dict(Counter(a.kind for a in dated))
        assert dict(page.months) == dict(Counter(a.date.strftime("%Y-%m") for a in kept))
        engine.clear_caches()


@pytest.mark.parametrize("filters", FILTERS[:3], ids=lambda f: ",".join(f) or "none")
@pytest.mark.parametrize("query", QUERIES)
def test_relevance_order_and_scores_equal_whoosh(engine_and_searcher, query: str,
                                                 filters: dict[str, object]) -> None:
    engine, searcher = engine_and_searcher
    _same_ranking(engine, searcher, {"q": query, "sort": "relevance", **filters})


def test_postings_placed_by_counting_bits_rank_as_whoosh(engine_and_searcher,
                                                         monkeypatch) -> None:
    """Past SLOTS_UP_TO documents, the scored documents' places of each term's postings
    are counted from their packed mask (`docsets.Ranks`), not read in a table of every
    document's place: the same ranking and scores (here with the fixture's collection
    counted as past it, and every query's matches scored through the mask)."""
    monkeypatch.setattr(evaluator_module, "SLOTS_UP_TO", 0)
    counted = []
    places = docsets.Ranks.places

    def counting(self, members):
        counted.append(len(members))
        return places(self, members)
    monkeypatch.setattr(docsets.Ranks, "places", counting)
    engine, searcher = engine_and_searcher
    for query in QUERIES:
        for filters in FILTERS[:3]:
            _same_ranking(engine, searcher, {"q": query, "sort": "relevance", **filters})
    assert counted


@pytest.mark.parametrize("query", ["cooperative workers", "women cooperative finance",
                                   "cooperative", "fisheries"])
def test_a_bonus_checked_first_for_a_few_ranks_as_whoosh(engine_and_searcher, query: str,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """The bonus of words standing together checked first for a few documents, to raise
    the floor (`ranking.SEEDED_FROM` 0: always), every set of numbers few beside the
    collection (so a phrase's words are looked up for those few, `Evaluator._holding`):
    the ranking and scores are Whoosh's."""
    from search.engine import ranking
    from search.postings import evaluator

    monkeypatch.setattr(ranking, "SEEDED_FROM", 0)
    monkeypatch.setattr(ranking, "SEEDS", 1)
    monkeypatch.setattr(ranking, "PRUNE_FROM", 1)
    monkeypatch.setattr(docsets, "DENSE_SHARE", 1)
    monkeypatch.setattr(evaluator, "FEW", 1)
    engine, searcher = engine_and_searcher
    engine.clear_caches()
    for filters in FILTERS:
        _same_ranking(engine, searcher, {"q": query, "sort": "relevance", "per_page": 5,
                                         **filters})


@pytest.mark.parametrize("page", [2, 3])
def test_later_pages_follow_the_same_order(engine_and_searcher, page: int) -> None:
    engine, searcher = engine_and_searcher
    _same_ranking(engine, searcher, {"q": "cooperative workers", "page": page, "per_page": 10})


@pytest.mark.parametrize("walk_from", [0, 10**9], ids=["walked", "sorted"])
@pytest.mark.parametrize("sort", ["newest", "oldest"])
@pytest.mark.parametrize("query", ["cooperative", '"social solidarity"', ""])
def test_date_order_equals_stored_dates(engine_and_searcher, query: str, sort: str,
                                        walk_from: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whether the page's worth is found by walking the index's date order or by sorting
    the matches' days (`Columns.first_by_date`), it is the stored dates' order."""
    from search.postings import columns

    monkeypatch.setattr(columns, "WALK_FROM", walk_from)
    engine, searcher = engine_and_searcher
    engine.clear_caches()
    params = {"q": query, "sort": sort, "date_from": "2010", "per_page": 50}
    req = request(**params)
    if query:
        parsed = parse_query(engine.handle.open().parser, query)
        docs = set(searcher.docs_for_query(parsed))
    else:
        docs = set(searcher.reader().all_doc_ids())  # deleted ones left out
    low = day_number(req.date_from)
    day = {d: day_number(from_stored(searcher.stored_fields(d)).date) for d in docs}
    docs = [d for d in docs if day[d] >= low]
    if sort == "newest":
        ordered = sorted(docs, key=lambda d: (-day[d], d))
    else:
        ordered = sorted(docs, key=lambda d: (day[d], d))
    page = engine.search(req)
    assert [hit.article.id for hit in page.hits] == [
        searcher.stored_fields(d)["id"] for d in ordered[:50]]


def test_page_cache_returns_the_same_page_and_follows_an_update(tmp_path: Path) -> None:
    make_corpus = _make_corpus_module()
    corpus = make_corpus.make_corpus(300, seed=3, path=tmp_path / "small.jsonl")
    index_dir = tmp_path / "index"
    build_index(read_sources([corpus]), index_dir)
    engine = Engine(index_dir)
    req = request(q="cooperative", per_page=5, sort="newest")
    first = engine.search(req)
    again = engine.search(req)
    assert engine._pages.hits == 1
    assert [h.article.id for h in again.hits] == [h.article.id for h in first.hits]
    assert again.total == first.total and again.months == first.months
    extra = tmp_path / "extra.jsonl"
    extra.write_text('{"title": "Cooperative cooperative cooperative", "date": "2024-12-30", '
                     '"kind": "News", "summary": "cooperative"}\n', encoding="utf-8")
    build_index(read_sources([extra]), index_dir, update=True)
    after = engine.search(req)
    assert after.total == first.total + 1
    assert after.hits[0].article.title == "Cooperative cooperative cooperative"
    engine.close()


def test_lru_cache_is_bounded_and_keeps_recent_entries() -> None:
    cache: LRUCache[int] = LRUCache(size=3)
    for number in range(5):
        cache.put(number, number)
    assert len(cache) == 3
    assert cache.get(0) is None and cache.get(4) == 4
    cache.get(2)
    cache.put(5, 5)
    assert cache.get(2) == 2 and cache.get(3) is None
    off: LRUCache[int] = LRUCache(size=0)
    off.put(1, 1)
    assert off.get(1) is None


@pytest.mark.parametrize(("query", "sets"), [("coffee OR cocoa", 1),
                                             ("tea OR sugar OR cotton", 1),
                                             ("fin*", 1), ("coffee OR fin*", 1),
                                             ("su?ar OR tea", 1),
                                             ("(coffee OR tea) AND farmers", 2)])
def test_an_or_of_words_in_fields_is_one_set_of_all_their_postings(
        engine_and_searcher, query: str, sets: int, monkeypatch) -> None:
    """Words ORed, each a word in several fields, and prefixes' and wildcards' words, are
    matched as one set of all their postings (`Evaluator.any_of` once), not a set per
    child and then their union. Whoosh's matches either way."""
    engine, searcher = engine_and_searcher
    calls = []
    any_of = Evaluator.any_of

    def counted(self, terms):
        calls.append(len(terms))
        return any_of(self, terms)
    monkeypatch.setattr(Evaluator, "any_of", counted)
    req, _, scored, _, _ = _naive(engine, searcher, {"q": query})
    calls.clear()
    assert set(engine.match(req).array.tolist()) == {d for d, _ in scored}
    assert len(calls) == sets, calls


def test_term_cache_does_not_change_answers(engine_and_searcher) -> None:
    engine, _ = engine_and_searcher
    req = request(q="cooperative OR fisheries", kind="News")
    engine.clear_caches()
    cold = engine.search(req)
    warm = engine.search(req)  # posting lists now come from the cache
    assert [h.article.id for h in warm.hits] == [h.article.id for h in cold.hits]
    assert (warm.total, warm.facet_counts("kind"), warm.months) == (cold.total, cold.facet_counts("kind"), cold.months)


def test_kind_counts_come_before_the_kind_filter(engine_and_searcher) -> None:
    engine, searcher = engine_and_searcher
    page = engine.search(request(q="cooperative", kind="Statement"))
    unfiltered = engine.search(request(q="cooperative"))
    assert dict(page.facet_counts("kind")) == dict(unfiltered.facet_counts("kind"))
    assert page.total == dict(unfiltered.facet_counts("kind"))["Statement"]
    assert Counter(h.article.kind for h in page.hits) == Counter({"Statement": len(page.hits)})


def test_term_cache_is_bounded_by_postings() -> None:
    from array import array

    from search.postings.termcache import TermCache

    cache = TermCache(size=10, postings=100)
    for number in range(6):
        cache.put(("summary", b"w%d" % number), (array("I", range(20)), array("f", [1.0] * 20)))
    assert cache.get(("summary", b"w0")) is None  # 6 x 20 postings > 100: oldest dropped
    assert cache.get(("summary", b"w5")) is not None
    cache.put(("summary", b"huge"), (array("I", range(60)), array("f", [1.0] * 60)))
    assert cache.get(("summary", b"huge")) is None  # over a quarter of the budget: not kept


EXACT_QUERIES = ["cooperatives", "Cooperative", '"social solidarity"', '"cooperative workers"',
                 "women cooperative", "coop*", "title:workers", "coffee OR cocoa"]


@pytest.mark.parametrize("query", EXACT_QUERIES)
def test_exact_words_find_and_rank_what_whoosh_does(engine_and_searcher, query: str) -> None:
    """The literal-word fields (the exact-words switch) hold Whoosh's postings: words as
    written, their positions for phrases, their frequencies for ranking."""
    engine, searcher = engine_and_searcher
    req = request(q=query, exact=1, per_page=50)
    parsed = parse_query(engine.handle.open().exact_parser, query)
    scored = [(hit.docnum, hit.score) for hit in searcher.search(parsed, limit=None)]
    assert set(engine.match(req).array.tolist()) == {docnum for docnum, _ in scored}
    page = engine.search(req)
    assert page.total == len(scored) and page.total > 0
    score_of = dict(scored)
    for hit in page.hits:
        docnum = searcher.document_number(id=hit.article.id)
        assert hit.score is not None and math.isclose(hit.score, score_of[docnum],
                                                      rel_tol=1e-9)
    best = max(score for _, score in scored)
    assert math.isclose(page.hits[0].score or 0, best, rel_tol=1e-9)


def _same_matches_and_counts(engine: Engine, searcher, query: str) -> None:
    """The query's matches, total, months and kinds under each of FILTERS: Whoosh's."""
    for filters in FILTERS:
        req, _, scored, _, facets = _naive(engine, searcher, {"q": query, **filters})
        assert set(engine.match(req).array.tolist()) == {d for d, _ in scored}
        page = engine.search(req)
        assert page.total == len(scored)
        assert dict(page.months) == facets["months"]
        assert dict(page.facet_counts("kind")) == facets["kinds"]


@pytest.mark.parametrize(("share", "lookup_from"), [(1, 10**9), (10**9, 10**9), (1, 1)],
                         ids=["numbers", "masks", "numbers-scored-through-a-mask"])
@pytest.mark.parametrize("query", QUERIES)
def test_sets_as_numbers_or_as_masks_answer_as_whoosh(engine_and_searcher, query: str,
                                                      share: int, lookup_from: int,
                                                      monkeypatch) -> None:
    """Every set held as sorted numbers (share 1) or every one as a mask (a share no set
    reaches), whatever its size: the same matches, totals, facets and ranking; and
    numbers found among a small set (the scored documents' postings, a phrase's
    candidates) by binary search or through its mask (`docsets.read_in_mask`)."""
    monkeypatch.setattr(docsets, "DENSE_SHARE", share)
    monkeypatch.setattr(docsets, "SEARCH_RATIO", share)
    monkeypatch.setattr(docsets, "LOOKUP_FROM", lookup_from)
    monkeypatch.setattr(docsets, "LOOKUP_RATIO", 10**9)
    engine, searcher = engine_and_searcher
    _same_matches_and_counts(engine, searcher, query)
    _same_ranking(engine, searcher, {"q": query, "sort": "relevance", **FILTERS[1]})


@pytest.mark.parametrize("bitmaps", [True, False], ids=["bitmaps", "postings"])
@pytest.mark.parametrize("query", QUERIES)
def test_common_words_from_bitmaps_or_postings_answer_as_whoosh(
        engine_and_searcher, query: str, bitmaps: bool, monkeypatch) -> None:
    """Every set of words made as a mask (a share no set reaches), its common words'
    documents unpacked from their segments' bitmaps, or every posting scattered (the
    bitmaps left unread, as in an index written before them): the same matches, totals
    and facets as Whoosh's, in one segment or several, with deletions or not."""
    monkeypatch.setattr(docsets, "DENSE_SHARE", 10**9)
    read = []
    bitmap = Evaluator._bitmap

    def counted(self, key, offset, postings):
        found = bitmap(self, key, offset, postings) if bitmaps else None
        read.append(found is not None)
        return found
    monkeypatch.setattr(Evaluator, "_bitmap", counted)
    engine, searcher = engine_and_searcher
    _same_matches_and_counts(engine, searcher, query)
    if query in ("cooperative", "cooperative workers", "women cooperative finance"):
        assert any(read) == bitmaps  # a common word's bitmaps are read, when they are


@pytest.mark.parametrize("wanted", [1, 5, 20, 60])
def test_pruned_top_k_equals_scoring_every_match(engine_and_searcher, wanted: int,
                                                 monkeypatch) -> None:
    """MaxScore (`ranking._may_place`) leaves out only documents that cannot place: the
    best `wanted` and their scores are those of scoring every match, and it does leave
    some out on the common words (else this would test nothing)."""
    engine, _ = engine_and_searcher
    monkeypatch.setattr(ranking, "MAXSCORE_FROM", 0)  # (the fixture's matches are few)
    pruned = 0
    for query in QUERIES:
        matches = engine.match(request(q=query, sort="relevance"))
        docs, parsed, columns = matches.array, matches.parsed, matches.view.columns
        kept = ranking._may_place(matches.evaluator, parsed, docs, wanted)
        assert set(kept.tolist()) <= set(docs.tolist())
        pruned += len(docs) - len(kept)
        fast = ranking.top_scored(matches.evaluator, parsed, docs, columns, wanted)
        with monkeypatch.context() as patched:
            patched.setattr(ranking, "_may_place", lambda ev, node, found, k: found)
            full = ranking.top_scored(matches.evaluator, parsed, docs, columns, wanted)
        assert fast == full
    assert pruned > 0


@pytest.mark.parametrize("values", [[0.0] * 5 + [3.0, 1.0, 2.0], [0.0, 0.0, 0.0], [2.0, 1.0],
                                    [0.5] * 4 + [1.0] * 4, [1.0, 0.0, 2.0, 0.0, 3.0]])
@pytest.mark.parametrize("count", [1, 2, 3, 4])
def test_the_highest_values_are_those_a_sort_puts_first(values: list[float], count: int) -> None:
    """`ranking._highest` (MaxScore's seeds): `count` distinct places (all, when fewer)
    whose values are the highest `count` values, ties at the last one taken anywhere."""
    import numpy as np

    array = np.array(values)
    found = ranking._highest(array, count)
    wanted = min(count, len(values))
    assert len(found) == len(set(found.tolist())) == wanted
    assert sorted(array[found].tolist(), reverse=True) == sorted(values, reverse=True)[:wanted]
