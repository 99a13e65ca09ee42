"""Where a news-search page, and a build, spend their time; what an index holds.

    python benchmarks/profile_pages.py --items 100000               # stages of three pages
    python benchmarks/profile_pages.py --items 100000 --functions   # + cProfile, per function
    python benchmarks/profile_pages.py --items 100000 --page "prefix relevance"
    python benchmarks/profile_pages.py --items 100000 --in-mix --repeat 5  # as bench.py times
    python benchmarks/profile_pages.py --items 100000 --sizes       # bytes per file kind
    python benchmarks/profile_pages.py --items 100000 --build       # pyinstrument, one process

Reads the corpus and the index `bench.py --items N` left in `benchmarks/out/`
(run that first). Every page is a first run, as in the benchmark: the
engine's caches are emptied before each repetition.

- stages: the engine's steps are wrapped with timers (at run time; nothing in
  `search/` changes) and each one's time per page is printed, inclusive, with
  its share of the whole page. Nested stages (the stored fields and the
  spans inside `make_hit`) are indented under their caller. The wrapped
  names are those of `search/` in sub-packages (PROFILE.md was measured on
  the flat layout before it, the same steps under their old names); a name
  that moves is reported as missing and left out. `--in-mix` times the pages where
  `bench.py` does: in rounds of the whole mix, each page followed by the
  other engines' (a page costs more there than run alone, in a row).
- functions (`--functions`): cProfile over the same repetitions, the
  functions with the most time of their own and the most inclusive time.
  cProfile adds a cost to every Python call, so shares of many small calls
  read high: the stage timings are the ones to quote.
- build (`--build`): a full build of the corpus in this process (one worker,
  so the profiler sees every step) under pyinstrument's sampler (optional:
  `pip install -r benchmarks/requirements.txt`), into a scratch directory.
- sizes (`--sizes`): the bytes of each file kind in the generation served,
  the posting arrays (.nsa) split into their parts and fields.
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import importlib
import inspect
import io
import pickle
import pstats
import shutil
import statistics
import struct
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from bench import OUT, query_mix, request_of
from make_corpus import corpus_path

from corpus import read_sources
from search import Engine, SearchRequest
from search.build.store import current_generation

PAGES = ("rare relevance", "and2 relevance", "or3 relevance")
# (module, attribute path, label, depth): the steps of Engine.search in order, each
# wrapped where it is looked up (a function imported into the module that calls it is
# wrapped in that module). PROFILE.md was measured before search/ moved into
# sub-packages, with the same steps under their old names (engine.py, query.py, ...).
STAGES = [
    ("search.engine.handle", "IndexHandle.view", "view: searcher + index version check", 0),
    ("search.engine.core", "read_query", "read the query (once: parse, respell, expand)", 0),
    ("search.query.parsing", "_parsed", "parse and check (plain words, or Whoosh's parser)", 1),
    ("search.query.parsing", "respell_unknown", "respelling checks (respell_unknown)", 1),
    ("search.query.parsing", "expand", "expansion (joins, proximity, synonyms)", 1),
    ("search.query.parsing", "check_expansion", "check_expansion", 1),
    ("search.query.parsing", "respellings", "respellings (words searched respelt)", 1),
    ("search.engine.core", "match", "match: mask, dates, facet counts", 0),
    ("search.postings.evaluator", "Evaluator.mask", "Evaluator.mask (outermost calls)", 1),
    ("search.postings.columns", "FacetColumn.counts", "facet counts", 1),
    ("search.engine.pages", "marks_for", "terms to mark (field_terms)", 0),
    ("search.engine.pages", "ranked", "order: BM25F scores and top 20, or date order", 0),
    ("search.postings.evaluator", "Evaluator.scores", "Evaluator.scores", 1),
    ("search.engine.pages", "make_hit", "20 hits: stored fields + spans", 0),
    ("search.postings.reader", "SegmentFiles.stored_fields",
     "stored_fields (decompress and unpickle a document)", 1),
    ("search.engine.pages", "from_stored", "from_stored (Article from the fields)", 1),
    ("search.engine.pages", "spans", "spans of the matched words, title and summary", 1),
    ("search.postings.columns", "Columns.month_counts", "month counts", 0),
    ("search.engine.pages", "partial", "partial ('all but one word')", 0),
    ("search.engine.pages", "suggest", "suggest ('did you mean')", 0),
]


def _resolve(module_name: str, path: str) -> tuple[object, str] | None:
    try:
        owner: object = importlib.import_module(module_name)
    except ImportError:
        return None
    *parents, name = path.split(".")
    for part in parents:
        owner = getattr(owner, part, None)
        if owner is None:
            return None
    return (owner, name) if hasattr(owner, name) else None


class StageTimer:
    """Wraps the STAGES with timers; only the outermost call of each one counts (a
    recursive `mask` is timed once)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self.missing: list[str] = []
        self._undo: list[tuple[object, str, object]] = []

    def install(self) -> None:
        for module_name, path, label, _ in STAGES:
            found = _resolve(module_name, path)
            if found is None:
                self.missing.append(f"{module_name}.{path}")
                continue
            owner, name = found
            original = inspect.getattr_static(owner, name)
            if isinstance(original, staticmethod):
                wrapped: object = staticmethod(self._wrap(label, original.__func__))
            else:
                wrapped = self._wrap(label, original)
            setattr(owner, name, wrapped)
            self._undo.append((owner, name, original))

    def remove(self) -> None:
        for owner, name, original in reversed(self._undo):
            setattr(owner, name, original)
        self._undo.clear()

    def _wrap(self, label: str, function):  # type: ignore[no-untyped-def]
        active = [0]
        seconds, calls = self.seconds, self.calls

        @functools.wraps(function)
        def timed(*args, **kwargs):  # type: ignore[no-untyped-def]
            if active[0]:
                return function(*args, **kwargs)
            active[0] += 1
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                seconds[label] += time.perf_counter() - started
                calls[label] += 1
                active[0] -= 1
        return timed


