"""The fast build makes the index Whoosh's own writer makes for the same items.

`search.fastbuild` writes segments without `ix.writer()` (see `segwriter`,
`w3write`). Here, for the bundled corpus, the relevance corpora and a
synthetic corpus:

- with `whoosh_bytes=True`, every file of the segment is byte for byte the
  file Whoosh's writer writes;
- as `build_index` writes it (short blocks uncompressed, shared position
  values, several segments from parallel workers), the decoded index is the
  same: every term of every field, its postings (document number, weight,
  positions) and term statistics, every document's stored fields, field
  lengths and column values, the counts and total lengths; and the engine
  gives the same pages;
- an index built fast can be updated (Whoosh's writer, `update=True`) and
  searched like one Whoosh built.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tests_support import make_synthetic, request
from whoosh import index as whoosh_index
from whoosh.formats import Positions
from whoosh.index import TOC, clean_files

from corpus import BUNDLED_CORPUS, Article, ReadResult, read_sources
from search import build_index, open_engine
from search.postings import arrays
from search.build import parallel as fastbuild
from search.engine.core import Engine
from search.text.schema import build_schema, to_document
from search.build.segment import SegmentBuilder
from search.build.store import current_generation

pytestmark = pytest.mark.slow  # the quick loop (pytest -m "not slow") skips this module

RELEVANCE = Path(__file__).resolve().parent / "relevance"


@pytest.fixture(scope="module")
def corpora(tmp_path_factory: pytest.TempPathFactory) -> dict[str, ReadResult]:
    synthetic = make_synthetic(1_500, 7, tmp_path_factory.mktemp("corpora") / "synthetic.jsonl")
    relevance = [RELEVANCE / "corpus-a.txt", RELEVANCE / "corpus-b.txt"]
    return {"bundled": read_sources([BUNDLED_CORPUS]), "relevance": read_sources(relevance),
            "synthetic": read_sources([synthetic]),
            "mixed": read_sources([synthetic, *relevance, BUNDLED_CORPUS])}


def whoosh_build(articles: list[Article], path: Path) -> Path:
    """The index the way Whoosh's own writer makes it: one segment, separate files."""
    path.mkdir()
    writer = whoosh_index.create_in(str(path), build_schema()).writer(compound=False)
    for article in articles:
        writer.add_document(**to_document(article))
    writer.commit()
    return path


def builder_build(articles: list[Article], path: Path, whoosh_bytes: bool) -> Path:
    """One segment from SegmentBuilder, committed as fastbuild does."""
    path.mkdir()
    storage = whoosh_index.create_in(str(path), build_schema()).storage
    builder = SegmentBuilder(storage, build_schema(), whoosh_bytes=whoosh_bytes)
    for article in articles:
        builder.add(to_document(article))
    segment = builder.finish()
    TOC(build_schema(), [segment], 1).write(storage, "MAIN")
    clean_files(storage, "MAIN", 1, [segment])
    storage.temp_storage("MAIN.tmp").destroy()
    return path


def segment_files(path: Path) -> dict[str, bytes]:
    """The segment's files by extension (the segment's random name left out)."""
    found = {}
    for file in path.iterdir():
        if file.name.startswith("MAIN_") and "." in file.name:
            found[file.name.split(".", 1)[1]] = file.read_bytes()
    return found


def dump(path: Path) -> dict[str, object]:
    """Everything a reader can tell about the index, by global document number."""
    ix = whoosh_index.open_dir(str(path))
    schema = ix.schema
    with ix.reader() as reader:
        count = reader.doc_count_all()
        found: dict[str, object] = {"doc_count": count, "live": reader.doc_count()}
        for name, field in schema.items():
            if field.column_type:
                column = reader.column_reader(name)
                found[f"column {name}"] = [column[n] for n in range(count)]
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
                               info.min_length(), info.max_length(), info.max_weight(),
                               info.min_id(), info.max_id())
            found[f"terms {name}"] = terms
            if field.scorable and reader.field_length(name):
                # (Whoosh's min/max_field_length fail on a field no document has words
                # in, such as an empty body everywhere: its length column is absent.)
                found[f"lengths {name}"] = (
                    reader.field_length(name), reader.min_field_length(name),
                    reader.max_field_length(name),
                    [reader.doc_field_length(n, name) for n in range(count)])
        found["stored"] = [reader.stored_fields(n) for n in range(count)]
    ix.close()
    return found


@pytest.mark.parametrize("name", ["bundled", "relevance", "synthetic"])
def test_the_segment_files_are_whooshs_byte_for_byte(corpora, tmp_path: Path,
                                                     name: str) -> None:
    articles = corpora[name].articles
    theirs = segment_files(whoosh_build(articles, tmp_path / "whoosh"))
    ours = segment_files(builder_build(articles, tmp_path / "fast", whoosh_bytes=True))
    assert ours.pop(arrays.SUFFIX[1:])  # the posting arrays, Whoosh's writer has none
    assert sorted(ours) == sorted(theirs)
    for extension in theirs:
        assert ours[extension] == theirs[extension], extension
    assert "pst" in ours and "trm" in ours and "_stored.col" in ours


