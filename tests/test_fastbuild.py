"""The build makes the index Whoosh's own writer makes for the same items.

`search.build` writes its own files (posting arrays, documents, a table of
contents: no Whoosh segment). Here, for the bundled corpus, the relevance
corpora and a synthetic corpus, Whoosh's writer indexes the same documents
(`whoosh_reference`), and everything a reader can tell about the two indexes
is the same (`dump`, through Whoosh's `IndexReader` interface, which ours
implements): every term of every field, its postings (document number, weight,
positions) and term statistics, every document's stored fields, field lengths
and column values, the counts and total lengths:

- for one segment written by `SegmentBuilder`;
- for a build in several segments from parallel workers;
- after an update that deletes and adds documents, against Whoosh's
  `update_document` over the same segments;

and the engine gives the same pages whether the index is in one segment or in
several.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tests_support import make_synthetic, request, small_segments
from whoosh.formats import Positions
from whoosh_reference import whoosh_reference

from corpus import BUNDLED_CORPUS, Article, ReadResult, read_sources
from search import build_index, open_engine
from search.build import parallel as fastbuild
from search.build import update as updating
from search.build.segment import SegmentBuilder
from search.build.store import current_generation
from search.engine.core import Engine
from search.postings.reader import open_index
from search.postings.segments import Contents, write_contents
from search.query.parsing import parse_query
from search.text.schema import build_schema, to_document

pytestmark = pytest.mark.slow  # the quick loop (pytest -m "not slow") skips this module

RELEVANCE = Path(__file__).resolve().parent / "relevance"


@pytest.fixture(scope="module")
def corpora(tmp_path_factory: pytest.TempPathFactory) -> dict[str, ReadResult]:
    synthetic = make_synthetic(1_500, 7, tmp_path_factory.mktemp("corpora") / "synthetic.jsonl")
    relevance = [RELEVANCE / "corpus-a.txt", RELEVANCE / "corpus-b.txt"]
    return {"bundled": read_sources([BUNDLED_CORPUS]), "relevance": read_sources(relevance),
            "synthetic": read_sources([synthetic]),
            "mixed": read_sources([synthetic, *relevance, BUNDLED_CORPUS])}


def builder_build(articles: list[Article], path: Path) -> Path:
    """One segment from SegmentBuilder, named in a table of contents as a build does."""
    path.mkdir()
    builder = SegmentBuilder(path, build_schema())
    for article in articles:
        builder.add(to_document(article))
    write_contents(path, Contents(build_schema(), (builder.finish(),)))
    return path


def _columns(reader, name: str, count: int) -> list[object]:
    if hasattr(reader, "number_column"):  # ours
        if name == "day":
            return reader.number_column(name).tolist()
        return reader.value_column(name)
    column = reader.column_reader(name)
    return [column[n] for n in range(count)]


def dump(reader) -> dict[str, object]:
    """Everything a reader can tell about the index, by global document number."""
    schema = reader.schema
    count = reader.doc_count_all()
    found: dict[str, object] = {"doc_count": count, "live": reader.doc_count(),
                                "deleted": [n for n in range(count) if reader.is_deleted(n)]}
    for name, field in schema.items():
        if field.column_type:
            found[f"column {name}"] = _columns(reader, name, count)
        if not field.indexed:
            continue
        positions = isinstance(field.format, Positions)
        terms = {}
        for term in reader.lexicon(name):
            matcher = reader.postings(name, term)
            postings = []
            while matcher.is_active():
                value = matcher.value()
                postings.append((matcher.id(), matcher.weight(),
                                 field.format.decode_positions(value) if positions
                                 else value))
                matcher.next()
            info = reader.term_info(name, term)
            terms[term] = (postings, info.weight(), info.doc_frequency(),
                           reader.doc_frequency(name, term), reader.frequency(name, term),
                           info.max_weight(), info.min_id(), info.max_id(),
                           (info.min_length(), info.max_length()) if field.scorable else None)
        found[f"terms {name}"] = terms
        if field.scorable and reader.field_length(name):
            # (Whoosh's min/max_field_length fail on a field no document has words
            # in, such as an empty body everywhere: its length column is absent.)
            found[f"lengths {name}"] = (
                reader.field_length(name), reader.min_field_length(name),
                reader.max_field_length(name),
                [reader.doc_field_length(n, name) for n in range(count)])
    found["stored"] = [reader.stored_fields(n) for n in range(count)]
    return found


def ours(path: Path) -> dict[str, object]:
    return dump(open_index(path).reader())


def theirs(path: Path, batches) -> dict[str, object]:
    ix = whoosh_reference(path, batches)
    with ix.reader() as reader:
        found = dump(reader)
    ix.close()
    return found


@pytest.mark.parametrize("name", ["bundled", "relevance", "synthetic"])
def test_one_segment_reads_as_whooshs_index(corpora, tmp_path: Path, name: str) -> None:
    articles = list(corpora[name].articles)
    expected = theirs(tmp_path / "whoosh", [(articles, False)])
    assert ours(builder_build(articles, tmp_path / "fast")) == expected


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Segments of 300 items, written by worker processes even for a small corpus, and
    merged into segments of about 600 (so 1,500 items end in 3: two merged, one not)."""
    small_segments(monkeypatch, 300, merged_items=600)