def _print_stages(label: str, total: int, plain: list[float], timer: StageTimer,
                  wrapped: list[float]) -> None:
    runs = len(wrapped)
    whole = statistics.mean(wrapped)
    print(f"\n{label}: {total:,} hits; page median {statistics.median(plain) * 1000:.2f}"
          f" ms unwrapped, mean {whole * 1000:.2f} ms with the timers ({runs} runs)")
    print(f"  {'stage':58} {'ms/page':>8} {'share':>6} {'calls/page':>10}")
    for _, _, stage, depth in STAGES:
        if stage not in timer.calls:
            continue
        per_page = timer.seconds[stage] / runs
        print(f"  {'  ' * depth + stage:58} {per_page * 1000:8.3f} "
              f"{per_page / whole:6.1%} {timer.calls[stage] / runs:10.1f}")
    if timer.missing:
        print("  not found (moved?): " + ", ".join(timer.missing))


def time_pages(engine: Engine, requests: dict[str, SearchRequest], repeat: int) -> None:
    """Print, per page, the median page time and each stage's mean time per page, the
    page run `repeat` times in a row."""
    for label, request in requests.items():
        engine.search(request)  # warm: columns, mapped arrays, the OS's page cache
        plain = []
        for _ in range(repeat):
            engine.clear_caches()
            started = time.perf_counter()
            page = engine.search(request)
            plain.append(time.perf_counter() - started)
        timer = StageTimer()
        timer.install()
        try:
            wrapped = []
            for _ in range(repeat):
                engine.clear_caches()
                started = time.perf_counter()
                engine.search(request)
                wrapped.append(time.perf_counter() - started)
        finally:
            timer.remove()
        _print_stages(label, page.total, plain, timer, wrapped)


def time_in_mix(engine: Engine, requests: dict[str, SearchRequest], rounds: int,
                items: int) -> None:
    """The same, with the pages timed where bench.py times them: inside rounds of the
    whole mix, each page followed by FTS5's and tantivy's (when installed)."""
    import fts5

    others: list[Any] = [fts5.Fts5Search(OUT / f"fts5-{items}.sqlite")]
    try:
        import tantivy_search

        others.append(tantivy_search.TantivySearch(OUT / f"tantivy-{items}"))
    except ImportError:
        print("tantivy not installed: the mix interleaves FTS5 only")
    mix = [(label, request_of(params)) for label, params in query_mix(1)]
    for _, request in mix:
        for search in (engine.search, *(other.search for other in others)):
            search(request)
    for timed in (False, True):
        times: dict[str, list[float]] = defaultdict(list)
        timers = {label: StageTimer() for label in requests}
        for _ in range(rounds):
            for label, request in mix:
                engine.clear_caches()
                timer = timers.get(label) if timed else None
                if timer is not None:
                    timer.install()
                started = time.perf_counter()
                engine.search(request)
                times[label].append(time.perf_counter() - started)
                if timer is not None:
                    timer.remove()
                for other in others:
                    other.search(request)
        if not timed:
            plain, totals = times, {label: engine.search(r).total for label, r in mix}
    for label in requests:
        _print_stages(f"{label} (in the mix)", totals[label], plain[label], timers[label],
                      times[label])


def profile_functions(engine: Engine, requests: dict[str, SearchRequest], repeat: int,
                      top: int) -> None:
    for label, request in requests.items():
        engine.search(request)
        profiler = cProfile.Profile()
        for _ in range(repeat):
            engine.clear_caches()
            profiler.enable()
            engine.search(request)
            profiler.disable()
        for order in ("tottime", "cumulative"):
            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out)
            stats.sort_stats(order).print_stats(top)
            lines = out.getvalue().splitlines()
            start = next(n for n, line in enumerate(lines) if "ncalls" in line)
            print(f"\n{label}: cProfile, {repeat} pages, by {order}")
            print("\n".join(lines[start - 1:start + top + 1]))