@pytest.mark.parametrize("name", ["bundled", "relevance", "synthetic"])
def test_one_fast_segment_decodes_to_whooshs_index(corpora, tmp_path: Path, name: str) -> None:
    articles = corpora[name].articles
    theirs = dump(whoosh_build(articles, tmp_path / "whoosh"))
    assert dump(builder_build(articles, tmp_path / "fast", whoosh_bytes=False)) == theirs


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Segments of 300 items, written by worker processes even for a small corpus."""
    monkeypatch.setattr(fastbuild, "PARALLEL_MIN_ITEMS", 0)
    monkeypatch.setattr(fastbuild, "SEGMENT_MIN_ITEMS", 0)
    monkeypatch.setattr(fastbuild, "CHUNK_ITEMS", 300)


def test_a_parallel_build_is_whooshs_index(corpora, tmp_path: Path, small_chunks) -> None:
    result = corpora["synthetic"]
    seen: list[tuple[int, int]] = []
    build_index(result, tmp_path / "ix", progress=lambda done, total: seen.append((done, total)))
    path = current_generation(tmp_path / "ix").path
    ix = whoosh_index.open_dir(str(path))
    assert len(ix._segments()) == 5
    ix.close()
    assert dump(path) == dump(whoosh_build(result.articles, tmp_path / "whoosh"))
    assert seen[-1] == (1_500, 1_500)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    assert len(seen) > 10  # progress moves while the workers write


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


def as_index_dir(path: Path, generation: Path, like: Path) -> Path:
    """Make `generation` (a bare Whoosh index) the live generation of index dir `path`."""
    (generation / "meta.json").write_text((like / "meta.json").read_text())
    (path / "CURRENT").write_text(generation.name + "\n")
    return path


def test_the_engine_answers_the_same(corpora, tmp_path: Path, small_chunks) -> None:
    result = corpora["mixed"]
    build_index(result, tmp_path / "fast")
    (tmp_path / "whoosh").mkdir()
    whoosh_dir = as_index_dir(tmp_path / "whoosh",
                              whoosh_build(result.articles, tmp_path / "whoosh" / "gen-1"),
                              current_generation(tmp_path / "fast").path)
    fast, whoosh = Engine(tmp_path / "fast", page_cache=0), Engine(whoosh_dir, page_cache=0)
    assert pages(fast) == pages(whoosh)
    differ = {"index_bytes", "index_path", "generation", "built_at"}
    assert ({k: v for k, v in fast.stats().items() if k not in differ}
            == {k: v for k, v in whoosh.stats().items() if k not in differ})
    fast.close()
    whoosh.close()


def test_a_fast_index_can_be_updated_and_searched(corpora, tmp_path: Path,
                                                  small_chunks) -> None:
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
    report = build_index(updates, index_dir, update=True)
    assert report.updated and report.total_items == 1_501
    assert engine.search(request()).total == 1_501
    assert engine.search(request(q="zanzibar")).total == 2
    replaced = engine.get(changed.id)
    assert replaced is not None and replaced.summary == "Zanzibar seaweed growers"
    # The same answers as Whoosh's writer gives for the same build and update.
    (tmp_path / "whoosh").mkdir()
    whoosh_dir = as_index_dir(tmp_path / "whoosh",
                              whoosh_build(result.articles, tmp_path / "whoosh" / "gen-1"),
                              current_generation(index_dir).path)
    build_index(updates, whoosh_dir, update=True)
    whoosh = open_engine(whoosh_dir)
    for query in ("zanzibar", "cooperative", "seaweed", "women", '"cooperative workers"'):
        ours = engine.search(request(q=query, per_page=100))
        theirs = whoosh.search(request(q=query, per_page=100))
        assert ours.total == theirs.total and ours.total > 0, query
        assert ({hit.article.id for hit in ours.hits}
                == {hit.article.id for hit in theirs.hits}), query
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
    source = make_synthetic(5_000, 8, tmp_path / "many.jsonl")
    output = tmp_path / "output.txt"
    with output.open("w") as out:
        process = subprocess.Popen([sys.executable, "-c", PARALLEL_CLI, "index", str(source),
                                    "--index", str(index_dir)], stdout=out, stderr=out)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(processes_reading(source)) < 3:
        time.sleep(0.05)  # wait for the workers
    assert len(processes_reading(source)) >= 3, "the build never started its workers"
    time.sleep(0.3)
    process.send_signal(sig)
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


@pytest.mark.parametrize("name", ["relevance", "synthetic"])
def test_the_posting_arrays_are_those_read_back_through_whoosh(corpora, tmp_path: Path,
                                                               name: str) -> None:
    """The builder writes `search.arrays` files from the postings it holds; they are the
    arrays `arrays.write_segment_arrays` makes by reading the segment through Whoosh."""
    path = builder_build(corpora[name].articles, tmp_path / "fast", whoosh_bytes=False)
    ix = whoosh_index.open_dir(str(path))
    with ix.reader() as reader:
        segment_id = reader.segment().segment_id()
        ours = arrays.load(arrays.arrays_path(path, segment_id))
        theirs = arrays.load(arrays.write_segment_arrays(reader, tmp_path / "theirs.nsa"))
        assert ours is not None and theirs is not None and ours.docs == theirs.docs
        fields = arrays.positional_fields(ix.schema)
        assert sorted(ours.terms) == sorted(theirs.terms) == sorted(fields)
        compared = 0
        for field in fields:
            assert len(ours.terms[field]) == len(theirs.terms[field])
            for btext in reader.lexicon(field):
                for mine, whooshs in zip(ours.positions_of(field, btext),
                                         theirs.positions_of(field, btext)):
                    assert mine.tolist() == whooshs.tolist()
                assert (ours.postings(field, btext)[1].tolist()
                        == theirs.postings(field, btext)[1].tolist())
                compared += 1
        assert compared > 1_000
    ix.close()