def test_a_parallel_build_is_whooshs_index(corpora, tmp_path: Path, small_chunks) -> None:
    result = corpora["synthetic"]
    seen: list[tuple[int, int]] = []
    build_index(result, tmp_path / "ix", progress=lambda done, total: seen.append((done, total)))
    path = current_generation(tmp_path / "ix").path
    assert [segment.docs for segment in open_index(path).segments] == [600, 300, 600]
    articles = list(result.articles)
    batches = [(articles[start:end], False) for start, end in fastbuild.plan_chunks(1_500, 2)]
    assert ours(path) == theirs(tmp_path / "whoosh", batches)
    assert seen[-1] == (1_500, 1_500)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    assert len(seen) > 10  # progress moves while the workers write
    assert not list(path.glob("*.nsf"))  # the segments' term lists: assembled, removed


# No prefix queries: in segments of at most 5,000 documents Whoosh's Or may preload
# a prefix's words unscored, segment by segment (why fastbuild keeps segments bigger).
REQUESTS: list[dict[str, str]] = [
    {"q": "cooperative"}, {"q": "women cooperative finance"}, {"q": '"social solidarity"'},
    {"q": "coffee OR cocoa", "sort": "newest"}, {"q": "fin*", "sort": "newest"},
    {"q": "kind:spotlight"}, {"q": "viet nam"},
    {"q": "cooperative", "date_from": "2015", "date_to": "2018"},
    {"q": "farmers", "kind": "News"}, {}, {"sort": "oldest"}]


def pages(engine: Engine) -> list[object]:
    found = []
    for params in REQUESTS:
        page = engine.search(request(per_page=100, **params))
        found.append((params, page.total, [(hit.article.id, round(hit.score or 0, 6))
                                           for hit in page.hits]))
    return found


def test_the_engine_answers_the_same_in_one_segment_or_several(corpora, tmp_path: Path,
                                                                monkeypatch) -> None:
    result = corpora["mixed"]
    build_index(result, tmp_path / "one")
    small_segments(monkeypatch, 300, merge_from=10**9)
    build_index(result, tmp_path / "several")
    small_segments(monkeypatch, 300, merge_from=2, merged_items=700)  # 6 of ~279 into 3
    build_index(result, tmp_path / "merged")
    one, several, merged = (Engine(tmp_path / name, page_cache=0)
                            for name in ("one", "several", "merged"))
    assert len(several.handle.open().index.segments) == 6
    assert [s.docs for s in merged.handle.open().index.segments] == [556, 557, 557]
    differ = {"index_bytes", "index_path", "generation", "built_at"}
    for engine in (several, merged):
        assert pages(one) == pages(engine)
        assert ({k: v for k, v in one.stats().items() if k not in differ}
                == {k: v for k, v in engine.stats().items() if k not in differ})
    for engine in (one, several, merged):
        engine.close()


def test_an_update_is_whooshs_update_document(corpora, tmp_path: Path, small_chunks,
                                             monkeypatch) -> None:
    """Segments kept (no rewriting): deletions beside a new segment, as Whoosh's writer
    leaves them with merge=False."""
    monkeypatch.setattr(updating, "SEGMENT_MIN_ITEMS", 0)
    result = corpora["synthetic"]
    articles = list(result.articles)
    index_dir = tmp_path / "ix"
    build_index(result, index_dir)
    again = articles[::50]  # sent again: replaced
    build_index(ReadResult(articles=again), index_dir, update=True)
    path = current_generation(index_dir).path
    batches = [(articles[start:end], False) for start, end in fastbuild.plan_chunks(1_500, 2)]
    expected = theirs(tmp_path / "whoosh", [*batches, (again, True)])
    assert expected["deleted"] and ours(path) == expected