def profile_build(items: int) -> None:
    try:
        from pyinstrument import Profiler
    except ImportError:
        print("pyinstrument is not installed: pip install -r benchmarks/requirements.txt")
        return
    from search.build import indexer, parallel

    result = read_sources([corpus_path(items)])
    scratch = Path(tempfile.mkdtemp(prefix="profile-build-", dir=OUT))
    original = parallel.write_index
    try:
        # One worker, so that the sampler sees the segments being written.
        indexer.write_index = functools.partial(original, procs=1)  # type: ignore[attr-defined]
        profiler = Profiler(interval=0.005)
        started = time.perf_counter()
        profiler.start()
        report = indexer.build_index(result, scratch / "index")
        profiler.stop()
        print(f"\nbuild of {items:,} items in one process: {report.seconds:.1f} s "
              f"({time.perf_counter() - started:.1f} s under the profiler)")
        print(profiler.output_text(unicode=False, color=False, show_all=False))
    finally:
        indexer.write_index = original  # type: ignore[attr-defined]
        shutil.rmtree(scratch, ignore_errors=True)


def sizes(index_dir: Path) -> None:
    folder = current_generation(index_dir).path
    kinds: dict[str, int] = defaultdict(int)
    parts: dict[str, int] = defaultdict(int)
    for path in sorted(folder.iterdir()):
        if not path.is_file():
            continue
        name = path.name
        kind = name.rsplit(".", 1)[1] if name.startswith("seg-") else name
        kinds[kind] += path.stat().st_size
        if name.endswith(".nsa"):
            for part, size in _arrays_parts(path).items():
                parts[part] += size
    total = sum(kinds.values())
    print(f"\n{folder}: {total / 1e6:,.1f} MB")
    for kind, size in sorted(kinds.items(), key=lambda ks: -ks[1]):
        print(f"  {kind:28} {size / 1e6:10,.2f} MB {size / total:6.1%}")
    nsa = kinds.get("nsa", 0)
    if nsa:
        print("  .nsa by part:")
        for part, size in sorted(parts.items(), key=lambda ps: -ps[1]):
            print(f"    {part:32} {size / 1e6:10,.2f} MB {size / nsa:6.1%} of .nsa")


def _arrays_parts(path: Path) -> dict[str, int]:
    """Bytes of each kind of array in an .nsa file, per field: postings (ids, counts,
    weights), positions, the term directory (terms, hashes, starts), field lengths."""
    import numpy as np

    from search.postings import arrays

    with path.open("rb") as source:
        source.read(len(arrays.MAGIC))
        (size,) = struct.unpack("<Q", source.read(8))
        layout = pickle.loads(source.read(size))["layout"]
    kind_of = {"ids": "postings", "counts": "postings", "weights": "postings",
               "positions": "positions", "pstarts": "term directory",
               "lengths": "field lengths"}
    found: dict[str, int] = defaultdict(int)
    for name, (_, count, kind) in layout.items():
        field, part = name.split(":", 1)
        found[f"{kind_of.get(part, 'term directory')}, {field}"] += (
            count * np.dtype(kind).itemsize)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=100_000, help="corpus size (as bench.py)")
    parser.add_argument("--page", action="append",
                        help=f"a page of the mix by its label (default: {', '.join(PAGES)})")
    parser.add_argument("--repeat", type=int, default=50, help="runs of each page")
    parser.add_argument("--functions", action="store_true", help="cProfile per function too")
    parser.add_argument("--in-mix", action="store_true",
                        help="time the pages inside rounds of the whole mix, interleaved with "
                             "FTS5 and tantivy as bench.py does (--repeat rounds)")
    parser.add_argument("--top", type=int, default=25, help="functions listed by cProfile")
    parser.add_argument("--build", action="store_true", help="profile a build instead")
    parser.add_argument("--sizes", action="store_true", help="bytes per file kind")
    args = parser.parse_args()
    index_dir = OUT / f"index-{args.items}"
    if not (index_dir / "CURRENT").exists():
        parser.exit(1, f"no index at {index_dir}: run benchmarks/bench.py --items "
                       f"{args.items} first\n")
    if args.build:
        profile_build(args.items)
        return
    if args.sizes:
        sizes(index_dir)
        return
    mix = dict(query_mix(1))
    labels = args.page or list(PAGES)
    unknown = [label for label in labels if label not in mix]
    if unknown:
        parser.error(f"unknown page {unknown[0]!r}: pages are {', '.join(mix)}")
    requests = {label: request_of(mix[label]) for label in labels}
    engine = Engine(index_dir)
    try:
        if args.in_mix:
            time_in_mix(engine, requests, args.repeat, args.items)
        else:
            time_pages(engine, requests, args.repeat)
        if args.functions:
            profile_functions(engine, requests, args.repeat, args.top)
    finally:
        engine.close()


if __name__ == "__main__":
    main()
