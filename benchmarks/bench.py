"""news-search against SQLite FTS5 and tantivy on the same synthetic items, in one run.

    python benchmarks/bench.py --items 100000            # everything (several minutes)
    python benchmarks/bench.py --items 10000 --no-http   # a quick run

Steps, each printed as it finishes:
1. make (or reuse) the synthetic corpus `benchmarks/out/synthetic-<items>.jsonl`;
2. build the three indexes from the same `Article`s, and report items per
   second and each index's size (`--reuse` keeps indexes already built for
   this size);
3. the query mix: common, middling and rare words, two- and three-word AND,
   OR, a phrase, a prefix and browsing, each plain, with a date range and with
   a kind filter, by relevance and by date; every one a full page (parse,
   match, total, year/month/kind facets, top 20 highlighted) on every engine,
   `--rounds` times with news-search's caches emptied before each page, so
   every timing is a first run. Per query: hits, median and p95 of each
   engine, and the ratios news-search / FTS5 and news-search / tantivy (below
   1.0 = news-search is faster); then issue 18's table of them all, with the
   targets, as Markdown;
4. repeated pages: the same page again (served by the page cache), the next
   page and a facet click (served partly by the posting-list cache);
5. HTTP (`http_load.py`): a server process on loopback, `--clients`
   concurrent keep-alive clients for `--http-seconds`, cycling through the
   mix: requests per second, latency, errors, the server's peak memory.

tantivy (`tantivy_search.py`) is an optional benchmark dependency
(`pip install -r benchmarks/requirements.txt`); without it, or with
`--no-tantivy`, the run says so in one line and compares the other two.
Nothing here is a test: figures depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

import fts5
import report
from http_load import http_benchmark
from make_corpus import DOMAIN, Generator, make_corpus
from report import ms, per_page_table, summary_table, tree_bytes

from corpus import read_sources
from search import Engine, InputError, parse_request
from search.build.store import current_generation

try:
    import tantivy_search
except ImportError as missing:  # tantivy is optional (benchmarks/requirements.txt)
    if missing.name != "tantivy":
        raise
    tantivy_search = None  # type: ignore[assignment]

OUT = HERE / "out"
DATE_RANGE = {"from": "2015", "to": "2018"}
KIND = {"kind": "Press release"}


def query_mix(seed: int) -> list[tuple[str, dict[str, str]]]:
    """(label, URL parameters) of every page in the mix."""
    vocabulary = Generator(seed).words
    rare = vocabulary[len(set(DOMAIN)) + 3000]  # a made-up word from the long tail
    words = [("common", "cooperative"), ("middling", "fisheries"), ("rare", rare),
             ("and2", "cooperative workers"), ("and3", "women cooperative finance"),
             ("or2", "coffee OR cocoa"), ("or3", "tea OR sugar OR cotton"),
             ("phrase", '"social solidarity"'), ("prefix", "fin*")]
    mix = []
    for label, q in words:
        for filter_label, extra in (("", {}), ("+dates", DATE_RANGE), ("+kind", KIND)):
            for sort in ("relevance", "newest"):
                mix.append((f"{label}{filter_label} {sort}", {"q": q, "sort": sort, **extra}))
    for filter_label, extra in (("", {}), ("+dates", DATE_RANGE), ("+kind", KIND)):
        mix.append((f"browse{filter_label} newest", {"sort": "newest", **extra}))
    return mix


def request_of(params: dict[str, str]):
    return parse_request({name: [value] for name, value in params.items()})


# -- building ------------------------------------------------------------------------


# A news-search build in a process of its own, as `news-search index` runs: what a process
# loads once and keeps (the places gazetteer) is paid by every build, not by the first.
_BUILD = """
import json, sys
from pathlib import Path
from corpus import read_sources
from search import build_index
result = read_sources([Path(sys.argv[1])])
print(json.dumps(build_index(result, Path(sys.argv[2])).seconds))
"""


def fresh_build(corpus: Path, path: Path) -> float:
    """Build news-search's index of `corpus` at `path` in a new process; the seconds the
    build took (the reading of the corpus before it is not counted)."""
    done = subprocess.run([sys.executable, "-c", _BUILD, str(corpus), str(path)],
                          check=False, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"the news-search build failed:\n{done.stderr}")
    return float(done.stdout.strip().splitlines()[-1])


def build_all(corpus: Path, items: int, reuse: bool, with_tantivy: bool,
              build_rounds: int = 1) -> tuple[dict[str, Path], dict[str, float], dict[str, int]]:
    """Build (or reuse) every engine's index from the same articles: their paths, the
    build seconds (the median of `build_rounds`, the engines in turn), the index sizes in
    bytes."""
    paths = {"ns": OUT / f"index-{items}", "fts": OUT / f"fts5-{items}.sqlite"}
    if with_tantivy:
        paths["tan"] = OUT / f"tantivy-{items}"
    started = time.perf_counter()
    result = read_sources([corpus])  # read whole: the 512 MiB per-file limit is gone
    read_seconds = time.perf_counter() - started
    print(f"read {len(result.articles):,} items in {read_seconds:.1f} s "
          f"({len(result.problems)} problems)", flush=True)
    figures = {"read_seconds": read_seconds}
    built = {"ns": (paths["ns"] / "CURRENT").exists(), "fts": paths["fts"].exists(),
             "tan": with_tantivy and (paths["tan"] / "meta.json").exists()}
    builders = {"ns": lambda path: fresh_build(corpus, path),
                "fts": lambda path: fts5.build(result.articles, path)}
    if with_tantivy:
        builders["tan"] = lambda path: tantivy_search.build(result.articles, path)
    engines = [engine for engine in builders if not (reuse and built[engine])]
    for engine in builders:
        if engine not in engines:
            print(f"{report.ENGINES[engine]}: reusing {paths[engine]}")
    # The engines take turns, round after round: a shared machine's speed drifts over
    # minutes, and each engine's median is then taken from the same stretch of time.
    seconds: dict[str, list[float]] = {engine: [] for engine in engines}
    # (Each builder replaces its index: news-search's as a new generation.)
    for _ in range(build_rounds):
        for engine in engines:
            seconds[engine].append(builders[engine](paths[engine]))
    for engine in engines:
        median = statistics.median(seconds[engine])
        figures[f"{engine}_build_seconds"] = median
        each = (" (median of " + ", ".join(f"{s:.1f}" for s in seconds[engine]) + ")"
                if build_rounds > 1 else "")
        print(f"{report.ENGINES[engine]} build: {median:.1f} s, {items / median:,.0f} "
              f"items/s{each}", flush=True)
    if build_rounds > 1 and {"ns", "fts"} <= set(engines):
        # Each round's two builds ran minutes apart at most: their ratio is the steadier
        # figure when the machine's speed drifts between rounds.
        ratios = [ns / fts for ns, fts in zip(seconds["ns"], seconds["fts"])]
        figures["ns_fts_build_ratio"] = statistics.median(ratios)
        print("news-search / FTS5 build, round by round: "
              + ", ".join(f"{ratio:.2f}" for ratio in ratios)
              + f" (median {statistics.median(ratios):.2f})")
    if with_tantivy:
        tantivy_search.garbage_collect(paths["tan"])
    # news-search: the generation served (the previous one is kept beside it for
    # searchers still open on it, and is not counted).
    sizes = {"ns": tree_bytes(current_generation(paths["ns"]).path),
             **{engine: tree_bytes(paths[engine]) for engine in paths if engine != "ns"}}
    print("index size: " + ", ".join(f"{report.ENGINES[e]} {size / 1e6:,.1f} MB"
                                     for e, size in sizes.items()))
    return paths, figures, sizes


# -- the query mix -------------------------------------------------------------------


def _kinds(page: Any) -> list[tuple[str, int]]:
    """The kind counts of a page of any engine (news-search's as one of its facets)."""
    counts = page.facet_counts("kind") if hasattr(page, "facet_counts") else page.kinds
    return [tuple(pair) for pair in counts]


def run_mix(engine: Engine, others: dict[str, Any], mix, rounds: int) -> dict[str, Any]:
    """Time every page of the mix on every engine, `rounds` times, interleaved."""
    requests = [(label, request_of(params)) for label, params in mix]
    engines = {"ns": engine.search, **{name: other.search for name, other in others.items()}}
    same = {name: 0 for name in engines if name != "fts"}
    for _, request in requests:  # warm-up (columns, lengths, the OS's page cache); agreement
        pages = {name: search(request) for name, search in engines.items()}
        facets = {name: (page.total, _kinds(page), page.months) for name, page in pages.items()}
        for name in same:
            same[name] += facets[name] == facets["fts"]
    print("same total and facets as FTS5: " + ", ".join(
        f"{report.ENGINES[name]} on {count} of {len(requests)} pages"
        for name, count in same.items()) + " (news-search's analysis folds more variants)")
    times: dict[str, dict[str, list[float]]] = {
        name: {label: [] for label, _ in requests} for name in engines}
    totals: dict[str, dict[str, int]] = {name: {} for name in engines}
    for _ in range(rounds):
        for label, request in requests:
            engine.clear_caches()  # every timing is a first run
            for name, search in engines.items():
                started = time.perf_counter()
                page = search(request)
                times[name][label].append(time.perf_counter() - started)
                totals[name][label] = page.total
    labels = [label for label, _ in requests]
    per_page_table(labels, times, totals)
    everything = {name: [t for ts in times[name].values() for t in ts] for name in engines}
    summary: dict[str, Any] = {"pages": len(requests), "rounds": rounds}
    for name in engines:
        summary[f"{name}_median_ms"] = statistics.median(everything[name]) * 1000
        summary[f"{name}_p95_ms"] = report.p95(everything[name]) * 1000
    summary["ns_mean_ms"] = statistics.mean(everything["ns"]) * 1000
    summary["per_query"] = {
        label: {**{f"{name}_median_ms": statistics.median(times[name][label]) * 1000
                   for name in engines},
                **{f"{name}_total": totals[name][label] for name in engines}}
        for label in labels}
    print(f"\nmix, all {len(everything['ns'])} pages: " + "; ".join(
        f"{report.ENGINES[name]} median {summary[f'{name}_median_ms']:.1f} ms, "
        f"p95 {summary[f'{name}_p95_ms']:.1f} ms" for name in engines))
    print(f"in-process rate (one thread, cold pages): {1000 / summary['ns_mean_ms']:.1f} pages/s")
    summary["times"] = times
    return summary


def run_repeats(engine: Engine, mix, repeats: int = 20) -> dict[str, object]:
    chosen = [(label, params) for label, params in mix
              if label in ("common relevance", "and2+dates relevance", "phrase newest",
                           "prefix+kind relevance", "browse newest")]
    print(f"\n{'repeated page':28} {'first':>8} {'same':>8} {'speedup':>8} "
          f"{'next pg':>8} {'kind click':>10}   (ms)")
    speedups = []
    for label, params in chosen:
        request = request_of(params)
        engine.clear_caches()
        started = time.perf_counter()
        engine.search(request)
        first = time.perf_counter() - started
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            engine.search(request)
            times.append(time.perf_counter() - started)
        same = statistics.median(times)
        started = time.perf_counter()
        try:
            engine.search(request_of({**params, "page": "2"}))
            next_page = ms(time.perf_counter() - started)
        except InputError:
            next_page = "-"
        started = time.perf_counter()
        engine.search(request_of({**params, "kind": "News"}))
        click = time.perf_counter() - started
        speedups.append(first / same)
        print(f"{label:28} {ms(first):>8} {ms(same):>8} {first / same:7.0f}x "
              f"{next_page:>8} {ms(click):>10}")
    print(f"repeated page speedup: min {min(speedups):.0f}x (target >= 20x)")
    return {"min_speedup": min(speedups), "speedups": speedups}


def commit() -> str:
    """The commit measured, and the last one that changed the engine (search/, corpus/)."""
    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", "-C", str(HERE), *args], capture_output=True,
                                  text=True, timeout=10, check=False).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""
    head = git("log", "-1", "--format=%h %ad %s", "--date=short") or "unknown commit"
    engine = git("log", "-1", "--format=%h", "--", "../search", "../corpus")
    dirty = git("status", "--porcelain", "--untracked-files=no", "--", "../search", "../corpus")
    return (head + (f"; search/ and corpus/ as of {engine}" if engine else "")
            + (" (+uncommitted changes in search/ or corpus/)" if dirty else ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=10_000, help="corpus size")
    parser.add_argument("--seed", type=int, default=1, help="corpus seed")
    parser.add_argument("--rounds", type=int, default=5, help="timed runs of every page")
    parser.add_argument("--reuse", action="store_true",
                        help="reuse indexes already built for this size (no build figures)")
    parser.add_argument("--build-rounds", type=int, default=1,
                        help="builds of each engine, taking turns; the median is reported")
    parser.add_argument("--no-tantivy", action="store_true",
                        help="leave tantivy out (it is left out anyway when not installed)")
    parser.add_argument("--no-mix", action="store_true", help="skip the query mix")
    parser.add_argument("--no-repeat", action="store_true", help="skip repeated pages")
    parser.add_argument("--no-http", action="store_true", help="skip the HTTP part")
    parser.add_argument("--http-seconds", type=float, default=30.0, help="HTTP run length")
    parser.add_argument("--clients", type=int, default=16, help="concurrent HTTP clients")
    parser.add_argument("--threads", type=int, default=8, help="waitress worker threads")
    parser.add_argument("--http-cache", type=int, default=0,
                        help="page cache size in the HTTP server (default 0: every "
                             "request searches)")
    parser.add_argument("--http-path", default="auto",
                        help="search URL path (auto: / of the web UI, else the minimal "
                             "app's /search)")
    args = parser.parse_args()
    if args.items < 100:
        parser.error("--items must be at least 100")
    with_tantivy = tantivy_search is not None and not args.no_tantivy
    versions = f"SQLite {fts5.sqlite3.sqlite_version}"
    if with_tantivy:
        # its __version__ reads "tantivy v0.27.0, index_format v7"
        versions += f", {getattr(tantivy_search.tantivy, '__version__', 'tantivy')}"
    print(f"news-search vs SQLite FTS5{' and tantivy' if with_tantivy else ''}, "
          f"{args.items:,} synthetic items, "
          f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}, {versions}", flush=True)
    print(f"measuring {commit()}")
    if tantivy_search is None:
        print("tantivy: not installed, left out (pip install -r benchmarks/requirements.txt)")
    elif args.no_tantivy:
        print("tantivy: left out (--no-tantivy)")
    corpus = make_corpus(args.items, args.seed)
    paths, figures, sizes = build_all(corpus, args.items, args.reuse, with_tantivy,
                                      args.build_rounds)
    results: dict[str, object] = {"items": args.items, "commit": commit(), "build": figures,
                                  "index_bytes": sizes}
    mix = query_mix(args.seed)
    engine = Engine(paths["ns"])
    if not args.no_mix:
        others: dict[str, Any] = {"fts": fts5.Fts5Search(paths["fts"])}
        if with_tantivy:
            others["tan"] = tantivy_search.TantivySearch(paths["tan"])
            print(f"tantivy: {others['tan'].segments()} segment(s)")
        summary = run_mix(engine, others, mix, args.rounds)
        results["mix"] = summary
        results["ratios"] = summary_table(summary["times"], figures, sizes)
        for other in others.values():
            other.close()
    if not args.no_repeat:
        results["repeat"] = run_repeats(engine, mix)
    engine.close()
    results["bench_peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if not args.no_http:
        results["http"] = http_benchmark(paths["ns"], mix, args.http_seconds, args.clients,
                                         args.threads, args.http_cache, args.http_path)
    out = OUT / f"results-{args.items}.json"
    out.write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(f"\nfigures written to {out}")


if __name__ == "__main__":
    main()