def test_a_fast_index_can_be_updated_and_searched(corpora, tmp_path: Path,
                                                  small_chunks) -> None:
    """The small segments are rewritten with the new items (the update's merge)."""
    result = corpora["synthetic"]
    index_dir = tmp_path / "ix"
    build_index(result, index_dir)
    engine = open_engine(index_dir)
    changed = result.articles[10]
    update = tmp_path / "update.jsonl"
    update.write_text(json.dumps({"id": changed.id, "title": changed.title, "kind": changed.kind,
                                  "date": changed.date.isoformat(),
                                  "summary": "Zanzibar seaweed growers"}) + "\n"
                      + json.dumps({"title": "Zanzibar seaweed cooperative opens",
                                    "date": "2024-03-01", "kind": "News"}) + "\n",
                      encoding="utf-8")
    updates = read_sources([update])
    before = {s.id for s in engine.handle.open().index.segments}
    report = build_index(updates, index_dir, update=True)
    assert report.updated and report.total_items == 1_501
    after = {s.id for s in engine.handle.open().index.segments}
    assert len(before) == 3 and not before & after  # the small segments were rewritten
    assert engine.search(request()).total == 1_501
    assert engine.search(request(q="zanzibar")).total == 2
    replaced = engine.get(changed.id)
    assert replaced is not None and replaced.summary == "Zanzibar seaweed growers"
    # The same answers as Whoosh's writer gives for the same build and update.
    whoosh = whoosh_reference(tmp_path / "whoosh", [(list(result.articles), False),
                                                    (list(updates.articles), True)])
    parser = engine.handle.open().parser
    with whoosh.searcher() as searcher:
        for query in ("zanzibar", "cooperative", "seaweed", "women", '"cooperative workers"'):
            found = engine.search(request(q=query, per_page=100))
            expected = searcher.search(parse_query(parser, query), limit=None)
            assert found.total == len(expected) and found.total > 0, query
            assert ({hit.article.id for hit in found.hits}
                    <= {hit["id"] for hit in expected}), query
    engine.close()
    whoosh.close()


# -- a parallel build interrupted -------------------------------------------------------------

PARALLEL_CLI = ("import sys; import search.build.parallel as f; f.PARALLEL_MIN_ITEMS = 0; "
                "f.SEGMENT_MIN_ITEMS = 0; f.CHUNK_ITEMS = 500; from webui.cli import main; "
                "sys.argv[0] = 'news-search'; main()")


def processes_reading(path: Path) -> list[int]:
    """Processes whose command line names `path` (forked workers share the parent's)."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and str(path).encode() in (proc / "cmdline").read_bytes():
                found.append(int(proc.name))
        except OSError:
            continue
    return found


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="needs /proc")
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL],
                         ids=["SIGINT", "SIGTERM", "SIGKILL"])
def test_an_interrupted_parallel_build_leaves_nothing_behind(corpora, tmp_path: Path,
                                                             sig: signal.Signals) -> None:
    index_dir = tmp_path / "ix"
    build_index(corpora["bundled"], index_dir)
    live = current_generation(index_dir)
    # Enough that both workers are still at work when seen (each chunk is a second or two).
    source = make_synthetic(12_000, 8, tmp_path / "many.jsonl")
    output = tmp_path / "output.txt"
    with output.open("w") as out:
        process = subprocess.Popen([sys.executable, "-c", PARALLEL_CLI, "index", str(source),
                                    "--index", str(index_dir)], stdout=out, stderr=out)
    try:
        deadline = time.monotonic() + 60
        seen = 0  # (the count read, not a second reading: a worker may end in between)
        while time.monotonic() < deadline and process.poll() is None:
            seen = len(processes_reading(source))
            if seen >= 3:
                break
            time.sleep(0.05)  # wait for the workers
        assert seen >= 3, f"the build never started its workers:\n{output.read_text()}"
        time.sleep(0.3)
        process.send_signal(sig)
        process.wait(timeout=60)
    finally:  # a failed wait leaves no build running into the next test
        if process.poll() is None:
            process.kill()
            process.wait(timeout=60)
    stderr = output.read_text()
    if sig == signal.SIGKILL:
        assert process.returncode == -signal.SIGKILL
    else:
        assert process.returncode == 130, stderr
        assert "Interrupted" in stderr and "Traceback" not in stderr
        assert not list(index_dir.glob(".building-*"))
    deadline = time.monotonic() + 10
    while processes_reading(source) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert processes_reading(source) == []  # no worker goes on writing
    assert current_generation(index_dir) == live
    assert open_engine(index_dir).search(request()).total == 10
    build_index(corpora["bundled"], index_dir)  # the next build clears any leftovers
    assert not list(index_dir.glob(".building-*"))
